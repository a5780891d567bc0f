"""Temporary flows that end: responsible people warned once, new messages refused from the
sunset date on (every enqueue path asks ``_sunset_refusal``), extensions by managers."""

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import sunset
from ..tools import access


class IntegrationFlow(models.Model):
    _inherit = "integration.flow"

    sunset_user_ids = fields.Many2many(
        "res.users",
        "integration_flow_sunset_user_rel",
        "flow_id",
        "user_id",
        string="Responsible people",
        tracking=True,
        help="Warned (activity and mail) before the sunset date of a temporary flow.",
    )
    sunset_group_id = fields.Many2one(
        "res.groups",
        string="Responsible group",
        tracking=True,
        help="Every member is warned before the sunset date too.",
    )
    sunset_warning_days = fields.Integer(
        string="Warn before sunset (days)",
        default=14,
        tracking=True,
        help="How many days before the sunset date the responsible people are warned, once.",
    )
    sunset_warned_for = fields.Date(
        string="Warned for the sunset of",
        readonly=True,
        copy=False,
        help="The sunset date the responsible people were warned about: moving the date "
        "warns them again when the new warning time comes.",
    )
    sunset_extension_ids = fields.One2many(
        "integration.sunset.extension", "flow_id", string="Sunset extensions", readonly=True
    )
    sunset_days_left = fields.Integer(
        compute="_compute_sunset_days_left",
        string="Days to sunset",
        help="Days until the sunset date (negative: passed).",
    )

    _sql_constraints = [
        (
            "sunset_warning_days_positive",
            "check(sunset_warning_days >= 0)",
            "The warning lead time cannot be negative.",
        ),
    ]

    @api.depends("sunset_date")
    def _compute_sunset_days_left(self):
        today = sunset.today()
        for flow in self:
            flow.sunset_days_left = (flow.sunset_date - today).days if flow.sunset_date else 0

    def write(self, vals):
        if "sunset_date" in vals and not self.env.su:
            moved = self.filtered(
                lambda f: (
                    f.state != "draft"
                    and f.sunset_date
                    and f.sunset_date != fields.Date.to_date(vals["sunset_date"])
                )
            )
            if moved:
                raise UserError(
                    _(
                        "The sunset date of flow %s is moved with Extend sunset, which records "
                        "why.",
                        moved[0].code,
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------ refusing
    def _sunset_refusal(self, on=None):
        """The sentence refusing a new message when this temporary flow's sunset date has
        come; None otherwise."""
        self.ensure_one()
        if self.lifecycle != "temporary":
            return None
        return sunset.refusal(self.endpoint_id.code, self.code, self.sunset_date or None, on)

    # ------------------------------------------------------------------ warning
    @api.model
    def _cron_warn_sunset(self):
        """Daily: warn the responsible people of temporary flows whose warning time came,
        once per sunset date."""
        today = sunset.today()
        flows = self.sudo().search(
            [
                ("lifecycle", "=", "temporary"),
                ("state", "!=", "retired"),
                ("sunset_date", "!=", False),
            ]
        )
        due = flows.filtered(
            lambda f: (
                f.sunset_warned_for != f.sunset_date
                and f.sunset_date - timedelta(days=f.sunset_warning_days) <= today
            )
        )
        for flow in due:
            flow._warn_sunset(today)
        return due

    def _warn_sunset(self, today):
        self.ensure_one()
        days = (self.sunset_date - today).days
        summary = _(
            "Temporary flow %(flow)s ends on %(date)s (%(when)s)",
            flow=f"{self.endpoint_id.code}/{self.code}",
            date=fields.Date.to_string(self.sunset_date),
            when=_("in %s days", days) if days > 0 else _("today") if not days else _("passed"),
        )
        note = _(
            "From that date it refuses new messages (HTTP 410, RPC and file errors, AMQP dead "
            "letters). Move the traffic to its lasting interface, or ask an integration "
            "manager to extend it."
        )
        recipients = self._sunset_recipients()
        self.message_post(
            body=Markup("%s<br/>%s") % (summary, note),
            partner_ids=recipients.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        for user in recipients:
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                date_deadline=self.sunset_date,
                user_id=user.id,
                summary=summary,
                note=note,
            )
        self.write({"sunset_warned_for": self.sunset_date})

    def _sunset_recipients(self):
        """Active internal users among the responsible people who may open the flow."""
        users = (self.sunset_user_ids | self.sunset_group_id.users).filtered(
            lambda user: user.active and not user.share
        )
        return users.filtered(lambda user: self.with_user(user).has_access("read"))

    # ------------------------------------------------------------------ extending
    def action_extend_sunset(self):
        """Managers: the form of a new sunset date with its reason (kept as history)."""
        access.require_manager(self.env, _("extend temporary flows"))
        self.ensure_one()
        self.check_access("write")
        extension = self.env["integration.sunset.extension"]
        return {
            "type": "ir.actions.act_window",
            "name": _("Extend %s", self.display_name),
            "res_model": extension._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_flow_id": self.id},
        }
