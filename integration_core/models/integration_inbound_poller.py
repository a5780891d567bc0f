"""Inbound transports that Odoo takes messages from: AMQP queues and file drop folders.

Both commit each received message before the source lets go of it (broker ack, file moved to
done/), so a crash at any point leaves it retriable; the idempotency key (the AMQP message_id, the
file's SHA-256) turns the retry into a recognised duplicate instead of a second message.

- AMQP: a broker message belongs to the flow named by its ``type`` property, else its header
  ``x-flow``, else its routing key. Its ``message_id`` is the idempotency key (publishers must set
  it: without it a redelivery cannot be told from a new message). The consumer command
  ``integration-amqp-consumer`` (``cli/amqp_consumer.py``) takes messages continuously; the
  scheduled action "Integration: pull AMQP queues" is the fallback. Both commit a batch of
  messages in one transaction, then ack it. A message for no active inbound flow is
  dead-lettered alone to ``<queue>.dead``: declare the queue with its dead-letter layout
  (``lib.amqp_transport.declare_queue``), or the broker drops what it is told to dead-letter.
- Files: ``<drop folder>/in/<flow_code>-<anything>.<ext>`` or ``<flow_code>.<ext>``; flow codes
  may contain dots (``partner.upsert-0001.json``). A file is read once it has not changed for
  ``FILE_MIN_AGE`` seconds, for senders that write in place. Content already imported from the
  endpoint (same SHA-256) is moved to done/ without a second message; a file that cannot be
  imported goes to error/ with an integration exception.

A body that is a JSON object becomes the payload; any other UTF-8 text is kept as it is, for
CSV or XML handlers. Empty, binary or non-UTF-8 bodies are refused, and so is what is out of
the input limits (``lib/input_limits.py``: size, depth, NaN, keys), with the reason.
"""

import collections
import hashlib
import json
import logging

import psycopg2

from odoo import _, api, fields, models

from ..lib import amqp_transport, filedrop, input_limits
from ..lib.errors import PermanentError, TransientError
from ..lib.input_limits import MAX_DEPTH
from ..tools.endpoint_transport import amqp_url
from .integration_message import QueueTarget

_logger = logging.getLogger(__name__)

FILE_MIN_AGE = 10.0  # seconds without change before a dropped file is read
# PostgreSQL down, a lock conflict or a concurrent transaction enqueueing the same key.
DATABASE_BUSY = (psycopg2.OperationalError, psycopg2.InterfaceError)


def commit_deliveries(registry, endpoint_id, deliveries, uid, context=None):
    """AMQP callback: enqueue broker messages in one transaction and commit it.

    Returns, per delivery, True (new), False (duplicate) or the PermanentError for which it
    cannot be queued (the caller dead-letters it; the others are committed all the same). The
    caller acks only after this returned, i.e. after the commit. A database error becomes a
    TransientError so the broker keeps the messages and delivers them again.
    """
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context or {})
            endpoint = env["integration.endpoint"].browse(endpoint_id)
            return env["integration.inbound.poller"]._receive_deliveries(endpoint, deliveries)
    except DATABASE_BUSY as error:
        raise TransientError(f"Database unavailable, left in the broker: {error}") from None


def file_flow_code(name):
    """Flow code of a dropped file: ``<flow_code>-<anything>.<ext>`` or ``<flow_code>.<ext>``."""
    head, dash, _tail = name.partition("-")
    return head if dash else name.rsplit(".", 1)[0]


def _delivery_fields(delivery):
    """Flow code and ``_item`` arguments of an ``amqp_transport.Delivery``."""
    properties = delivery.properties
    headers = _json_safe(properties.headers or {})
    return {
        "flow_code": properties.type or headers.get("x-flow") or delivery.routing_key,
        "body": delivery.body,
        "message_id": properties.message_id,
        "headers": headers or None,
        "correlation_id": properties.correlation_id,
    }


def _json_safe(headers):
    """AMQP headers as JSON values (the broker's x-death header holds dates, for example)."""

    def plain(value):
        return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

    return json.loads(json.dumps(headers, default=plain))


class IntegrationInboundPoller(models.AbstractModel):
    _name = "integration.inbound.poller"
    _description = "Integration Inbound Poller"

    @api.model
    def _receive(
        self, endpoint, flow_code, body, message_id=None, headers=None, correlation_id=None
    ):
        """Enqueue ``body`` (bytes) for ``endpoint``'s inbound flow ``flow_code``.

        Returns ``(message, created)``; raises PermanentError when no active inbound flow has
        that code or the body cannot be queued.
        """
        flows = self._inbound_flows(endpoint, [flow_code])
        flow = self._inbound_flow(endpoint, flows, flow_code)
        item = self._checked_item(flow, self._item(body, message_id, headers, correlation_id))
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
        """The flow of ``flows`` (see ``_inbound_flows``) for ``flow_code``, or PermanentError."""
        if flow_code not in flows:
            raise PermanentError(
                _(
                    "Endpoint %(endpoint)s has no active inbound flow %(flow)r.",
                    endpoint=endpoint.code,
                    flow=flow_code or "",
                )
            )
        return flows[flow_code]

    @api.model
    def _item(self, body, message_id, headers, correlation_id):
        """An ``enqueue_batch`` item for a received body; PermanentError if it cannot be queued."""
        return {
            "payload": self._decode_body(body),
            "idempotency_key": message_id,
            "headers": headers,
            "correlation_id": correlation_id,
        }

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

    # ------------------------------------------------------------------ AMQP
    @api.model
    def _receive_deliveries(self, endpoint, deliveries):
        """Enqueue ``amqp_transport.Delivery`` objects with one INSERT per flow.

        Each delivery is checked first (active inbound flow, body), so one that cannot be
        queued does not stop the others. Returns, per delivery, True (new), False (duplicate,
        also for a repeated message_id within ``deliveries``) or the PermanentError refusing it.
        """
        received = [_delivery_fields(delivery) for delivery in deliveries]
        flows = self._inbound_flows(endpoint, {values["flow_code"] for values in received})
        outcomes = [None] * len(deliveries)
        queued = collections.defaultdict(list)  # flow: [(position, item)]
        for position, values in enumerate(received):
            try:
                flow = self._inbound_flow(endpoint, flows, values.pop("flow_code"))
                queued[flow].append((position, self._checked_item(flow, self._item(**values))))
            except PermanentError as error:
                outcomes[position] = error
        Message = self.env["integration.message"]
        for flow, entries in queued.items():
            results = Message.enqueue_batch(flow, [item for _position, item in entries])
            for (position, _item), (_message, created) in zip(entries, results, strict=True):
                outcomes[position] = created
        return outcomes

    @api.model
    def _commit_deliveries(self, endpoint_id, deliveries):
        """Enqueue and commit broker messages in a transaction of their own, before their ack."""
        return commit_deliveries(
            self.env.registry, endpoint_id, deliveries, self.env.uid, self.env.context
        )

    @api.model
    def _amqp_endpoints(self, codes=None):
        """Active AMQP endpoints with an inbound queue (only those of ``codes`` if given)."""
        domain = [("transport", "=", "amqp"), ("amqp_queue", "!=", False)]
        if codes:
            domain.append(("code", "in", list(codes)))
        return self.env["integration.endpoint"].sudo().search(domain)

    @api.model
    def _cron_poll_amqp(self, max_messages=500):
        """Scheduled: pull what the consumer command did not take (or when it does not run)."""
        for endpoint in self._amqp_endpoints():
            try:
                taken = amqp_transport.pull(
                    amqp_url(endpoint),
                    endpoint.amqp_queue,
                    lambda deliveries, endpoint_id=endpoint.id: self._commit_deliveries(
                        endpoint_id, deliveries
                    ),
                    max_messages=max_messages,
                )
            except Exception as error:  # one broker down must not stop the others
                _logger.warning("Pulling the queue of %s failed: %s", endpoint.code, error)
                continue
            if taken:
                _logger.info("Took %d messages off the queue of %s", taken, endpoint.code)

    # ------------------------------------------------------------------ files
    @api.model
    def _cron_poll_files(self, max_files=200, min_age=FILE_MIN_AGE):
        """Scheduled: import up to ``max_files`` files from each file endpoint's in/ folder."""
        endpoints = (
            self.env["integration.endpoint"]
            .sudo()
            .search([("transport", "=", "file"), ("file_root", "!=", False)])
        )
        for endpoint in endpoints:
            try:
                folders = filedrop.ensure_layout(endpoint.file_root)
                paths = filedrop.ready_files(folders["in"], min_age=min_age)[:max_files]
            except OSError as error:
                _logger.warning("Drop folder of %s unusable: %s", endpoint.code, error)
                continue
            imported = sum(self._import_file(endpoint, path) for path in paths)
            if imported:
                _logger.info("Imported %d files for %s", imported, endpoint.code)

    @api.model
    def _import_file(self, endpoint, path):
        """Import one file once, commit, then move it to done/ (or error/); True when new."""
        try:
            body = path.read_bytes()
        except FileNotFoundError:
            return False  # taken by another worker meanwhile
        except OSError as error:
            self._reject_file(endpoint, path, str(error))
            return False
        checksum = hashlib.sha256(body).hexdigest()
        try:
            with self.env.registry.cursor() as cr:
                created = self.env(cr=cr)[self._name]._register_file(
                    endpoint.id, path.name, body, checksum
                )
        except PermanentError as error:
            self._reject_file(endpoint, path, str(error))
            return False
        except (*DATABASE_BUSY, psycopg2.IntegrityError) as error:
            _logger.warning("%s: %s left in in/ for the next poll: %s", endpoint.code, path, error)
            return False
        self._move(endpoint, path, "done")
        return created

    @api.model
    def _register_file(self, endpoint_id, file_name, body, checksum):
        """Enqueue a file's content and record its checksum, unless it was imported before."""
        endpoint = self.env["integration.endpoint"].browse(endpoint_id)
        Record = self.env["integration.file.record"].sudo()
        if Record.search_count([("endpoint_id", "=", endpoint_id), ("checksum", "=", checksum)]):
            _logger.info("%s: %s was imported before; not again", endpoint.code, file_name)
            return False
        message, _created = self._receive(
            endpoint,
            file_flow_code(file_name),
            body,
            message_id=f"sha256:{checksum}",
            headers={"file_name": file_name},
        )
        Record.create(
            {
                "endpoint_id": endpoint_id,
                "file_name": file_name,
                "checksum": checksum,
                "size": len(body),
                "message_id": message.id,
            }
        )
        return True

    @api.model
    def _reject_file(self, endpoint, path, reason):
        """Record why a file cannot be imported (committed first), then move it to error/."""
        _logger.warning("%s: %s not imported: %s", endpoint.code, path, reason)
        with self.env.registry.cursor() as cr:
            self.env(cr=cr)[self._name]._file_exception(endpoint.id, path.name, reason)
        self._move(endpoint, path, "error")

    @api.model
    def _file_exception(self, endpoint_id, file_name, reason):
        """Open (or refresh) the exception for a rejected file."""
        endpoint = self.env["integration.endpoint"].sudo().browse(endpoint_id)
        Exception_ = self.env["integration.exception"].sudo()
        fingerprint = f"file:{endpoint_id}:{file_name}"
        error = _(
            "%(reason)s The file was moved to %(folder)s/error/; fix it and move it back to in/.",
            reason=reason,
            folder=endpoint.file_root,
        )
        exception = Exception_.search(
            [("fingerprint", "=", fingerprint), ("state", "in", ("new", "in_progress"))], limit=1
        )
        if exception:
            exception.write({"error": error, "last_seen_at": fields.Datetime.now()})
            return exception
        return Exception_.create(
            {
                "name": _(
                    "%(endpoint)s: file %(file)s not imported",
                    endpoint=endpoint.code,
                    file=file_name,
                ),
                "category": "validation",
                "fingerprint": fingerprint,
                "endpoint_id": endpoint_id,
                "company_id": endpoint.company_id.id,
                "error": error,
            }
        )

    @api.model
    def _move(self, endpoint, path, subfolder):
        """Move a handled file; if that fails the next poll finds it again (no harm done)."""
        try:
            filedrop.move_to(path, subfolder)
        except OSError as error:
            _logger.error("%s: cannot move %s to %s/: %s", endpoint.code, path, subfolder, error)
