"""Inbound transports that Odoo fetches from: AMQP queues and file drop folders.

Both commit each received message before the source lets go of it (broker ack, file moved
to done/), so a crash at any point leaves it retriable, and the idempotency key (the AMQP
message_id, the file's SHA-256) makes the retry a duplicate rather than a second message.

- AMQP: a broker message belongs to the flow named by its ``type`` property, else its header
  ``x-flow``, else its routing key. The consumer command ``integration-amqp-consumer`` (see
  ``cli/amqp_consumer.py``) does this continuously; the scheduled pull is the fallback.
- Files: ``<drop folder>/in/<flow_code>-<anything>.<ext>`` (or ``<flow_code>.<ext>``).
"""

import json
import logging
import os

from odoo import _, api, models

from ..lib import amqp_transport, filedrop
from ..lib.errors import PermanentError
from ..tools.endpoint_transport import amqp_url

_logger = logging.getLogger(__name__)


class IntegrationInboundPoller(models.AbstractModel):
    _name = "integration.inbound.poller"
    _description = "Integration Inbound Poller"

    @api.model
    def _receive(self, endpoint, flow_code, body, message_id=None, headers=None):
        """Enqueue one received body for ``endpoint``'s inbound flow ``flow_code``."""
        flow = self.env["integration.flow"].search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("code", "=", flow_code),
                ("direction", "=", "inbound"),
                ("state", "=", "active"),
            ],
            limit=1,
        )
        if not flow:
            raise PermanentError(
                _(
                    "%(endpoint)s has no active inbound flow %(flow)s.",
                    endpoint=endpoint.code,
                    flow=flow_code,
                )
            )
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            payload = body.decode("utf-8", errors="replace")  # CSV, XML...: the handler reads it
        item = {"payload": payload, "idempotency_key": message_id, "headers": headers}
        return self.env["integration.message"].enqueue_batch(flow, [item])[0]

    # ------------------------------------------------------------------ AMQP
    @api.model
    def _receive_delivery(self, endpoint, delivery):
        """Enqueue one broker message and commit, before the caller acks it."""
        properties = delivery.properties
        headers = dict(properties.headers or {})
        flow_code = properties.type or headers.get("x-flow") or delivery.routing_key
        self._receive(endpoint, flow_code, delivery.body, properties.message_id, headers or None)

    @api.model
    def _handle_delivery(self, endpoint_id, delivery):
        """Callback for the AMQP transport: one committed transaction per broker message."""
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            env[self._name]._receive_delivery(
                env["integration.endpoint"].browse(endpoint_id), delivery
            )

    @api.model
    def _amqp_endpoints(self, codes=None):
        domain = [("transport", "=", "amqp"), ("amqp_queue", "!=", False)]
        if codes:
            domain.append(("code", "in", list(codes)))
        return self.env["integration.endpoint"].sudo().search(domain)

    @api.model
    def _cron_poll_amqp(self, max_messages=500):
        """Scheduled: pull what the consumer command did not take (or runs without it)."""
        for endpoint in self._amqp_endpoints():
            try:
                taken = amqp_transport.pull(
                    amqp_url(endpoint),
                    endpoint.amqp_queue,
                    lambda delivery, endpoint_id=endpoint.id: self._handle_delivery(
                        endpoint_id, delivery
                    ),
                    max_messages=max_messages,
                )
            except Exception as error:  # one broker down must not stop the others
                _logger.warning("Pulling %s failed: %s", endpoint.code, error)
                continue
            if taken:
                _logger.info("Pulled %d messages from %s", taken, endpoint.code)

    # ------------------------------------------------------------------ files
    @api.model
    def _cron_poll_files(self, max_files=200):
        """Scheduled: import the files dropped in every file endpoint's in/ folder."""
        endpoints = (
            self.env["integration.endpoint"]
            .sudo()
            .search([("transport", "=", "file"), ("file_root", "!=", False)])
        )
        for endpoint in endpoints:
            folders = filedrop.ensure_layout(endpoint.file_root)
            for path in filedrop.ready_files(folders["in"])[:max_files]:
                self._import_file(endpoint, path)

    @api.model
    def _import_file(self, endpoint, path):
        """Import one file exactly once, then move it to done/ (or error/)."""
        checksum = filedrop.sha256_file(path)
        Record = self.env["integration.file.record"].sudo()
        if Record.search_count([("endpoint_id", "=", endpoint.id), ("checksum", "=", checksum)]):
            filedrop.move_to(path, "done")  # imported before; the move was lost in a crash
            return
        flow_code = os.path.basename(path).split("-", 1)[0].split(".", 1)[0]
        try:
            with self.env.registry.cursor() as cr:
                env = self.env(cr=cr)
                message, _created = env[self._name]._receive(
                    env["integration.endpoint"].browse(endpoint.id),
                    flow_code,
                    path.read_bytes(),
                    message_id=f"sha256:{checksum}",
                    headers={"file_name": path.name},
                )
                env["integration.file.record"].sudo().create(
                    {
                        "endpoint_id": endpoint.id,
                        "file_name": path.name,
                        "checksum": checksum,
                        "size": path.stat().st_size,
                        "message_id": message.id,
                    }
                )
        except (PermanentError, OSError) as error:
            self._reject_file(endpoint, path, str(error))
            return
        filedrop.move_to(path, "done")

    @api.model
    def _reject_file(self, endpoint, path, reason):
        """Move a file that cannot be imported to error/ and tell people why."""
        target = filedrop.move_to(path, "error")
        self.env["integration.exception"].sudo().create(
            {
                "name": _(
                    "%(endpoint)s: file %(file)s not imported",
                    endpoint=endpoint.code,
                    file=path.name,
                ),
                "category": "validation",
                "fingerprint": f"file:{endpoint.id}:{path.name}",
                "endpoint_id": endpoint.id,
                "company_id": endpoint.company_id.id,
                "error": _("%(reason)s The file is in %(target)s.", reason=reason, target=target),
            }
        )
