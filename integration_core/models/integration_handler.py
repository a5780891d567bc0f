"""The contract between the queue and the code that knows what a message means."""

from odoo import api, models

from ..tools import payload_map


class IntegrationHandler(models.AbstractModel):
    """Base of every handler. A flow names one handler; connector addons add their own.

    Inbound handlers implement ``_process_inbound``: turn the message into Odoo records and
    return them (or nothing). It runs in the same transaction as the message's ``done`` state,
    so the effect happens exactly once. Outbound handlers implement ``_prepare_outbound``:
    return the request to send; the queue sends it through the endpoint's transport.

    Messages are claimed in batches: a handler may name the records a batch will use in
    ``_prefetch_inbound`` and get them with ``_browse``, so Odoo reads them once per batch.

    Raise ``lib.errors.PermanentError`` for a message that can never succeed as it is,
    ``lib.errors.TransientError`` for one worth retrying later.

    Message states change by set-based SQL (enqueue is an INSERT, the queue's outcomes are
    UPDATEs): ``create``/``write`` overrides of ``integration.message`` never run. A handler
    that must act when its messages end implements the batch hooks ``_on_done``,
    ``_on_failed`` and ``_on_waiting`` instead.
    """

    _name = "integration.handler"
    _description = "Integration Handler"

    @api.model
    def _process_inbound(self, message):
        """Apply an inbound ``message``; return the records it produced, if any."""
        raise NotImplementedError(f"{self._name} does not process inbound messages")

    @api.model
    def _payload_json(self, message):
        """The payload of an inbound ``message`` as a JSON object, as the queue reads it (the
        flow's sequence gate) and the handler too: through the flow's payload mapping when it
        has one (``tools.payload_map``). A connector that accepts another encoding of its
        messages (a WMS's CSV files) overrides it; errors are ``InvalidMessage``."""
        return payload_map.canonical_payload(
            message.flow_id, message.endpoint_id, message.get_payload_json()
        )

    @api.model
    def _prefetch_inbound(self, messages):
        """Say which records the inbound ``messages`` of one batch will use, before any runs.

        Return ``{model name: ids}``; ``_browse`` then gives records that Odoo reads for the
        whole batch at once (one query per model and field instead of one per message).
        The default names none.
        """
        return {}

    @api.model
    def _with_batch_prefetch(self, prefetch):
        """This handler, with ``_browse`` reading the records of ``prefetch`` together."""
        frozen = tuple((model, tuple(ids)) for model, ids in prefetch.items() if ids)
        return self.with_context(integration_prefetch=frozen) if frozen else self

    @api.model
    def _browse(self, model, record_id):
        """``env[model].browse(record_id)``, read with the records its batch named."""
        record = self.env[model].browse(record_id)
        for name, ids in self.env.context.get("integration_prefetch", ()):
            if name == model:
                return record.with_prefetch(ids)
        return record

    @api.model
    def _require(self, endpoint, model, code, domain=None):
        """The record ``code`` names at ``endpoint`` (the core's record lookup); an unknown
        code parks the message until the record is known."""
        return self.env["integration.record.lookup"]._require(endpoint, model, code, domain)

    @api.model
    def _require_many(self, endpoint, model, codes, domain=None):
        """``{code: record}`` of every code (one lookup for all); the first unknown one parks
        the message until it is known."""
        return self.env["integration.record.lookup"]._require_many(endpoint, model, codes, domain)

    @api.model
    def _prepare_outbound(self, message):
        """Build the request for an outbound ``message``.

        Return a dict with ``body`` (bytes, str or a JSON-serialisable value) and optionally
        ``path``, ``method`` and ``headers``.
        """
        raise NotImplementedError(f"{self._name} does not send outbound messages")

    # ------------------------------------------------------------------ lifecycle hooks
    @api.model
    def _on_done(self, messages):
        """Called once per batch with this handler's ``messages`` that became ``done``.

        Runs after their state changed, in the same transaction (their effects are linked by
        then). A hook that raises has its own work undone and logged; the states stay.
        """

    @api.model
    def _on_failed(self, messages):
        """Called once per batch with this handler's ``messages`` that became ``failed`` (by
        the queue, or when a waiting message's deadline passed). Same rules as ``_on_done``."""

    @api.model
    def _on_waiting(self, messages):
        """Called once per batch with this handler's ``messages`` parked on a missing
        reference (``waiting``). Same rules as ``_on_done``."""
