"""The durable queue: one row per message received (inbox) or to send (outbox)."""

import functools
import hashlib
import json
import logging
import uuid
from collections import namedtuple

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..lib import input_limits
from ..tools import access
from ..tools.cron_wakeup import wake_cron_workers
from ..tools.enqueue_errors import ConcurrentEnqueue
from .integration_sequence_gate import SEQUENCE_REFERENCE

_logger = logging.getLogger(__name__)

# Where enqueued messages go: a flow's identity and what enqueuing reads of it.
QueueTarget = namedtuple(
    "QueueTarget", "flow_id endpoint_id company_id direction ordering_key_path"
)
# Payloads larger than this live in an attachment, with their checksum on the message.
PAYLOAD_INLINE_LIMIT = 256 * 1024
# States in which a message still blocks later messages of its ordering key.
BLOCKING_STATES = ("pending", "processing", "waiting", "failed")
STATES = [
    ("pending", "Pending"),
    ("processing", "Processing"),
    ("waiting", "Waiting"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class IntegrationMessage(models.Model):
    _name = "integration.message"
    _description = "Integration Message"
    _order = "id desc"
    _rec_name = "display_name"

    flow_id = fields.Many2one("integration.flow", required=True, readonly=True, index=True)
    endpoint_id = fields.Many2one("integration.endpoint", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, readonly=True
    )
    state = fields.Selection(STATES, default="pending", required=True, readonly=True)
    payload = fields.Text(readonly=True, help="The message body, usually JSON.")
    payload_attachment_id = fields.Many2one(
        "ir.attachment", string="Payload attachment", readonly=True
    )
    payload_checksum = fields.Char(
        string="Payload SHA-256", readonly=True, help="SHA-256 of the payload."
    )
    payload_size = fields.Integer(string="Payload size (bytes)", readonly=True)
    headers = fields.Text(readonly=True, help="Transport headers kept with the message (JSON).")
    idempotency_key = fields.Char(string="Idempotency key", required=True, readonly=True)
    ordering_key = fields.Char(string="Ordering key", readonly=True)
    sequence = fields.Integer(readonly=True, help="Order among messages of one ordering key.")
    correlation_id = fields.Char(string="Correlation ID", readonly=True, index="btree_not_null")
    attempts = fields.Integer(string="Tries so far", readonly=True)
    next_attempt_at = fields.Datetime(string="Next attempt", readonly=True)
    lease_until = fields.Datetime(string="Lease until", readonly=True)
    leased_by = fields.Char(string="Leased by", readonly=True)
    error = fields.Text(readonly=True)
    error_kind = fields.Selection(
        [("transient", "Transient"), ("permanent", "Permanent")], string="Error kind", readonly=True
    )
    waiting_model = fields.Char(
        string="Waiting for model", readonly=True, help="Model of the missing reference."
    )
    waiting_code = fields.Char(
        string="Waiting for code", readonly=True, help="Code of the missing reference."
    )
    waiting_since = fields.Datetime(string="Waiting since", readonly=True)
    waiting_deadline = fields.Datetime(
        string="Waiting deadline",
        readonly=True,
        help="After this the missing reference becomes a failure people act on.",
    )
    done_at = fields.Datetime(string="Done", readonly=True)
    effect_ids = fields.One2many(
        "integration.message.effect",
        "message_id",
        string="Effects",
        readonly=True,
        help="The Odoo records this message created or changed.",
    )
    result_links = fields.Html(
        compute="_compute_result_links",
        string="Records",
        sanitize=False,
        help="The Odoo records this message created or changed.",
    )
    payload_sequence = fields.Char(
        compute="_compute_payload_sequence",
        string="Sequence in payload",
        help="The per-business-key sequence the sender put in the payload.",
    )
    exception_id = fields.Many2one("integration.exception", readonly=True, index="btree_not_null")
    attempt_ids = fields.One2many(
        "integration.message.attempt", "message_id", string="Tries", readonly=True
    )
    edit_ids = fields.One2many(
        "integration.message.edit", "message_id", string="Payload edits", readonly=True
    )

    _sql_constraints = [
        (
            "idempotency_unique",
            "unique(endpoint_id, direction, idempotency_key)",
            "A message with this idempotency key already exists for this endpoint and direction.",
        ),
    ]

    def init(self):
        # Claiming and lease recovery only look at unfinished rows: partial indexes keep their
        # cost independent of how many done messages the table holds.
        table = self._table
        create_index(
            self.env.cr,
            "integration_message_claim_idx",
            table,
            ["next_attempt_at", "id"],
            where="state = 'pending'",
        )
        # Per flow, for claim plans that start from the flows: a flow held by a freeze or a
        # window is then skipped whole, and no plan reaches for the flow's whole history
        # through the plain flow_id index (measured: 80 ms to 10 ms per claim with a million
        # done and 10,000 held messages).
        create_index(
            self.env.cr,
            "integration_message_flow_claim_idx",
            table,
            ["flow_id", "next_attempt_at", "id"],
            where="state = 'pending'",
        )
        create_index(
            self.env.cr,
            "integration_message_lease_idx",
            table,
            ["lease_until"],
            where="state = 'processing'",
        )
        create_index(
            self.env.cr,
            "integration_message_ordering_idx",
            table,
            ["endpoint_id", "direction", "ordering_key", "sequence", "id"],
            where="ordering_key IS NOT NULL AND state IN %s" % (BLOCKING_STATES,),
        )
        # Health figures (tools/message_stats.py) and the analysis report look at recent
        # done messages only: messages done in the last hours, the latest done per flow.
        create_index(
            self.env.cr,
            "integration_message_done_at_idx",
            table,
            ["done_at"],
            where="state = 'done'",
        )
        create_index(
            self.env.cr,
            "integration_message_waiting_idx",
            table,
            ["flow_id"],
            where="state = 'waiting'",
        )

    @api.depends("flow_id", "idempotency_key")
    def _compute_display_name(self):
        for message in self:
            message.display_name = f"{message.flow_id.code or ''} #{message.id or ''}"

    @api.depends("effect_ids")
    def _compute_result_links(self):
        Effect = self.env["integration.message.effect"]
        for message in self:
            # Only what the reader may open is linked.
            records = [
                record
                for records in Effect._records_by_model(message).values()
                for record in records.exists()._filtered_access("read")
            ]
            message.result_links = (
                Markup(", ").join(
                    Markup('<a href="/odoo/%s/%s">%s</a>')
                    % (record._name, record.id, record.display_name)
                    for record in records
                )
                if records
                else False
            )

    def _compute_payload_sequence(self):
        for message in self:
            try:
                payload = json.loads(message.payload or "null")
            except ValueError:
                payload = None
            value = payload.get("sequence") if isinstance(payload, dict) else None
            message.payload_sequence = str(value) if value not in (None, "") else False

    # ------------------------------------------------------------------ enqueue
    @api.model
    @api.returns("self", lambda message: message.id)  # over RPC: the message's id
    def enqueue(self, flow, payload, **options):
        """Queue one message for ``flow`` (a record, or its id over RPC); return it (the
        existing one for a duplicate key)."""
        return self.enqueue_batch(flow, [dict(options, payload=payload)])[0][0]

    @api.model
    @api.returns("self", lambda results: [[m.id, created] for m, created in results])
    def enqueue_batch(self, flow, items):
        """Queue many messages for ``flow`` (a record, or its id over RPC) in one statement.

        ``items`` are dicts with ``payload`` and optionally ``idempotency_key``,
        ``ordering_key``, ``sequence``, ``correlation_id`` and ``headers``. The idempotency key
        defaults to the payload's ``message_id``, then to a random one. Returns a list of
        ``(message, created)`` in the order of ``items``: a duplicate key gives the existing
        message and ``created=False``, never a second message. Items are checked against the
        input limits (``lib/input_limits.py``) first: a ValidationError names the bad item and
        nothing is stored. Superuser code may enqueue on any flow; other callers only on an
        active flow they may use (see ``_check_may_enqueue``). Nobody enqueues on a temporary
        flow past its sunset date (a UserError says so).
        """
        if isinstance(flow, int):
            flow = self.env["integration.flow"].browse(flow)
        if not isinstance(flow, models.BaseModel) or flow._name != "integration.flow":
            raise UserError(_("Give the flow as an integration.flow record or its id."))
        flow.ensure_one()
        if not isinstance(items, list | tuple):
            raise UserError(_("Give the items as a list of objects."))
        if not access.is_manager(self.env):
            # Service accounts read no flow: _check_may_enqueue stands for the record rules.
            flow = flow.sudo()
        # Managers read it as themselves: record rules apply.
        flow.fetch(
            [
                "endpoint_id",
                "company_id",
                "direction",
                "ordering_key_path",
                "state",
                "lifecycle",
                "sunset_date",
            ]
        )
        if not self.env.su:
            self._check_may_enqueue(flow)
        refusal = flow._sunset_refusal()
        if refusal:  # even for Odoo code: a temporary interface that ended takes nothing new
            raise UserError(refusal)
        target = QueueTarget(
            flow.id, flow.endpoint_id.id, flow.company_id.id, flow.direction, flow.ordering_key_path
        )
        try:
            return self._enqueue_target(target, items)
        except input_limits.InputError as error:
            raise ValidationError(str(error)) from None

    @api.model
    def _enqueue_target(self, target, items):
        """enqueue_batch for a flow given by a QueueTarget of plain values (no flow read).

        Trusted: the caller has checked who may queue on the target. Raises InputError (see
        ``lib/input_limits.py``) for an item out of the limits; nothing is stored then.
        """
        if not items:
            return []
        input_limits.check_batch_size(len(items))
        max_bytes = self._max_payload_bytes()
        rows = []
        for index, item in enumerate(items):
            try:
                rows.append(self._prepare_row(target, item, max_bytes))
            except input_limits.InputError as error:
                error.index = index if len(items) > 1 else None
                raise
        keys = [row["idempotency_key"] for row in rows]
        unique_rows = list({row["idempotency_key"]: row for row in reversed(rows)}.values())
        inserted = self._insert_rows(target, unique_rows)
        self._cache_inserted(inserted)
        by_key = dict(inserted)
        if len(inserted) < len(unique_rows):
            by_key.update(self._existing_by_key(target, [k for k in keys if k not in inserted]))
        missing = [key for key in keys if key not in by_key]
        if missing:
            # A concurrent transaction holds these keys but has not committed them yet.
            raise ConcurrentEnqueue(
                _("Concurrent enqueue of the same messages; retry the request.")
            )
        large = [
            row
            for row in unique_rows
            if "_large_payload" in row and row["idempotency_key"] in inserted
        ]
        if large:
            self._store_large_payloads(large, by_key)
        if inserted:
            self._trigger_processing()
        # One recordset: reading a field of one message reads the whole batch at once.
        records = self.browse([by_key[key] for key in keys])
        results, reported = [], set()
        for record, key in zip(records, keys, strict=True):
            results.append((record, key in inserted and key not in reported))
            reported.add(key)
        return results

    @api.model
    def _max_payload_bytes(self):
        """The body and payload size limit (system parameter integration.max_request_bytes)."""
        param = self.env["ir.config_parameter"].sudo().get_param("integration.max_request_bytes")
        try:
            return int(param or 0) or input_limits.MAX_BODY_BYTES
        except ValueError:
            return input_limits.MAX_BODY_BYTES

    def _prepare_row(self, target, item, max_bytes=input_limits.MAX_BODY_BYTES):
        """The INSERT values of one item, checked against the input limits (InputError)."""
        if not isinstance(item, dict):
            raise input_limits.InputError("Each item must be an object with a payload.")
        payload = item.get("payload")
        text, encoded = input_limits.encode_payload(payload, max_bytes)
        key = item.get("idempotency_key") or (
            isinstance(payload, dict) and payload.get("message_id") or None
        )
        ordering_key = item.get("ordering_key")
        if ordering_key is None and target.ordering_key_path and isinstance(payload, dict):
            ordering_key = _dig(payload, target.ordering_key_path)
        headers = item.get("headers")
        if headers:
            input_limits.check_json_value(headers, "headers")
        row = {
            "idempotency_key": input_limits.check_key("The idempotency key (message_id)", key)
            or uuid.uuid4().hex,
            "payload": text,
            "payload_checksum": hashlib.sha256(encoded).hexdigest(),
            "payload_size": len(encoded),
            "ordering_key": input_limits.check_key("The ordering key", ordering_key),
            "sequence": input_limits.check_sequence(item.get("sequence")),
            "correlation_id": input_limits.check_key(
                "The correlation id", item.get("correlation_id")
            ),
            "headers": json.dumps(headers) if headers else None,
        }
        if len(encoded) > PAYLOAD_INLINE_LIMIT:
            row["_large_payload"] = encoded
            row["payload"] = None
        return row

    def _insert_rows(self, target, rows):
        """INSERT ... ON CONFLICT DO NOTHING in one statement; return {key: id} of new rows."""
        now = fields.Datetime.now()
        columns = (
            "idempotency_key",
            "payload",
            "payload_checksum",
            "payload_size",
            "headers",
            "ordering_key",
            "sequence",
            "correlation_id",
        )
        arrays = [[row[column] for row in rows] for column in columns]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_message (
                    flow_id, endpoint_id, company_id, direction, state, attempts,
                    next_attempt_at, create_uid, create_date, write_uid, write_date,
                    idempotency_key, payload, payload_checksum, payload_size, headers,
                    ordering_key, sequence, correlation_id)
                SELECT %s, %s, %s, %s, 'pending', 0, %s, %s, %s, %s, %s, t.*
                  FROM unnest(%s::varchar[], %s::text[], %s::varchar[], %s::int[], %s::text[],
                              %s::varchar[], %s::int[], %s::varchar[]) AS t
                    ON CONFLICT (endpoint_id, direction, idempotency_key) DO NOTHING
                RETURNING idempotency_key, id
                """,
                target.flow_id,
                target.endpoint_id,
                target.company_id,
                target.direction,
                now,
                self.env.uid,
                now,
                self.env.uid,
                now,
                *arrays,
            ),
            # A duplicate racing a worker's update of its row fails to serialize: an expected
            # race the caller retries (Odoo retries the request, the AMQP consumer requeues).
            log_exceptions=False,
        )
        return dict(self.env.cr.fetchall())

    def _cache_inserted(self, inserted):
        """What a new message's caller reads at once (key, state), known without a query."""
        records = self.browse(inserted.values())
        self.env.cache.update(records, self._fields["idempotency_key"], list(inserted))
        self.env.cache.update(records, self._fields["state"], ["pending"] * len(records))

    def _existing_by_key(self, target, keys):
        self.env.cr.execute(
            SQL(
                "SELECT idempotency_key, id FROM integration_message"
                " WHERE endpoint_id = %s AND direction = %s AND idempotency_key = ANY(%s)",
                target.endpoint_id,
                target.direction,
                list(set(keys)),
            )
        )
        return dict(self.env.cr.fetchall())

    def _store_large_payloads(self, rows, by_key):
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"payload-{by_key[row['idempotency_key']]}.json",
                        "raw": row["_large_payload"],
                        "res_model": self._name,
                        "res_id": by_key[row["idempotency_key"]],
                        "mimetype": "application/json",
                    }
                    for row in rows
                ]
            )
        )
        for row, attachment in zip(rows, attachments, strict=True):
            self.browse(by_key[row["idempotency_key"]]).sudo().write(
                {"payload_attachment_id": attachment.id}
            )

    @api.model
    def _trigger_processing(self, at=None):
        """Have the queue's scheduled action run soon (at once, or at ``at``).

        At once is what every enqueue asks: one INSERT of the trigger Odoo's cron workers look
        for, and after the commit one notification through a kept connection (cron_wakeup),
        instead of ``ir.cron._trigger``'s four statements and new connection each time.
        """
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "integration_core.ir_cron_process_queue", raise_if_not_found=False
        )
        if not cron_id:
            return
        if at is not None:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(at)
            return
        self.env["ir.cron"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                "INSERT INTO ir_cron_trigger"
                " (cron_id, call_at, create_uid, create_date, write_uid, write_date)"
                " SELECT id, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC',"
                " %s, now() AT TIME ZONE 'UTC' FROM ir_cron WHERE id = %s AND active",
                self.env.uid,
                self.env.uid,
                cron_id,
            )
        )
        postcommit = self.env.cr.postcommit
        if self.env.cr.rowcount and not postcommit.data.get("integration_core.wake_cron"):
            postcommit.data["integration_core.wake_cron"] = True
            postcommit.add(functools.partial(wake_cron_workers, self.env.cr.dbname))

    # ------------------------------------------------------------------ reading
    def get_payload(self):
        """The payload text, wherever it is stored."""
        self.ensure_one()
        if self.payload_attachment_id:
            return self.payload_attachment_id.sudo().raw.decode()
        return self.payload or ""

    def get_payload_json(self):
        """The payload decoded from JSON."""
        return json.loads(self.get_payload() or "null")

    def get_headers(self):
        self.ensure_one()
        return json.loads(self.headers) if self.headers else {}

    def _result_records(self):
        """The records this message created or changed (of its first model), or None."""
        self.ensure_one()
        by_model = self.env["integration.message.effect"]._records_by_model(self)
        return next(iter(by_model.values()), None)

    def _run_lifecycle_hook(self, hook):
        """Call ``hook`` (``_on_done``, ``_on_failed``, ``_on_waiting``) of each handler once,
        with its messages among ``self``. A hook that raises is logged and its work undone."""
        for handler_name, messages in self.grouped(lambda m: m.flow_id.handler).items():
            if not handler_name or handler_name not in self.env:
                continue
            try:
                with self.env.cr.savepoint():
                    getattr(self.env[handler_name], hook)(messages)
            except Exception:  # a hook's bug must not undo the batch it reports on
                self.env.invalidate_all()
                _logger.exception("%s.%s failed on messages %s", handler_name, hook, messages.ids)

    # ------------------------------------------------------------------ park and resume
    @api.model
    def _resume_waiting(self, model, codes, endpoint=None):
        """Send messages parked on ``model``/``codes`` back to the queue; return how many."""
        query = SQL(
            "UPDATE integration_message SET state = 'pending', next_attempt_at = %(now)s,"
            " write_date = %(now)s WHERE state = 'waiting' AND waiting_model = %(model)s"
            " AND waiting_code = ANY(%(codes)s)",
            now=fields.Datetime.now(),
            model=model,
            codes=list(codes),
        )
        if endpoint:
            query = SQL("%s AND endpoint_id = %s", query, endpoint.id)
        self.env.cr.execute(SQL("%s RETURNING id", query))
        resumed = [row[0] for row in self.env.cr.fetchall()]
        if resumed:
            self.invalidate_model()
            self._trigger_processing()
        return len(resumed)

    @api.model
    def _references_available(self, endpoint, model, codes):
        """The ``codes`` of ``model`` that ``endpoint``'s messages need not wait for any more.

        The core parks on cross-references; a connector that parks on references of its own
        (e.g. a result waiting for the previous one) extends this for its pseudo-model. A
        message parked on a sequence gap resumes when the number before it is applied.
        """
        if model == SEQUENCE_REFERENCE:
            return self.env["integration.sequence.gate"]._numbers_applied(endpoint, codes)
        if model not in self.env:
            return set()
        xrefs = (
            self.env["integration.xref"]
            .sudo()
            .search_fetch(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("model", "=", model),
                    ("external_code", "in", list(codes)),
                ],
                ["external_code"],
            )
        )
        return set(xrefs.mapped("external_code"))

    @api.model
    def _resume_available(self):
        """Safety net of the waiting scheduled action: resume what waits for a reference that
        exists (e.g. a cross-reference imported while its message was being parked)."""
        self.env.cr.execute(
            "SELECT endpoint_id, waiting_model, array_agg(DISTINCT waiting_code)"
            " FROM integration_message WHERE state = 'waiting' GROUP BY 1, 2"
        )
        resumed = 0
        for endpoint_id, model, codes in self.env.cr.fetchall():
            endpoint = self.env["integration.endpoint"].browse(endpoint_id)
            found = self._references_available(endpoint, model, set(codes))
            if found:
                resumed += self._resume_waiting(model, found, endpoint=endpoint)
        return resumed

    @api.model
    def _expire_waiting(self):
        """Messages waiting past their deadline fail, filed under their missing reference."""
        self._resume_available()
        expired = self.search(
            [("state", "=", "waiting"), ("waiting_deadline", "<", fields.Datetime.now())]
        )
        for message in expired:
            error = _(
                "Still no %(model)s %(code)s after the flow's waiting deadline.",
                model=message.waiting_model,
                code=message.waiting_code,
            )
            message.write({"state": "failed", "error": error, "error_kind": "permanent"})
            self.env["integration.exception"].sudo()._record_failure(
                message,
                "missing_master_data",
                error,
                cause=f"{message.waiting_model}:{message.waiting_code}",
                severity="high",
            )
        expired._run_lifecycle_hook("_on_failed")
        return len(expired)

    # ------------------------------------------------------------------ actions
    def action_retry(self):
        """Send failed, waiting or pending messages back to the queue now."""
        access.require_integration_user(self.env, _("retry messages"))
        self.check_access("read")  # record rules: only messages of the caller's companies
        retriable = self.filtered(lambda m: m.state in ("failed", "waiting", "pending"))
        if not retriable:
            raise UserError(_("Only failed, waiting or pending messages can be retried."))
        retriable.sudo().write(
            {"state": "pending", "next_attempt_at": fields.Datetime.now(), "error_kind": False}
        )
        self._trigger_processing()
        return True

    def action_cancel(self):
        """Give up on unfinished messages: they will not be processed and stop blocking."""
        access.require_integration_user(self.env, _("cancel messages"))
        self.check_access("read")
        cancellable = self.filtered(lambda m: m.state in ("pending", "waiting", "failed"))
        if not cancellable:
            raise UserError(_("Only pending, waiting or failed messages can be cancelled."))
        cancellable.sudo().write({"state": "cancelled", "lease_until": False})
        cancellable.exception_id._refresh_from_messages()
        return True


def _dig(payload, path):
    """Value at a dotted ``path`` of a decoded JSON payload, or None."""
    value = payload
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
