"""The history of a temporary flow's sunset date: who moved it, from when to when, and why."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import sunset
from ..tools import access


class IntegrationSunsetExtension(models.Model):
    """Creating one moves its flow's sunset date (managers only); nobody changes or deletes
    one afterwards. A flow past its sunset date takes messages again once extended, and its
    responsible people are warned again before the new date."""

    _name = "integration.sunset.extension"
    _description = "Integration Sunset Extension"
    _order = "create_date desc, id desc"

    flow_id = fields.Many2one(
        "integration.flow", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    old_date = fields.Date(string="Previous sunset date", readonly=True)
    new_date = fields.Date(string="New sunset date", required=True)
    reason = fields.Text(required=True, help="Why the temporary flow lives longer.")
    user_id = fields.Many2one("res.users", string="Extended by", readonly=True)
    create_date = fields.Datetime(string="Extended on", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        access.require_manager(self.env, _("extend temporary flows"))
        checked = []
        for vals in vals_list:
            flow = self.env["integration.flow"].browse(vals.get("flow_id"))
            flow.check_access("write")  # record rules: flows of the caller's companies
            new_date = fields.Date.to_date(vals.get("new_date"))
            _check_extension(flow, new_date, vals.get("reason"))
            # The previous date and who extended are recorded, never given.
            checked.append(dict(vals, old_date=flow.sunset_date, user_id=self.env.uid))
        extensions = super().create(checked)
        for extension in extensions:
            extension._apply()
        return extensions

    def write(self, vals):
        if not self.env.su:
            raise UserError(_("A sunset extension is history: it does not change."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise UserError(_("Sunset extensions are kept as history."))
        return super().unlink()

    def _apply(self):
        flow = self.flow_id.sudo()
        flow.write({"sunset_date": self.new_date})
        flow.message_post(
            body=Markup("%s<br/>%s")
            % (
                _(
                    "Sunset date moved from %(old)s to %(new)s by %(user)s.",
                    old=fields.Date.to_string(self.old_date) or _("none"),
                    new=fields.Date.to_string(self.new_date),
                    user=self.user_id.name,
                ),
                _("Reason: %s", self.reason),
            )
        )


def _check_extension(flow, new_date, reason):
    if not flow or flow.lifecycle != "temporary":
        raise UserError(_("Only a temporary flow has a sunset date to extend."))
    if not new_date or new_date <= sunset.today():
        raise UserError(_("The new sunset date must be after today."))
    if new_date == flow.sunset_date:
        raise UserError(_("The flow already ends on %s.", fields.Date.to_string(new_date)))
    if not (reason or "").strip():
        raise UserError(_("Say why the flow lives longer."))
