"""Test helpers for connector addons: the queue, what was queued, and inbound messages.

Import them in a connector's tests (``from odoo.addons.integration_core.tests.helpers import
...``). They work the real queue on the real database, like the scheduled action does:

- ``run_queue(env)``: claim and process everything due, committing to the test cursor (use
  it in a test whose class entered the registry's test mode, as ``IntegrationCase`` does).
- ``trap_messages(env)``: a context manager recording the messages queued in its block
  (``with trap_messages(self.env) as trap: order.action_confirm()``), then
  ``trap.assert_queued(flow, {"work_order": "WH/MO/00001"})`` checks that messages of a flow
  (a record or its code) were queued with payloads containing that subset, and
  ``trap.assert_nothing_queued(flow)`` that none were. Enqueueing is one INSERT: the trap
  reads the table, it never patches ``create``.
- ``play_inbound(env, endpoint_code, flow_code, payload, user)``: an external system's
  message through the real entry point (``enqueue_external`` as the service account
  ``user``, with its access checks), then the queue; returns the message.
"""

import contextlib

from odoo.tools import SQL


def run_queue(env, max_batches=None, batch_size=None):
    """Work the queue as the scheduled action does; return how many messages it processed."""
    env.flush_all()
    with env.registry.cursor() as cr:
        worker = env(cr=cr)["integration.queue.worker"]
        processed = worker._work_queue(max_batches=max_batches, batch_size=batch_size)
    env.invalidate_all()
    return processed


class MessageTrap:
    """The messages queued while a ``trap_messages`` block ran (see the module docstring)."""

    def __init__(self, env, first_id):
        self.env = env
        self.first_id = first_id

    @property
    def messages(self):
        """Every message queued in the block, oldest first."""
        self.env.flush_all()
        Message = self.env["integration.message"].sudo()
        return Message.search([("id", ">", self.first_id)], order="id")

    def of(self, flow):
        """The trapped messages of ``flow`` (a flow record or a flow code)."""
        if isinstance(flow, str):
            return self.messages.filtered(lambda m: m.flow_id.code == flow)
        return self.messages.filtered(lambda m: m.flow_id == flow)

    def assert_queued(self, flow, payload_subset=None, count=1):
        """``count`` messages of ``flow`` whose payload holds every key of ``payload_subset``
        with the same value; returns them."""
        matching = self.of(flow).filtered(
            lambda m: _contains(m.get_payload_json(), payload_subset or {})
        )
        if len(matching) != count:
            queued = [(m.flow_id.code, m.get_payload_json()) for m in self.messages]
            raise AssertionError(
                f"expected {count} message(s) of {getattr(flow, 'code', flow)} with "
                f"{payload_subset!r}, found {len(matching)}; queued: {queued!r}"
            )
        return matching

    def assert_nothing_queued(self, flow=None):
        queued = self.of(flow) if flow else self.messages
        if queued:
            raise AssertionError(
                f"expected no message, found {[(m.flow_id.code, m.id) for m in queued]!r}"
            )


@contextlib.contextmanager
def trap_messages(env):
    """Record the messages queued inside the ``with`` block (see ``MessageTrap``)."""
    env.flush_all()
    env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM integration_message"))
    yield MessageTrap(env, env.cr.fetchone()[0])


def play_inbound(env, endpoint_code, flow_code, payload, user, idempotency_key=None, run=True):
    """Queue ``payload`` as the service account ``user`` sends it, then (``run``) work the
    queue; return the message."""
    Message = env["integration.message"]
    answer = Message.with_user(user).enqueue_external(
        endpoint_code, flow_code, payload, idempotency_key=idempotency_key
    )
    message = Message.sudo().browse(answer[0]["id"])
    if run:
        run_queue(env)
    return message


def _contains(payload, subset):
    """True when ``payload`` holds every key of ``subset`` (nested dicts: their subset)."""
    if isinstance(subset, dict):
        return isinstance(payload, dict) and all(
            key in payload and _contains(payload[key], value) for key, value in subset.items()
        )
    return payload == subset
