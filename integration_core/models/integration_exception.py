"""A problem a person must look at, grouping every message that fails for the same cause."""

import hashlib
import re
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.explanations import age_label, explain

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
        group_expand=True,
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
    # Counted on read: concurrent workers filing messages under one card never write a shared
    # counter.
    message_count = fields.Integer(compute="_compute_message_count")
    first_seen_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    last_seen_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)
    ignore_reason = fields.Text(readonly=True, tracking=True)
    failing_count = fields.Integer(
        compute="_compute_failing_count", string="Still failing", help="Messages not done yet."
    )
    age = fields.Char(compute="_compute_age", help="Time since the cause was first seen.")
    explanation = fields.Text(compute="_compute_explanation", string="What happened")
    suggested_action = fields.Text(compute="_compute_explanation", string="What to do")
    runbook = fields.Html(related="flow_id.runbook")
    related_model = fields.Char(compute="_compute_related")
    related_summary = fields.Char(compute="_compute_related", string="Records concerned")
    waiting_reference = fields.Char(compute="_compute_related", string="Waiting for")
    edit_ids = fields.One2many("integration.message.edit", "exception_id", string="Payload edits")

    _sql_constraints = [
        (
            "fingerprint_unique",
            "unique(fingerprint)",
            "One exception per cause: another one has this fingerprint.",
        ),
    ]

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

    def _compute_failing_count(self):
        counts = dict(
            self.env["integration.message"]._read_group(
                [("exception_id", "in", self.ids), ("state", "not in", ("done", "cancelled"))],
                ["exception_id"],
                ["__count"],
            )
        )
        for record in self:
            record.failing_count = counts.get(record, 0)

    def _compute_age(self):
        now = fields.Datetime.now()
        for record in self:
            seen = record.first_seen_at or now
            record.age = age_label((now - seen).total_seconds())

    @api.depends("category")
    def _compute_explanation(self):
        for record in self:
            record.explanation, record.suggested_action = record._explain()

    def _explain(self):
        """(what happened, what to do) in plain words; connectors add their categories."""
        self.ensure_one()
        return explain(self.category)

    def _compute_related(self):
        rows_by_card = defaultdict(list)
        for row in self.env["integration.message"].search_read(
            [("exception_id", "in", self.ids)],
            ["exception_id", "state", "result_model", "result_ids"]
            + ["waiting_model", "waiting_code"],
        ):
            rows_by_card[row["exception_id"][0]].append(row)
        for record in self:
            rows = rows_by_card[record.id]
            refs = _related_refs(rows)
            record.related_model = next(iter(refs), False)
            record.related_summary = ", ".join(
                _("%(model)s: %(count)s", model=self._model_label(model), count=len(ids))
                for model, ids in refs.items()
            )
            waiting = sorted(
                {
                    (row["waiting_model"], row["waiting_code"])
                    for row in rows
                    if row["waiting_code"] and row["state"] in ("waiting", "dead")
                }
            )
            record.waiting_reference = ", ".join(
                f"{self._model_label(model)} {code}" for model, code in waiting
            )

    @api.model
    def _model_label(self, model):
        return self.env["ir.model"]._get(model).name or model

    def write(self, vals):
        if vals.get("state") == "ignored" and not vals.get("ignore_reason"):
            raise UserError(
                _("Use Ignore to say why: an exception is never ignored without a reason.")
            )
        return super().write(vals)

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
        """Attach failed ``messages`` (one flow) to the card of their cause.

        One card per cause, even with concurrent workers: the card is found or made by its
        unique fingerprint (``INSERT ... ON CONFLICT``) and locked while it is touched; a
        resolved or ignored cause that fails again reopens its card. The queue calls this in a
        short READ COMMITTED transaction after its batch's commit.
        """
        flow = messages.flow_id
        fingerprint = self._fingerprint(flow, category, error, cause)
        previous = messages.exception_id
        exception, created = self._card_for(fingerprint, flow, category, error, severity)
        values = {"last_seen_at": fields.Datetime.now(), "error": error}
        if severity:
            values["severity"] = severity
        if not created and exception.state in ("resolved", "ignored"):
            exception.write(dict(values, state="new", ignore_reason=False))
            exception.message_post(
                body=_("Reopened: %s message(s) failed again for this cause.", len(messages))
            )
        elif not created:
            exception.write(values)
        messages.write({"exception_id": exception.id})
        (previous - exception)._refresh_from_messages()
        return exception

    @api.model
    def _card_for(self, fingerprint, flow, category, error, severity):
        """(card, created): the card of ``fingerprint``, made when missing, locked by us."""
        now = fields.Datetime.now()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_exception (
                    name, category, severity, state, state_sequence, fingerprint, flow_id,
                    endpoint_id, company_id, error, first_seen_at, last_seen_at,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%(name)s, %(category)s, %(severity)s, 'new', 0, %(fingerprint)s,
                        %(flow)s, %(endpoint)s, %(company)s, %(error)s, %(now)s, %(now)s,
                        %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (fingerprint) DO NOTHING
                RETURNING id
                """,
                name=_title(flow, category, error),
                category=category,
                severity=severity or "medium",
                fingerprint=fingerprint,
                flow=flow.id,
                endpoint=flow.endpoint_id.id,
                company=flow.company_id.id,
                error=error,
                now=now,
                uid=self.env.uid,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), True
        self.env.cr.execute(
            "SELECT id FROM integration_exception WHERE fingerprint = %s FOR NO KEY UPDATE",
            [fingerprint],
            log_exceptions=False,
        )
        exception = self.browse(self.env.cr.fetchone()[0])
        exception.invalidate_recordset()
        return exception, False

    def _refresh_from_messages(self):
        """Resolve open cards none of whose messages is failing any more."""
        open_cards = self.filtered(lambda e: e.state in ("new", "in_progress"))
        if not open_cards:
            return
        open_cards.invalidate_recordset(["failing_count"])
        for exception in open_cards.filtered(lambda e: not e.failing_count).sudo():
            exception.state = "resolved"
            exception.message_post(body=_("Resolved by itself: no message of it is failing now."))

    # ------------------------------------------------------------------ actions
    def action_retry(self):
        """Send every failed or waiting message of the cards back to the queue."""
        messages = self.integration_message_ids.filtered(lambda m: m.state in ("dead", "waiting"))
        if not messages:
            raise UserError(_("No failed or waiting message to retry."))
        messages.action_retry()
        self.filtered(lambda e: e.state == "new").write({"state": "in_progress"})
        for exception in self:
            count = len(messages.filtered(lambda m, e=exception: m.exception_id == e))
            exception.message_post(body=_("%s message(s) sent back to the queue.", count))

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
        self.filtered(lambda e: e.state == "new").write({"state": "in_progress"})

    def action_open_ignore(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Ignore"),
            "res_model": "integration.exception.ignore",
            "view_mode": "form",
            "target": "new",
            "context": {"default_exception_ids": self.ids},
        }

    def action_open_related(self):
        self.ensure_one()
        refs = _related_refs(self.integration_message_ids.read(["result_model", "result_ids"]))
        if not refs:
            raise UserError(_("These messages have not produced any Odoo record."))
        model, ids = next(iter(refs.items()))
        action = {"type": "ir.actions.act_window", "res_model": model, "name": self.related_summary}
        if len(ids) == 1:
            return dict(action, view_mode="form", res_id=ids[0])
        return dict(action, view_mode="list,form", domain=[("id", "in", ids)])


def _related_refs(rows):
    """{model: [ids]} of the records that messages (read as dicts) produced."""
    refs = defaultdict(dict)
    for row in rows:
        if row.get("result_model") and row.get("result_ids"):
            refs[row["result_model"]].update(dict.fromkeys(map(int, row["result_ids"].split(","))))
    return {model: list(ids) for model, ids in refs.items()}


def _title(flow, category, error):
    first_line = ((error or "").strip().splitlines() or [dict(CATEGORIES)[category]])[0]
    return f"{flow.endpoint_id.code}/{flow.code}: {first_line[:120]}"
