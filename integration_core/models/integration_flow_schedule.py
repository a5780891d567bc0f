"""When a flow is processed: its windows and freezes, reduced to two bounds the claim reads.

Design (the claim stays cheap and independent of history):

- Each flow stores the open stretch holding now, or the next one, as ``process_from`` and
  ``process_until`` (``lib/schedule.py``: the union of its weekly windows, or of its
  endpoint's when it has none, minus the freezes of the flow and of its endpoint). The claim
  only compares them with the time, on the flow row it already joins: no calendar, no
  per-message check. ``process_from`` is ``schedule.NEVER`` while an open-ended freeze holds
  the flow, NULL when it has been open for as long as is known.
- They are recomputed when windows or freezes change (in that transaction) and by the
  scheduled action *Integration: open and close processing windows and freezes*, which runs
  at every bound (a trigger and this process's timer, asked at each recompute) and hourly as a
  safety net: it ends the freezes whose end time came and computes the next stretch of flows
  whose stretch ended. A stretch that ended is simply not claimable until then, so closing is
  exact; the queue's own runner is triggered at each opening, so it starts by itself.
- Messages are never changed by a hold: enqueueing is unaffected (they are accepted and
  stored), and when the flow opens they are claimed in the queue's usual order, ordering keys
  and sequences included.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import schedule
from ..tools import cron_wakeup, holds
from ..tools.moments import moment


class IntegrationFlow(models.Model):
    _name = "integration.flow"
    _inherit = ["integration.flow", "integration.freeze.target"]
    _freeze_field = "flow_id"

    window_ids = fields.One2many(
        "integration.window", "flow_id", string="Processing windows", copy=False
    )
    freeze_ids = fields.One2many("integration.freeze", "flow_id", string="Freezes", copy=False)
    process_from = fields.Datetime(
        string="Processing opens",
        readonly=True,
        copy=False,
        help="Start of the stretch in which the queue processes this flow (empty: open).",
    )
    process_until = fields.Datetime(
        string="Processing closes",
        readonly=True,
        copy=False,
        help="End of that stretch (empty: no end foreseen).",
    )
    hold_state = fields.Selection(
        [("open", "Processing"), ("window", "Outside its window"), ("frozen", "Frozen")],
        string="Processing",
        compute="_compute_hold",
    )
    hold_note = fields.Char(compute="_compute_hold", string="Processing status")
    uses_endpoint_windows = fields.Boolean(
        compute="_compute_hold", help="No window of its own: it follows its endpoint's."
    )

    # ------------------------------------------------------------------ display
    @api.depends(
        "freeze_ids.state",
        "freeze_ids.date_start",
        "freeze_ids.date_end",
        "endpoint_id.freeze_ids.state",
        "endpoint_id.freeze_ids.date_start",
        "endpoint_id.freeze_ids.date_end",
    )
    def _compute_freeze_id(self):
        return super()._compute_freeze_id()

    def _freeze_in_force(self):
        """Its own freeze in force, else its endpoint's."""
        in_force = super()._freeze_in_force()
        of_endpoints = self.endpoint_id._freezes_in_effect()
        for flow in self:
            if flow.id not in in_force and flow.endpoint_id.id in of_endpoints:
                in_force[flow.id] = (of_endpoints[flow.endpoint_id.id][:1], False)
        return in_force

    @api.depends(
        "process_from", "process_until", "window_ids", "endpoint_id.window_ids", "freeze_note"
    )
    def _compute_hold(self):
        now = fields.Datetime.now()
        for flow in self:
            flow.uses_endpoint_windows = not flow.window_ids and bool(flow.endpoint_id.window_ids)
            bounds = (flow.process_from or None, flow.process_until or None)
            if flow.freeze_id:
                flow.hold_state = "frozen"
                flow.hold_note = (
                    flow.freeze_note
                    if flow.freeze_is_own
                    else _(
                        "%(note)s (its endpoint %(endpoint)s is frozen: lift it there)",
                        note=flow.freeze_note,
                        endpoint=flow.endpoint_id.code,
                    )
                )
            elif not schedule.is_open(bounds, now):
                flow.hold_state = "window"
                flow.hold_note = (
                    _("Outside its processing window: it opens %s.", moment(flow, bounds[0]))
                    if bounds[0] and bounds[0] > now and bounds[0] < schedule.NEVER
                    else _("Outside its processing window.")
                )
            else:
                flow.hold_state = "open"
                flow.hold_note = (
                    _("Processing; its window closes %s.", moment(flow, bounds[1]))
                    if bounds[1] and (flow.window_ids or flow.endpoint_id.window_ids)
                    else False
                )

    # ------------------------------------------------------------------ bounds
    @api.model_create_multi
    def create(self, vals_list):
        flows = super().create(vals_list)
        flows._refresh_hold()
        return flows

    def write(self, vals):
        if not self.env.su and set(holds.HOLD_FIELDS).intersection(vals):
            raise UserError(_("Processing bounds follow the windows and freezes: change those."))
        result = super().write(vals)
        if "endpoint_id" in vals:
            self._refresh_hold()
        return result

    def _refresh_hold(self):
        """Store each flow's open stretch (see the module docstring); ask the wake-ups at its
        bounds, and wake the queue at once for a flow that opened."""
        flows = self.sudo().with_context(active_test=False).exists()
        if not flows:
            return
        now = fields.Datetime.now()
        endpoints = flows.endpoint_id
        windows = (
            self.env["integration.window"]
            .sudo()
            .search(["|", ("flow_id", "in", flows.ids), ("endpoint_id", "in", endpoints.ids)])
        )
        freezes = self.env["integration.freeze"]._spans_for(flows)
        opened = False
        for flow in flows:
            own = windows.filtered(lambda w, f=flow: w.flow_id == f)
            shared = windows.filtered(lambda w, e=flow.endpoint_id: w.endpoint_id == e)
            ranges = [window._weekly_range() for window in (own or shared)]
            spans = freezes.get(flow.id, []) + freezes.get(("endpoint", flow.endpoint_id.id), [])
            bounds = schedule.open_interval(now, ranges, spans)
            old = (flow.process_from or None, flow.process_until or None)
            if old != bounds:
                opened |= schedule.is_open(bounds, now) and not schedule.is_open(old, now)
                flow.write({"process_from": bounds[0], "process_until": bounds[1]})
        flows._ask_hold_wake_ups(now)
        if opened:
            self.env["integration.message"]._trigger_processing()

    def _ask_hold_wake_ups(self, now):
        """A queue runner at each opening ahead; the hold scheduled action at the next bound."""
        openings = {
            flow.process_from
            for flow in self
            if flow.process_from and now < flow.process_from < schedule.NEVER
        }
        queue = self.env.ref("integration_core.ir_cron_process_queue", raise_if_not_found=False)
        for at in sorted(openings) if queue else ():
            cron_wakeup.trigger_once(queue, at)
        closings = {flow.process_until for flow in self if flow.process_until}
        bounds = [at for at in openings | closings if at > now]
        hold_cron = self.env.ref("integration_core.ir_cron_refresh_holds", raise_if_not_found=False)
        if bounds and hold_cron:
            cron_wakeup.trigger_once(hold_cron, min(bounds))

    @api.model
    def _cron_refresh_holds(self):
        """Scheduled at every bound: end the freezes due, compute the next stretch of flows
        whose stretch ended (and of every flow with a bound, as a safety net)."""
        self.env["integration.freeze"]._cron_end_due()
        flows = (
            self.sudo()
            .with_context(active_test=False)
            .search(["|", ("process_from", "!=", False), ("process_until", "!=", False)])
        )
        flows._refresh_hold()
