"""A manager's decision on reconciliation differences: apply the corrections, or ignore."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.explanations import plural
from ..tools import access


class IntegrationReconciliationDecide(models.TransientModel):
    """Decides the open differences of a run: the selected lines, else those of one card,
    else all of the run. Approving has the run's reconciler make Odoo match the statement
    (each line then points to the records made); ignoring keeps Odoo as it is, with a reason.
    Who decided and when is kept on every line and in the run's chatter."""

    _name = "integration.reconciliation.decide"
    _description = "Approve or Ignore Reconciliation Differences"

    run_id = fields.Many2one("integration.reconciliation.run", required=True, readonly=True)
    exception_id = fields.Many2one("integration.exception", string="Card", readonly=True)
    line_ids = fields.Many2many(
        "integration.reconciliation.line",
        "integration_reconciliation_decide_line_rel",
        "decide_id",
        "line_id",
        string="Selected lines",
    )
    decision = fields.Selection(
        [("approve", "Approve the corrections"), ("ignore", "Ignore the differences")],
        required=True,
        default="approve",
    )
    reason = fields.Text(help="Why Odoo stays as it is: kept on each ignored line.")
    open_count = fields.Integer(compute="_compute_summary", string="Differences to decide")
    value_total = fields.Monetary(
        compute="_compute_summary",
        string="Value of these differences",
        help="Sum of their values, each counted positive.",
    )
    currency_id = fields.Many2one(related="run_id.currency_id")

    @api.depends("run_id", "exception_id", "line_ids")
    def _compute_summary(self):
        for wizard in self:
            lines = wizard._target_lines()
            wizard.open_count = len(lines)
            wizard.value_total = sum(abs(value) for value in lines.mapped("difference_value"))

    def _target_lines(self):
        """The open differences the decision is about."""
        self.ensure_one()
        domain = [("run_id", "=", self.run_id.id), ("decision", "=", "open")]
        if self.line_ids:
            domain.append(("id", "in", self.line_ids.ids))
        elif self.exception_id:
            domain.append(("exception_id", "=", self.exception_id.id))
        return self.env["integration.reconciliation.line"].search(domain)

    def action_confirm(self):
        access.require_manager(self.env, _("approve or ignore reconciliation differences"))
        self.ensure_one()
        self.run_id.check_access("read")
        lines = self._target_lines()
        if not lines:
            raise UserError(_("No difference left to decide here."))
        if self.decision == "approve":
            decided = self.run_id._approve_lines(lines)
            title = _("%s applied", plural(len(decided), _("correction"), _("corrections")))
        else:
            decided = self.run_id._ignore_lines(lines, self.reason)
            title = _("%s ignored", plural(len(decided), _("difference"), _("differences")))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": _("Run %s: decisions kept on its lines.", self.run_id.display_name),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
