"""A problem a person must look at, grouping every message that fails for the same cause."""

import hashlib
import re

from odoo import api, fields, models

CATEGORIES = [
    ("transport", "Connection or transport"),
    ("rejected", "Rejected by the external system"),
    ("validation", "Invalid message"),
    ("handler", "Processing error"),
    ("environment", "Blocked: not the production database"),
    ("missing_master_data", "Missing master data"),
    ("ownership_conflict", "Ownership conflict"),
]


class IntegrationException(models.Model):
    _name = "integration.exception"
    _description = "Integration Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, last_seen_at desc, id desc"

    name = fields.Char(required=True, tracking=True)
    category = fields.Selection(CATEGORIES, required=True, tracking=True)
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")], default="medium", tracking=True
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In progress"),
            ("resolved", "Resolved"),
            ("ignored", "Ignored"),
        ],
        default="new",
        required=True,
        tracking=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    fingerprint = fields.Char(required=True, index=True, readonly=True)
    flow_id = fields.Many2one("integration.flow", readonly=True, index=True)
    endpoint_id = fields.Many2one("integration.endpoint", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    error = fields.Text(readonly=True, help="The last error, as the system reported it.")
    integration_message_ids = fields.One2many(
        "integration.message", "exception_id", string="Affected messages"
    )
    message_count = fields.Integer(compute="_compute_message_count", store=True)
    first_seen_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    last_seen_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"new": 0, "in_progress": 1, "resolved": 2, "ignored": 3}
        for record in self:
            record.state_sequence = order.get(record.state, 9)

    @api.depends("integration_message_ids")
    def _compute_message_count(self):
        counts = dict(
            self.env["integration.message"]._read_group(
                [("exception_id", "in", self.ids)], ["exception_id"], ["__count"]
            )
        )
        for record in self:
            record.message_count = counts.get(record, 0)

    @api.model
    def _fingerprint(self, flow, category, error, cause=None):
        """Same flow, category and cause; without an explicit cause, the error text once
        numbers and quoted values are blanked."""
        if not cause:
            cause = re.sub(r"\d+", "#", re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", error or ""))
        raw = f"{flow.id}|{category}|{cause[:500]}"
        return hashlib.sha1(raw.encode()).hexdigest()

    @api.model
    def _record_failure(self, messages, category, error, cause=None, severity=None):
        """Attach failed ``messages`` (one flow) to the open exception of their cause."""
        flow = messages.flow_id
        fingerprint = self._fingerprint(flow, category, error, cause)
        exception = self.search(
            [("fingerprint", "=", fingerprint), ("state", "in", ("new", "in_progress"))], limit=1
        )
        now = fields.Datetime.now()
        if exception:
            exception.write({"last_seen_at": now, "error": error})
            if severity:
                exception.severity = severity
        else:
            reopened = self.search(
                [
                    ("fingerprint", "=", fingerprint),
                    ("integration_message_ids", "in", messages.ids),
                ],
                limit=1,
            )
            exception = reopened or self.create(
                {
                    "name": _title(flow, category, error),
                    "category": category,
                    "fingerprint": fingerprint,
                    "flow_id": flow.id,
                    "endpoint_id": flow.endpoint_id.id,
                    "company_id": flow.company_id.id,
                    "error": error,
                    "severity": severity or "medium",
                }
            )
            if reopened:
                reopened.write({"state": "new", "last_seen_at": now, "error": error})
        messages.write({"exception_id": exception.id})
        return exception

    def _refresh_from_messages(self):
        """Resolve an open exception once none of its messages is still failing."""
        for exception in self.filtered(lambda e: e.state in ("new", "in_progress")):
            states = set(exception.integration_message_ids.mapped("state"))
            if states and states <= {"done", "cancelled"}:
                exception.state = "resolved"

    def action_retry(self):
        self.integration_message_ids.filtered(
            lambda m: m.state in ("dead", "waiting")
        ).action_retry()
        self.filtered(lambda e: e.state == "new").write({"state": "in_progress"})

    def action_ignore(self):
        self.write({"state": "ignored"})


def _title(flow, category, error):
    first_line = ((error or "").strip().splitlines() or [dict(CATEGORIES)[category]])[0]
    return f"{flow.endpoint_id.code}/{flow.code}: {first_line[:120]}"
