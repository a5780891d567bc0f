"""One message type exchanged with one endpoint, in one direction."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import access, message_stats

DIRECTIONS = [("inbound", "Inbound (into Odoo)"), ("outbound", "Outbound (from Odoo)")]
TRIGGERS = [
    ("push", "Pushed by the external system"),
    ("poll", "Polled from the external system"),
    ("event", "Odoo event"),
    ("schedule", "Schedule"),
]


class IntegrationFlow(models.Model):
    _name = "integration.flow"
    _description = "Integration Flow"
    _inherit = ["mail.thread", "mail.activity.mixin", "integration.api.cache.mixin"]
    _api_cache_fields = {
        "code",
        "endpoint_id",
        "direction",
        "state",
        "ordering_key_path",
        "active",
        "lifecycle",
        "sunset_date",
    }
    _order = "endpoint_id, sequence, code"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Message type as external systems name it in URLs, e.g. production.performance.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True, tracking=True, help="Archived flows are retired: kept with their messages."
    )
    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, ondelete="restrict", index=True, tracking=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    direction = fields.Selection(
        DIRECTIONS,
        required=True,
        tracking=True,
    )
    trigger = fields.Selection(
        TRIGGERS,
        required=True,
        default="push",
        tracking=True,
    )
    handler = fields.Selection(
        selection="_selection_handler",
        required=True,
        tracking=True,
        help="What turns a message into Odoo records (inbound) or into a request (outbound).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("approved", "Approved"),
            ("active", "Active"),
            ("retired", "Retired"),
        ],
        default="draft",
        required=True,
        tracking=True,
        help="Only active flows accept and process messages. A manager approves a flow (and "
        "its mapping) before it can be activated.",
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, copy=False, tracking=True
    )
    mapping_id = fields.Many2one(
        "integration.mapping",
        string="Mapping in use",
        readonly=True,
        copy=False,
        tracking=True,
        help="The approved mapping version the flow uses; a new version replaces it on approval.",
    )
    mapping_ids = fields.One2many("integration.mapping", "flow_id", string="Mapping versions")
    mapping_pending = fields.Boolean(
        compute="_compute_mapping_pending",
        help="A new mapping version is waiting for a manager's approval.",
    )
    paused = fields.Boolean(
        tracking=True,
        help="Messages are still accepted but wait until the flow is resumed.",
    )
    ordering_key_path = fields.Char(
        string="Ordering key path",
        tracking=True,
        help="Dotted path in the payload whose value orders messages, e.g. work_order. "
        "A message waits while an earlier one with the same value is unfinished.",
    )
    sequence_path = fields.Char(
        tracking=True,
        help="Dotted path of a sequence number (1, 2, 3...) per business key, e.g. sequence: "
        "messages of one key are applied in its order; a gap waits for the missing message, "
        "a number already applied is not applied again.",
    )
    sequence_key_path = fields.Char(
        string="Sequence business key path",
        tracking=True,
        help="Dotted path of the business key the sequence counts for, e.g. work_order "
        "(empty: the ordering key path).",
    )
    batch_size = fields.Integer(
        string="Batch size (messages)",
        default=100,
        tracking=True,
        help="Messages claimed per batch by a worker.",
    )
    max_attempts = fields.Integer(
        string="Max attempts",
        default=8,
        tracking=True,
        help="Tries before a message fails and waits for a person.",
    )
    retry_base_seconds = fields.Integer(
        string="First retry delay (seconds)",
        default=10,
        tracking=True,
        help="Delay before the first retry.",
    )
    retry_cap_seconds = fields.Integer(
        string="Retry cap (seconds)",
        default=3600,
        tracking=True,
        help="Longest delay between two tries.",
    )
    lease_seconds = fields.Integer(
        string="Lease (seconds)",
        default=30,
        tracking=True,
        help="After a worker crash, its messages are retried once their lease has expired. "
        "A live worker keeps its batch however long it runs: the lease need not cover it.",
    )
    waiting_deadline_minutes = fields.Integer(
        string="Waiting deadline (minutes)",
        default=1440,
        tracking=True,
        help="How long a message may wait for missing master data before people must act.",
    )
    sla_minutes = fields.Integer(
        string="SLA (minutes)",
        tracking=True,
        help="A message should be done within this many minutes.",
    )
    lifecycle = fields.Selection(
        [("strategic", "Strategic"), ("temporary", "Temporary coexistence")],
        default="strategic",
        required=True,
        tracking=True,
    )
    sunset_date = fields.Date(
        string="Sunset date",
        tracking=True,
        help="A temporary coexistence flow refuses new messages from this date (UTC) on; its "
        "responsible people are warned before.",
    )
    request_method = fields.Selection(
        [("POST", "POST"), ("PUT", "PUT"), ("PATCH", "PATCH")],
        string="HTTP method",
        default="POST",
        tracking=True,
    )
    request_path = fields.Char(
        string="Request path",
        tracking=True,
        help="Outbound HTTP: path appended to the endpoint URL. AMQP: routing key. "
        "File drop: file name prefix.",
    )
    message_count = fields.Integer(string="Message count", compute="_compute_message_count")
    description = fields.Text()
    runbook = fields.Html(
        help="What to do when this flow fails: shown to the people handling its exceptions."
    )
    retention_days = fields.Integer(
        string="Retention (days)",
        default=30,
        tracking=True,
        help="Done messages older than this many days are purged (0: kept forever); their "
        "counts stay in the daily summary.",
    )
    reconciler = fields.Selection(
        selection="_selection_reconciler",
        tracking=True,
        help="Inbound statements of this flow are compared with Odoo's own figures by this "
        "reconciler (a reconciliation run per statement).",
    )
    reconcile_interval_hours = fields.Integer(
        string="Request a statement every (hours)",
        tracking=True,
        help="Every this many hours the reconciler asks the other system for a new statement "
        "(0: only when it sends one by itself).",
    )
    reconcile_requested_at = fields.Datetime(
        string="Statement last requested", readonly=True, copy=False
    )
    latency_p50 = fields.Float(compute="_compute_latency", string="Latency p50 (s)")
    latency_p95 = fields.Float(
        compute="_compute_latency",
        string="Latency p95 (s)",
        help="Seconds from receipt to done for 95% of the messages done in the last 24 hours.",
    )

    _sql_constraints = [
        (
            "code_endpoint_unique",
            "unique(endpoint_id, code)",
            "A flow code is unique per endpoint.",
        ),
        ("batch_size_positive", "check(batch_size > 0)", "The batch size must be positive."),
        ("max_attempts_positive", "check(max_attempts > 0)", "Max attempts must be positive."),
        ("lease_positive", "check(lease_seconds > 0)", "The lease must be positive."),
        ("retention_positive", "check(retention_days >= 0)", "Retention cannot be negative."),
        (
            "reconcile_interval_positive",
            "check(reconcile_interval_hours >= 0)",
            "The reconciliation interval cannot be negative.",
        ),
    ]

    def write(self, vals):
        if vals.get("active") is False:
            vals = dict(vals, state="retired")
        return super().write(vals)

    def unlink(self):
        used = self.filtered(lambda f: f.state == "active" or f.message_count)
        if used:
            raise UserError(
                _(
                    "Flow %s is in use (active, or with messages): archive it instead; its "
                    "messages and history are kept.",
                    ", ".join(used.mapped("code")),
                )
            )
        return super().unlink()

    def _compute_latency(self):
        latency = message_stats.latency(self.env, "flow_id", self.ids)
        for flow in self:
            flow.latency_p50, flow.latency_p95 = latency.get(flow.id, (0.0, 0.0))

    @api.model
    def _selection_handler(self):
        """Every model that inherits integration.handler, except the abstract base."""
        children = self.env.registry["integration.handler"]._inherit_children
        return sorted((name, self.env[name]._description) for name in children)

    @api.model
    def _selection_reconciler(self):
        """Every model that inherits integration.reconciler (directly or through another
        reconciler), except the abstract base."""
        found, todo = set(), ["integration.reconciler"]
        while todo:
            children = set(self.env.registry[todo.pop()]._inherit_children) - found
            found |= children
            todo.extend(children)
        return sorted((name, self.env[name]._description) for name in found)

    @api.constrains("handler")
    def _check_handler(self):
        for flow in self:
            if flow.handler not in self.env:
                raise ValidationError(_("Handler %s is not installed.", flow.handler))

    def _compute_message_count(self):
        counts = dict(
            self.env["integration.message"]._read_group(
                [("flow_id", "in", self.ids)], ["flow_id"], ["__count"]
            )
        )
        for flow in self:
            flow.message_count = counts.get(flow, 0)

    @api.depends("mapping_ids.state")
    def _compute_mapping_pending(self):
        for flow in self:
            flow.mapping_pending = "to_approve" in flow.mapping_ids.mapped("state")

    def action_approve(self):
        """A manager approves a draft flow, and its newest unapproved mapping version."""
        if not self.env.user.has_group("integration_core.group_integration_manager"):
            raise AccessError(_("Only integration managers approve flows."))
        for flow in self:
            if flow.state != "draft":
                raise UserError(_("Only a draft flow can be approved."))
            pending = flow.mapping_ids.filtered(lambda m: m.state in ("draft", "to_approve"))[:1]
            if pending:
                pending.action_approve()
            if flow.handler == "integration.handler.mapping" and not flow.mapping_id:
                raise UserError(_("Flow %s processes through a mapping: add one first.", flow.code))
        self.write({"state": "approved", "approved_by_id": self.env.uid})
        return True

    def action_activate(self):
        access.require_manager(self.env, _("activate flows"))
        if any(flow.state != "approved" for flow in self):
            raise UserError(_("Only an approved flow can be activated: approve it first."))
        self.write({"state": "active"})
        return True

    def action_reset_to_draft(self):
        """Back to draft (e.g. to reactivate a retired flow after a new approval)."""
        access.require_manager(self.env, _("reset flows to draft"))
        self.filtered(lambda f: f.state in ("approved", "retired")).write(
            {"state": "draft", "approved_by_id": False}
        )
        return True

    def action_retire(self):
        access.require_manager(self.env, _("retire flows"))
        self.write({"state": "retired"})
        return True

    def action_pause(self):
        access.require_manager(self.env, _("pause flows"))
        self.write({"paused": True})
        return True

    def action_resume(self):
        access.require_manager(self.env, _("resume flows"))
        self.write({"paused": False})
        self.env["integration.message"]._trigger_processing()
        return True

    def action_view_messages(self):
        access.require_integration_user(self.env, _("open the messages of flows"))
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_message_action"
        )
        action["domain"] = [("flow_id", "=", self.id)]
        action["context"] = {"search_default_flow_id": self.id}
        return action

    def action_request_statement(self):
        """Ask the other system for a reconciliation statement now."""
        access.require_manager(self.env, _("request reconciliation statements"))
        self.ensure_one()
        self.check_access("read")
        self.sudo()._request_statement()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Statement requested"),
                "message": _(
                    "%s was asked for a statement: its run appears under Reconciliation "
                    "once the statement arrives.",
                    self.endpoint_id.name,
                ),
                "type": "success",
            },
        }

    def _request_statement(self):
        """Have the flow's reconciler ask for a statement, and note when."""
        self.ensure_one()
        if not self.reconciler or self.reconciler not in self.env:
            raise UserError(_("Flow %s has no reconciler.", self.code))
        self.env[self.reconciler]._request_statement(self)
        self.reconcile_requested_at = fields.Datetime.now()

    def _handler(self):
        self.ensure_one()
        return self.env[self.handler]
