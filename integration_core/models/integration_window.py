"""When a flow, or every flow of an endpoint, may be processed: a weekly time range."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..lib import schedule

DAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class IntegrationWindow(models.Model):
    """A weekly range of hours in a time zone in which messages are processed.

    A flow with windows of its own is processed only inside them; a flow without follows the
    windows of its endpoint; a flow with neither is processed at any time. Outside its windows
    a flow still accepts and stores messages: they wait, and the queue starts by itself at the
    next opening. Several windows add up (Mon-Fri 22:00-04:00 and Sat 06:00-12:00).
    """

    _name = "integration.window"
    _description = "Integration Processing Window"
    _inherit = ["mail.thread"]
    _order = "endpoint_id, flow_id, start_hour, id"

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True, tracking=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint",
        ondelete="cascade",
        index="btree_not_null",
        tracking=True,
        help="Every flow of this endpoint that has no window of its own follows this one.",
    )
    flow_id = fields.Many2one(
        "integration.flow",
        ondelete="cascade",
        index="btree_not_null",
        tracking=True,
        help="Only this flow; its own windows replace its endpoint's.",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True
    )
    mon = fields.Boolean(string="Monday", default=True, tracking=True)
    tue = fields.Boolean(string="Tuesday", default=True, tracking=True)
    wed = fields.Boolean(string="Wednesday", default=True, tracking=True)
    thu = fields.Boolean(string="Thursday", default=True, tracking=True)
    fri = fields.Boolean(string="Friday", default=True, tracking=True)
    sat = fields.Boolean(string="Saturday", tracking=True)
    sun = fields.Boolean(string="Sunday", tracking=True)
    start_hour = fields.Float(
        string="Opens at", required=True, default=22.0, tracking=True, help="Local time, hh:mm."
    )
    end_hour = fields.Float(
        string="Closes at",
        required=True,
        default=4.0,
        tracking=True,
        help="Local time, hh:mm. At or before the opening time: the next day (22:00 to "
        "04:00 runs over midnight). 24:00 is midnight at the end of the day.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        tracking=True,
    )

    @api.depends(*DAY_FIELDS, "start_hour", "end_hour", "tz")
    def _compute_name(self):
        for window in self:
            try:
                window.name = window._weekly_range().label()
            except schedule.ScheduleError:
                window.name = _("Incomplete window")

    @api.depends("flow_id.company_id", "endpoint_id.company_id")
    def _compute_company_id(self):
        for window in self:
            window.company_id = window.flow_id.company_id or window.endpoint_id.company_id

    @api.constrains("flow_id", "endpoint_id", *DAY_FIELDS, "start_hour", "end_hour", "tz")
    def _check_window(self):
        for window in self:
            if bool(window.flow_id) == bool(window.endpoint_id):
                raise ValidationError(_("A window belongs to either one flow or one endpoint."))
            try:
                window._weekly_range()
            except schedule.ScheduleError as error:
                raise ValidationError(str(error)) from None

    def _weekly_range(self):
        self.ensure_one()
        days = frozenset(i for i, day in enumerate(DAY_FIELDS) if self[day])
        return schedule.WeeklyRange(days, self.start_hour, self.end_hour, self.tz or "UTC")

    def _flows(self):
        """The flows whose processing these windows decide (all flows of an endpoint)."""
        return self.flow_id | self.endpoint_id.with_context(active_test=False).flow_ids

    @api.model_create_multi
    def create(self, vals_list):
        windows = super().create(vals_list)
        windows._flows()._refresh_hold()
        return windows

    def write(self, vals):
        flows = self._flows()
        result = super().write(vals)
        (flows | self._flows())._refresh_hold()
        return result

    def unlink(self):
        flows = self._flows()
        result = super().unlink()
        flows.exists()._refresh_hold()
        return result
