"""Thresholds on a flow or an endpoint that warn a responsible person, once per episode.

An episode starts when the scheduled check first finds the condition true: the rule posts a
message (mailed to the responsible user and group) and schedules one activity for the
responsible user, or for each member of the responsible group when no user is set. Later checks
while the condition holds do nothing. When the condition clears, the episode ends: the rule
says so and marks its open activities done; the next breach is a new episode.

A flow that is frozen, or outside its processing window, is not late: backlog and oldest
message rules leave its messages out, and once it opens a message's wait counts from the
opening (``message_stats.processable_backlog``).
"""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import message_stats

CONDITIONS = [
    ("backlog", "Backlog of unfinished messages"),
    ("oldest_pending", "Oldest unfinished message older than the SLA"),
    ("failure_rate", "Failure rate of tries"),
    ("circuit_open", "Circuit open (system unreachable)"),
]


class IntegrationAlertRule(models.Model):
    _name = "integration.alert.rule"
    _description = "Integration Alert Rule"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    flow_id = fields.Many2one("integration.flow", ondelete="cascade", index=True, tracking=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", ondelete="cascade", index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True
    )
    condition = fields.Selection(CONDITIONS, required=True, default="backlog", tracking=True)
    threshold = fields.Integer(
        tracking=True,
        help="Backlog: number of messages. Oldest unfinished: minutes (0: the flow's SLA). "
        "Failure rate: percent of tries.",
    )
    window_minutes = fields.Integer(
        string="Window (minutes)",
        default=60,
        tracking=True,
        help="Failure rate: how far back tries are counted.",
    )
    min_attempts = fields.Integer(
        default=10, help="Failure rate: fewer tries than this in the window never alert."
    )
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    group_id = fields.Many2one(
        "res.groups", string="Responsible group", tracking=True, help="Also told by mail."
    )
    in_breach = fields.Boolean(readonly=True, copy=False)
    episode_started_at = fields.Datetime(string="Episode started", readonly=True, copy=False)
    episode_count = fields.Integer(string="Episodes", readonly=True, copy=False)
    last_value = fields.Float(readonly=True, copy=False, help="Value at the last check.")
    last_checked_at = fields.Datetime(string="Last checked", readonly=True, copy=False)

    @api.depends("flow_id.company_id", "endpoint_id.company_id")
    def _compute_company_id(self):
        for rule in self:
            rule.company_id = rule.flow_id.company_id or rule.endpoint_id.company_id

    @api.constrains("flow_id", "endpoint_id", "condition", "threshold", "user_id", "group_id")
    def _check_rule(self):
        for rule in self:
            if bool(rule.flow_id) == bool(rule.endpoint_id):
                raise ValidationError(_("An alert rule watches either one flow or one endpoint."))
            if not (rule.user_id or rule.group_id):
                raise ValidationError(_("Say who is told: a responsible user or group."))
            if rule.threshold < 0:
                raise ValidationError(_("The threshold cannot be negative."))
            if rule.condition == "oldest_pending" and not rule.threshold:
                if not rule.flow_id.sla_minutes:
                    raise ValidationError(
                        _("Give a threshold in minutes, or watch a flow that has an SLA.")
                    )

    # ------------------------------------------------------------------ checking
    @api.model
    def _cron_check(self):
        """Scheduled: evaluate every active rule; open or close episodes."""
        rules = self.search([])
        values = rules._measure()
        now = fields.Datetime.now()
        for rule in rules:
            breached, value = values[rule]
            if breached and not rule.in_breach:
                rule._open_episode(value)
            elif rule.in_breach and not breached:
                rule._close_episode(value)
        rules.write({"last_checked_at": now})
        for rule in rules:
            rule.last_value = values[rule][1]

    def _scope(self):
        self.ensure_one()
        if self.flow_id:
            return "flow_id", self.flow_id.id
        return "endpoint_id", self.endpoint_id.id

    def _measure(self):
        """{rule: (breached, value)}, with one query per kind of figure."""
        groups = defaultdict(lambda: self.browse())
        for rule in self:
            groups[(rule.condition, rule._scope()[0], rule.window_minutes)] |= rule
        results = {}
        for (condition, column, window), rules in groups.items():
            ids = [rule._scope()[1] for rule in rules]
            results.update(getattr(rules, f"_measure_{condition}")(column, ids, window))
        return results

    def _measure_backlog(self, column, ids, _window):
        stats = message_stats.processable_backlog(self.env, column, ids)
        results = {}
        for rule in self:
            count = stats.get(rule._scope()[1], (0, None))[0]
            results[rule] = (count >= max(rule.threshold, 1), float(count))
        return results

    def _measure_oldest_pending(self, column, ids, _window):
        stats = message_stats.processable_backlog(self.env, column, ids)
        now = fields.Datetime.now()
        results = {}
        for rule in self:
            oldest = stats.get(rule._scope()[1], (0, None))[1]
            minutes = (now - oldest).total_seconds() / 60 if oldest else 0.0
            limit = rule.threshold or rule.flow_id.sla_minutes
            results[rule] = (bool(limit) and minutes > limit, minutes)
        return results

    def _measure_failure_rate(self, column, ids, window):
        stats = message_stats.failure_rate(self.env, column, ids, window)
        results = {}
        for rule in self:
            failed, tries = stats.get(rule._scope()[1], (0, 0))
            rate = 100.0 * failed / tries if tries else 0.0
            results[rule] = (tries >= rule.min_attempts and rate >= rule.threshold, rate)
        return results

    def _measure_circuit_open(self, _column, _ids, _window):
        results = {}
        for rule in self:
            endpoint = rule.endpoint_id or rule.flow_id.endpoint_id
            results[rule] = (endpoint.circuit_state == "open", float(endpoint.circuit_failures))
        return results

    # ------------------------------------------------------------------ episodes
    def _open_episode(self, value):
        self.ensure_one()
        self.write(
            {
                "in_breach": True,
                "episode_started_at": fields.Datetime.now(),
                "episode_count": self.episode_count + 1,
            }
        )
        summary = _("%(rule)s: alert (value %(value)s)", rule=self.name, value=round(value, 1))
        self.message_post(
            body=summary,
            partner_ids=self._recipients().partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        for user in self._recipients() & (self.user_id or self.group_id.users):
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                user_id=user.id,
                summary=summary,
                note=_("Open the Integration monitoring and the exceptions of this flow."),
            )

    def _close_episode(self, value):
        self.ensure_one()
        self.write({"in_breach": False})
        feedback = _("Cleared (value %s).", round(value, 1))
        self.activity_ids.action_feedback(feedback=feedback)
        self.message_post(body=_("%(rule)s: %(feedback)s", rule=self.name, feedback=feedback))

    def _recipients(self):
        """Active users who may open the rule (an activity on it must be readable)."""
        users = (self.user_id | self.group_id.users).filtered("active")
        return users.filtered(lambda user: self.with_user(user).has_access("read"))
