"""The durable queue: one row per message received (inbox) or to send (outbox)."""

import json
from collections import namedtuple

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.sql import create_index

from ..lib import input_limits
from ..tools import access
from .integration_message_enqueue import PAYLOAD_INLINE_LIMIT  # noqa: F401 (its old home)

# Where enqueued messages go: a flow's identity and what enqueuing reads of it.
QueueTarget = namedtuple(
    "QueueTarget", "flow_id endpoint_id company_id direction ordering_key_path"
)
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
    _inherit = ["integration.message.enqueue", "integration.message.lifecycle"]
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
