"""A problem a person must look at, grouping every message that fails for the same cause."""

import hashlib
import re
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.explanations import age_label, explain, first_sentence, headline, plural
from ..tools import access

CATEGORIES = [
    ("transport", "Connection or transport"),
    ("rejected", "Rejected by the external system"),
    ("validation", "Invalid message"),
    ("handler", "Processing error"),
    ("environment", "Blocked: not the production database"),
    ("missing_master_data", "Missing master data"),
    ("ownership_conflict", "Ownership conflict"),
    ("reconciliation", "Reconciliation"),
]
# A retry tries this many messages at once in the person's request; the rest go to the queue.
RETRY_NOW_LIMIT = 50


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
    state_sequence = fields.Integer(
        string="Stage order", compute="_compute_state_sequence", store=True
    )
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
    message_count = fields.Integer(string="Message count", compute="_compute_message_count")
    first_seen_at = fields.Datetime(string="First seen", readonly=True, default=fields.Datetime.now)
    last_seen_at = fields.Datetime(string="Last seen", readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)
    ignore_reason = fields.Text(string="Ignored because", readonly=True, tracking=True)
    cause = fields.Char(compute="_compute_cause", help="The first sentence of the error, complete.")
    title_has_cause = fields.Boolean(
        compute="_compute_cause", help="The title already carries the whole cause."
    )
    closed_at = fields.Datetime(string="Closed", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True, copy=False)
    closed_how = fields.Selection(
        [
            ("by_itself", "Its messages went through"),
            ("by_person", "Marked resolved"),
            ("ignored", "Ignored"),
        ],
        string="How it closed",
        readonly=True,
        copy=False,
    )
    closed_summary = fields.Char(compute="_compute_closed_summary", string="Closed how")
    attention = fields.Selection(
        [
            ("high", "High severity"),
            ("medium", "Medium severity"),
            ("low", "Low severity"),
            ("resolved", "Resolved"),
            ("ignored", "Ignored"),
        ],
        compute="_compute_attention",
        store=True,
        help="Severity while open, how it ended once closed: the kanban's bars.",
    )
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
    reconciliation_run_id = fields.Many2one(
        "integration.reconciliation.run",
        string="Reconciliation run",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    reconciliation_cause = fields.Char(readonly=True)
    reconciliation_line_ids = fields.One2many(
        "integration.reconciliation.line", "exception_id", string="Differences", readonly=True
    )
    reconciliation_open_count = fields.Integer(
        compute="_compute_reconciliation_counts", string="Differences to decide"
    )
    reconciliation_line_count = fields.Integer(
        compute="_compute_reconciliation_counts", string="Differences filed"
    )

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

    def _compute_reconciliation_counts(self):
        rows = self.env["integration.reconciliation.line"]._read_group(
            [("exception_id", "in", self.ids)], ["exception_id", "decision"], ["__count"]
        )
        counts = defaultdict(lambda: defaultdict(int))
        for card, decision, count in rows:
            counts[card.id][decision] += count
        for record in self:
            record.reconciliation_line_count = sum(counts[record.id].values())
            record.reconciliation_open_count = counts[record.id]["open"]

    @api.depends("error", "name")
    def _compute_cause(self):
        for record in self:
            record.cause = first_sentence(record.error) or False
            record.title_has_cause = bool(record.cause) and record.cause in (record.name or "")

    @api.depends("state", "severity")
    def _compute_attention(self):
        for record in self:
            closed = record.state in ("resolved", "ignored")
            record.attention = record.state if closed else record.severity or "medium"

    @api.depends("state", "closed_at", "closed_how", "closed_by_id")
    def _compute_closed_summary(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in ("resolved", "ignored"):
                record.closed_summary = False
                continue
            # Cards closed before the closing was recorded fall back on their last change.
            when = fields.Datetime.context_timestamp(
                record, record.closed_at or record.write_date or fields.Datetime.now()
            )
            words = {
                "by_itself": _("Resolved by itself: its messages went through"),
                "by_person": _("Marked resolved by %s", record.closed_by_id.name),
                "ignored": _("Ignored by %s", record.closed_by_id.name),
            }
            record.closed_summary = _(
                "%(how)s, %(when)s",
                how=words.get(record.closed_how) or states[record.state],
                when=when.strftime("%Y-%m-%d %H:%M"),
            )

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
        rows_by_card, card_of = defaultdict(list), {}
        for row in self.env["integration.message"].search_read(
            [("exception_id", "in", self.ids)],
            ["exception_id", "state", "waiting_model", "waiting_code"],
        ):
            rows_by_card[row["exception_id"][0]].append(row)
            card_of[row["id"]] = row["exception_id"][0]
        effects_by_card = defaultdict(list)
        for effect in self.env["integration.message.effect"].search_read(
            [("message_id", "in", list(card_of))], ["message_id", "res_model", "res_id"], order="id"
        ):
            effects_by_card[card_of[effect["message_id"][0]]].append(effect)
        for record in self:
            rows = rows_by_card[record.id]
            refs = _related_refs(effects_by_card[record.id])
            record.related_model = next(iter(refs), False)
            record.related_summary = ", ".join(
                _("%(model)s: %(count)s", model=self._model_label(model), count=len(ids))
                for model, ids in refs.items()
            )
            waiting = sorted(
                {
                    (row["waiting_model"], row["waiting_code"])
                    for row in rows
                    if row["waiting_code"] and row["state"] in ("waiting", "failed")
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
        if "state" in vals:
            vals = dict(vals, **self._closing_values(vals["state"]))
        return super().write(vals)

    def _closing_values(self, state):
        """When and how a card closes, cleared when it reopens. The system resolves cards
        with sudo when their messages succeed; a person moving the stage does not."""
        if state == "resolved":
            how = "by_itself" if self.env.su else "by_person"
        elif state == "ignored":
            how = "ignored"
        else:
            return {"closed_at": False, "closed_by_id": False, "closed_how": False}
        return {"closed_at": fields.Datetime.now(), "closed_by_id": self.env.uid, "closed_how": how}

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
                    name, category, severity, attention, state, state_sequence, fingerprint,
                    flow_id, endpoint_id, company_id, error, first_seen_at, last_seen_at,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%(name)s, %(category)s, %(severity)s, %(severity)s, 'new', 0,
                        %(fingerprint)s,
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

    # ------------------------------------------------------------------ reconciliation cards
    def _refresh_reconciliation_card(self):
        """Close the open reconciliation cards none of whose differences is left to decide:
        resolved when a correction was applied, ignored when all were ignored."""
        for card in self.filtered(lambda e: e.state in ("new", "in_progress")):
            card.invalidate_recordset(["reconciliation_open_count"])
            if card.reconciliation_open_count or not card.reconciliation_line_ids:
                continue
            lines = card.reconciliation_line_ids
            if "applied" in lines.mapped("decision"):
                card.write({"state": "resolved"})
                note = _("Resolved: every difference of this card was decided.")
            else:
                reasons = sorted(set(lines.mapped("ignore_reason")) - {False})
                card.write({"state": "ignored", "ignore_reason": "; ".join(reasons)})
                note = _("Ignored: every difference of this card was ignored.")
            card.message_post(body=note)

    def _close_reconciliation_card(self, note):
        """Resolve open reconciliation cards by the system, with ``note`` in their chatter."""
        for card in self.filtered(lambda e: e.state in ("new", "in_progress")).sudo():
            card.state = "resolved"
            card.message_post(body=note)

    def action_open_reconciliation_decision(self):
        """Approve or ignore the differences of a reconciliation card."""
        access.require_manager(self.env, _("approve or ignore reconciliation differences"))
        self.ensure_one()
        self.check_access("read")
        if not self.reconciliation_run_id:
            raise UserError(_("This card is not about a reconciliation."))
        return self.reconciliation_run_id._decision_action(card=self)

    # ------------------------------------------------------------------ actions
    def action_retry(self):
        """Send the cards' failed or waiting messages back to the queue and try them at once,
        in the caller's transaction; say what happened. Cards whose messages fail again go
        back to New."""
        access.require_integration_user(self.env, _("retry messages"))
        messages = self.integration_message_ids.filtered(lambda m: m.state in ("failed", "waiting"))
        if not messages:
            raise UserError(_("No failed or waiting message to retry."))
        messages.action_retry()
        self.filtered(lambda e: e.state == "new").write({"state": "in_progress"})
        now = messages[:RETRY_NOW_LIMIT]
        self.env["integration.queue.worker"].sudo()._process_now(now.sudo())
        messages.invalidate_recordset()
        self.invalidate_recordset()
        failed = messages.filtered(lambda m: m.state == "failed")
        failed.exception_id.filtered(lambda e: e.state == "in_progress").write({"state": "new"})
        for exception in self:
            mine = messages.filtered(lambda m, e=exception: m in e.integration_message_ids)
            exception.message_post(body=_("Retry: %s.", self._retry_outcome(mine)))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Retried %s", plural(len(messages), _("message"), _("messages"))),
                "message": self._retry_outcome(messages, failed[:1].error),
                "type": "danger"
                if failed
                else "success"
                if set(messages.mapped("state")) <= {"done", "cancelled"}
                else "warning",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _retry_outcome(self, messages, error=None):
        """What a retry did, in words: done, failed again (with the new error), still queued."""
        counts = defaultdict(int)
        for message in messages:
            counts[message.state] += 1
        parts = []
        if counts["done"]:
            parts.append(_("%s done", counts["done"]))
        if counts["failed"]:
            parts.append(_("%s failed again", counts["failed"]))
        if counts["waiting"]:
            parts.append(_("%s waiting for master data", counts["waiting"]))
        queued = counts["pending"] + counts["processing"]
        if queued:
            parts.append(_("%s queued, processed shortly", queued))
        text = ", ".join(parts) or _("nothing to do")
        if error:
            text = _("%(outcome)s. The new attempt's error: %(error)s", outcome=text, error=error)
        return text

    def action_assign_to_me(self):
        access.require_integration_user(self.env, _("take exceptions"))
        self.write({"user_id": self.env.uid})
        self.filtered(lambda e: e.state == "new").write({"state": "in_progress"})
        return True

    def action_open_ignore(self):
        access.require_integration_user(self.env, _("ignore exceptions"))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Ignore"),
            "res_model": "integration.exception.ignore",
            "view_mode": "form",
            "target": "new",
            "context": {"default_exception_ids": self.ids},
        }

    def action_open_related(self):
        access.require_integration_user(self.env, _("open the records of exceptions"))
        self.ensure_one()
        refs = _related_refs(
            self.env["integration.message.effect"].search_read(
                [("message_id", "in", self.integration_message_ids.ids)],
                ["res_model", "res_id"],
                order="id",
            )
        )
        if not refs:
            raise UserError(_("These messages have not produced any Odoo record."))
        model, ids = next(iter(refs.items()))
        action = {"type": "ir.actions.act_window", "res_model": model, "name": self.related_summary}
        if len(ids) == 1:
            return dict(action, view_mode="form", res_id=ids[0])
        return dict(action, view_mode="list,form", domain=[("id", "in", ids)])


def _related_refs(effects):
    """{model: [ids]} of the records that messages produced (their effects read as dicts)."""
    refs = defaultdict(dict)
    for effect in effects:
        refs[effect["res_model"]][effect["res_id"]] = None
    return {model: list(ids) for model, ids in refs.items()}


def _title(flow, category, error):
    """``ENDPOINT/flow: cause``, cut at a word (with an ellipsis) when the cause is long."""
    cause = first_sentence(error) or dict(CATEGORIES).get(category, category)
    return headline(f"{flow.endpoint_id.code}/{flow.code}: {cause}", 160)
