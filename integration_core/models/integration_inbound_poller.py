"""Inbound pollers: what every inbound transport shares (flow lookup, body decoding, limits).

The transports' own logic lives in ``tools/amqp_inbound.py`` and ``tools/file_inbound.py``; the
scheduled actions dispatch to each endpoint's ``_poll_<transport>`` method, so an addon adds an
inbound transport by ``selection_add`` on ``integration.endpoint.transport`` and a
``_poll_<transport>`` method that hands what it receives to ``_receive``.

Every transport commits each received message before the source lets go of it (broker ack, file
moved to done/), so a crash at any point leaves it retriable; the idempotency key (the AMQP
message_id, the file's SHA-256) turns the retry into a recognised duplicate instead of a second
message. A body that is a JSON object becomes the payload; any other UTF-8 text is kept as it is,
for CSV or XML handlers. A body received compressed (gzip or deflate) is inflated first, never
past the body limit (``lib/compression.py``). Empty, binary or non-UTF-8 bodies are refused, and
so is what is out of the input limits (``lib/input_limits.py``: size, depth, NaN, keys), with the
reason.
"""

import json
import logging

from odoo import _, api, models

from ..lib import compression, input_limits
from ..lib.errors import PermanentError
from ..lib.input_limits import MAX_DEPTH
from ..tools import amqp_inbound, file_inbound
from .integration_message import QueueTarget

_logger = logging.getLogger(__name__)


class IntegrationInboundPoller(models.AbstractModel):
    _name = "integration.inbound.poller"
    _description = "Integration Inbound Poller"

    @api.model
    def _receive(
        self,
        endpoint,
        flow_code,
        body,
        message_id=None,
        headers=None,
        correlation_id=None,
        content_encoding=None,
    ):
        """Enqueue ``body`` (bytes, compressed as ``content_encoding`` says: gzip, deflate or
        nothing) for ``endpoint``'s inbound flow ``flow_code``.

        Returns ``(message, created)``; raises PermanentError when no active inbound flow has
        that code or the body cannot be queued.
        """
        flows = self._inbound_flows(endpoint, [flow_code])
        flow = self._inbound_flow(endpoint, flows, flow_code)
        received = self._item(body, message_id, headers, correlation_id, content_encoding)
        item = self._checked_item(flow, received)
        return self.env["integration.message"].enqueue_batch(flow, [item])[0]

    @api.model
    def _inbound_flows(self, endpoint, codes):
        """``{code: flow}`` of ``endpoint``'s active inbound flows among ``codes``."""
        flows = self.env["integration.flow"].search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("code", "in", [code for code in codes if code]),
                ("direction", "=", "inbound"),
                ("state", "=", "active"),
            ]
        )
        return {flow.code: flow for flow in flows}

    @api.model
    def _inbound_flow(self, endpoint, flows, flow_code):
        """The flow of ``flows`` (see ``_inbound_flows``) for ``flow_code``, or PermanentError
        (no such flow, or a temporary flow past its sunset date)."""
        if flow_code not in flows:
            raise PermanentError(
                _(
                    "Endpoint %(endpoint)s has no active inbound flow %(flow)r.",
                    endpoint=endpoint.code,
                    flow=flow_code or "",
                )
            )
        refusal = flows[flow_code]._sunset_refusal()
        if refusal:
            raise PermanentError(refusal)
        return flows[flow_code]

    @api.model
    def _item(self, body, message_id, headers, correlation_id, content_encoding=None):
        """An ``enqueue_batch`` item for a received body; PermanentError if it cannot be queued."""
        return {
            "payload": self._decode_body(self._inflate(body, content_encoding)),
            "idempotency_key": message_id,
            "headers": headers,
            "correlation_id": correlation_id,
        }

    @api.model
    def _inflate(self, body, content_encoding):
        """``body`` inflated if ``content_encoding`` names gzip or deflate, within the body
        limit; PermanentError for another coding, a corrupt stream or one too large."""
        try:
            coding = compression.content_coding(content_encoding)
            if not coding:
                return body
            max_bytes = self.env["integration.message"]._max_payload_bytes()
            return compression.inflate(compression.chunks(body), coding, max_bytes)
        except input_limits.InputError as error:
            raise PermanentError(str(error)) from None

    @api.model
    def _decode_body(self, body):
        """A JSON object as a dict, any other UTF-8 text as it is (a BOM is dropped)."""
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PermanentError(
                _("The content is not UTF-8 text (byte %(position)s).", position=error.start)
            ) from None
        if not text.strip():
            raise PermanentError(_("The content is empty."))
        if "\x00" in text:
            raise PermanentError(_("The content is binary (it contains NUL bytes)."))
        try:
            payload = json.loads(text)
        except RecursionError:
            raise PermanentError(
                _("The JSON content is nested too deeply (at most %s levels).", MAX_DEPTH)
            ) from None
        except ValueError:
            return text
        return payload if isinstance(payload, dict) else text

    @api.model
    def _checked_item(self, flow, item):
        """``item`` once it is within the input limits; PermanentError saying why not."""
        Message = self.env["integration.message"]
        target = QueueTarget(
            flow.id, flow.endpoint_id.id, flow.company_id.id, "inbound", flow.ordering_key_path
        )
        try:
            Message._prepare_row(target, item, Message._max_payload_bytes())
        except input_limits.InputError as error:
            raise PermanentError(str(error)) from None
        return item

    @api.model
    def _enqueue_rows(self, flow, items):
        """Queue ``items`` on inbound ``flow`` for a source the caller trusts (flat file rows,
        pulled records) in one statement: ``[(message, created)]``, or an InputError whose
        ``index`` names the item out of the input limits (nothing stored then)."""
        target = QueueTarget(
            flow.id, flow.endpoint_id.id, flow.company_id.id, "inbound", flow.ordering_key_path
        )
        return self.env["integration.message"].sudo()._enqueue_target(target, items)

    # ------------------------------------------------------------------ polling
    @api.model
    def _cron_poll(self, transport, domain=None, **limits):
        """Scheduled: poll each endpoint of ``transport`` (and ``domain``) through its
        ``_poll_<transport>`` method; one endpoint failing does not stop the others."""
        Endpoint = self.env["integration.endpoint"].sudo()
        for endpoint in Endpoint.search([("transport", "=", transport), *(domain or [])]):
            try:
                endpoint._poll(**limits)
            except Exception as error:  # one source down must not stop the others
                _logger.warning("Polling %s failed: %s", endpoint.code, error)

    @api.model
    def _cron_poll_amqp(self, max_messages=500):
        """Scheduled: pull what the consumer command did not take (or when it does not run)."""
        self._cron_poll("amqp", [("amqp_queue", "!=", False)], max_messages=max_messages)

    @api.model
    def _cron_poll_files(self, max_files=200, min_age=file_inbound.FILE_MIN_AGE):
        """Scheduled: import up to ``max_files`` files from each file endpoint's in/ folder."""
        self._cron_poll("file", [("file_root", "!=", False)], max_files=max_files, min_age=min_age)

    @api.model
    def _cron_poll_sources(self):
        """Scheduled: pull the flows of REST and older Odoo endpoints (``pull_path``)."""
        for transport in ("rest", "odoo_xmlrpc"):
            self._cron_poll(transport)

    @api.model
    def _amqp_endpoints(self, codes=None):
        """Active AMQP endpoints with an inbound queue (only those of ``codes`` if given)."""
        domain = [("transport", "=", "amqp"), ("amqp_queue", "!=", False)]
        if codes:
            domain.append(("code", "in", list(codes)))
        return self.env["integration.endpoint"].sudo().search(domain)

    @api.model
    def _commit_deliveries(self, endpoint_id, deliveries):
        """Enqueue and commit broker messages in a transaction of their own, before their ack."""
        return amqp_inbound.commit_deliveries(
            self.env.registry, endpoint_id, deliveries, self.env.uid, self.env.context
        )

    @api.model
    def _register_file(self, endpoint_id, file_name, body, checksum):
        """Enqueue a file's content and record its checksum, unless it was imported before."""
        return file_inbound.register_file(self, endpoint_id, file_name, body, checksum)
