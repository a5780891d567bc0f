"""A freeze: processing and sending held on an endpoint or a flow, e.g. a cutover weekend."""

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import access
from ..tools.moments import moment

# Set by the freeze's own actions only: who set it, who lifted it, and when.
AUDIT_FIELDS = {"user_id", "state", "lifted_by_id", "lifted_at", "endpoint_id", "flow_id"}
# Lifted and ended freezes that still say since when a flow is open again.
HISTORY_DAYS = 31


class IntegrationFreeze(models.Model):
    """While a freeze is in force, its flow (or every flow of its endpoint) still accepts and
    stores inbound and outbound messages, and processes and sends none of them. Lifting it
    (a manager's button, or its end time) releases the backlog in the queue's usual order
    and wakes the queue at once. Who set it, when and why, and who lifted it, are kept."""

    _name = "integration.freeze"
    _description = "Integration Freeze"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        string="Reason",
        required=True,
        tracking=True,
        help="Why processing is held, e.g. cutover weekend of the ERP migration.",
    )
    endpoint_id = fields.Many2one(
        "integration.endpoint",
        ondelete="cascade",
        index="btree_not_null",
        help="Every flow of this endpoint is held.",
    )
    flow_id = fields.Many2one(
        "integration.flow", ondelete="cascade", index="btree_not_null", help="Only this flow."
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True
    )
    target = fields.Char(compute="_compute_target", string="Holds")
    date_start = fields.Datetime(
        string="From", required=True, default=fields.Datetime.now, tracking=True
    )
    date_end = fields.Datetime(
        string="Until",
        tracking=True,
        help="The freeze lifts itself at this time. Empty: until a manager lifts it.",
    )
    state = fields.Selection(
        [("active", "In force"), ("lifted", "Lifted"), ("ended", "Ended")],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
        help="In force (or planned, before its start), lifted by a manager, or ended at its "
        "end time.",
    )
    in_effect = fields.Boolean(
        compute="_compute_in_effect", help="In force now (not only planned)."
    )
    user_id = fields.Many2one(
        "res.users", string="Set by", readonly=True, default=lambda self: self.env.uid
    )
    set_at = fields.Datetime(related="create_date", string="Set on")
    lifted_by_id = fields.Many2one("res.users", string="Lifted by", readonly=True)
    lifted_at = fields.Datetime(string="Lifted on", readonly=True)

    @api.depends("flow_id.company_id", "endpoint_id.company_id")
    def _compute_company_id(self):
        for freeze in self:
            freeze.company_id = freeze.flow_id.company_id or freeze.endpoint_id.company_id

    @api.depends("flow_id", "endpoint_id")
    def _compute_target(self):
        for freeze in self:
            if freeze.flow_id:
                freeze.target = f"{freeze.flow_id.endpoint_id.code}/{freeze.flow_id.code}"
            else:
                freeze.target = _("%s (all flows)", freeze.endpoint_id.code or "")

    @api.depends("state", "date_start")
    def _compute_in_effect(self):
        now = fields.Datetime.now()
        for freeze in self:
            freeze.in_effect = freeze.state == "active" and freeze.date_start <= now

    @api.constrains("flow_id", "endpoint_id", "date_start", "date_end")
    def _check_freeze(self):
        for freeze in self:
            if bool(freeze.flow_id) == bool(freeze.endpoint_id):
                raise ValidationError(_("A freeze holds either one flow or one endpoint."))
            if freeze.date_end and freeze.date_end <= freeze.date_start:
                raise ValidationError(_("A freeze ends after it starts."))

    # ------------------------------------------------------------------ life cycle
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # Who set it is the caller, and a freeze starts in force: never given.
            vals_list = [
                dict(vals, user_id=self.env.uid, state="active", lifted_by_id=False)
                for vals in vals_list
            ]
            for vals in vals_list:
                _check_end_ahead(vals)
        freezes = super().create([_whole_seconds(vals) for vals in vals_list])
        for freeze in freezes:
            freeze._post_on_target(freeze._set_text())
        freezes._flows()._refresh_hold()
        return freezes

    def write(self, vals):
        if not self.env.su and AUDIT_FIELDS.intersection(vals):
            raise UserError(
                _(
                    "Who set a freeze, what it holds and whether it is lifted are recorded by "
                    "the freeze itself: use Lift to end it."
                )
            )
        if not self.env.su:
            if self.filtered(lambda f: f.state != "active"):
                raise UserError(_("A lifted or ended freeze is history: it does not change."))
            _check_end_ahead(vals)
        result = super().write(_whole_seconds(vals))
        if {"date_start", "date_end"}.intersection(vals):
            for freeze in self:
                freeze._post_on_target(
                    _("Freeze changed: %(text)s", text=freeze._period_text()), freeze.name
                )
            self._flows()._refresh_hold()
        return result

    def unlink(self):
        if not self.env.su:
            raise UserError(_("Freezes are kept as history: lift a freeze instead."))
        return super().unlink()

    # ------------------------------------------------------------------ actions
    def action_lift(self):
        """Managers: end these freezes now; their flows' backlog is released in order."""
        access.require_manager(self.env, _("lift freezes"))
        self.check_access("write")  # record rules: only freezes of the caller's companies
        lifting = self.filtered(lambda freeze: freeze.state == "active")
        if not lifting:
            raise UserError(_("This freeze is no longer in force."))
        lifting.sudo()._end("lifted")
        return True

    def _end(self, state):
        """Lift (``lifted``, by the caller) or end at its end time (``ended``) these freezes;
        their flows open again and the queue wakes at once."""
        now = fields.Datetime.now()
        values = {"state": state}
        if state == "lifted":
            values.update(lifted_by_id=self.env.uid, lifted_at=now)
        self.write(values)
        for freeze in self:
            text = (
                _("Freeze lifted by %s: processing resumes.", self.env.user.name)
                if state == "lifted"
                else _("Freeze ended at its planned time: processing resumes.")
            )
            freeze._post_on_target(text, freeze.name)
        self._flows()._refresh_hold()
        self.env["integration.message"]._trigger_processing()

    @api.model
    def _cron_end_due(self):
        """Freezes whose end time has come lift themselves."""
        due = self.sudo().search(
            [("state", "=", "active"), ("date_end", "<=", fields.Datetime.now())]
        )
        if due:
            due._end("ended")
        return due

    # ------------------------------------------------------------------ helpers
    @api.model
    def _spans_for(self, flows):
        """{flow id: spans, ("endpoint", id): spans} of the freezes in force over ``flows`` and
        their endpoints, and of those that ended lately (they say since when a flow is open)."""
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        freezes = self.sudo().search(
            [
                "|",
                ("flow_id", "in", flows.ids),
                ("endpoint_id", "in", flows.endpoint_id.ids),
                "|",
                ("state", "=", "active"),
                "|",
                ("lifted_at", ">=", since),
                ("date_end", ">=", since),
            ]
        )
        spans = {}
        for freeze in freezes:
            key = freeze.flow_id.id or ("endpoint", freeze.endpoint_id.id)
            spans.setdefault(key, []).append(freeze._span())
        return spans

    def _flows(self):
        """The flows these freezes hold."""
        return self.flow_id | self.endpoint_id.with_context(active_test=False).flow_ids

    def _span(self):
        """(start, end) for ``lib.schedule``: end None while open-ended and in force."""
        self.ensure_one()
        if self.state == "lifted":
            return self.date_start, self.lifted_at
        return self.date_start, self.date_end or None

    def _summary(self):
        """``Frozen by Anna since ... until ...: why`` for the screens."""
        self.ensure_one()
        until = _("until %s", moment(self, self.date_end)) if self.date_end else _("until lifted")
        return _(
            "Frozen by %(user)s since %(since)s %(until)s: %(reason)s",
            user=self.user_id.name,
            since=moment(self, self.date_start),
            until=until,
            reason=self.name,
        )

    def _period_text(self):
        until = (
            _("until %s", moment(self, self.date_end))
            if self.date_end
            else _("until a manager lifts it")
        )
        return _("from %(start)s %(until)s", start=moment(self, self.date_start), until=until)

    def _set_text(self):
        return _(
            "Frozen by %(user)s %(period)s: messages are accepted and stored, none is processed "
            "or sent.",
            user=self.user_id.name or self.env.user.name,
            period=self._period_text(),
        )

    def _post_on_target(self, text, reason=None):
        """Note ``text`` (and the reason) in the chatter of the freeze and of what it holds."""
        body = Markup("%s<br/>%s") % (text, _("Reason: %s", reason or self.name))
        self.message_post(body=body)
        (self.flow_id or self.endpoint_id).sudo().message_post(body=body)


def _check_end_ahead(vals):
    """A person sets an end that is still ahead: ending a freeze now is lifting it."""
    end = fields.Datetime.to_datetime(vals.get("date_end"))
    if end and end <= fields.Datetime.now():
        raise UserError(_("The end of a freeze must be ahead: use Lift to end it now."))


def _whole_seconds(vals):
    """Freeze bounds are compared with wake-up times to the second."""
    vals = dict(vals)
    for name in ("date_start", "date_end"):
        if vals.get(name):
            vals[name] = fields.Datetime.to_datetime(vals[name]).replace(microsecond=0)
    return vals
