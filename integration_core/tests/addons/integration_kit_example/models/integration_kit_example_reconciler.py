"""Bins reconciled with the kit alone: Odoo's side in SQL, corrections as adjustments."""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class IntegrationKitExampleReconciler(models.AbstractModel):
    """Compares bin statements with ``integration.kit.example.bin``. The example keeps no
    history, so Odoo's side is the bins' current quantity whatever the run's as-of time; a
    real reconciler takes back what moved after it (see the WMS stock reconciler)."""

    _name = "integration.kit.example.reconciler"
    _inherit = "integration.reconciler"
    _description = "Example bins (SQL)"

    @api.model
    def _line_dimensions(self):
        return ("bin_id",)

    @api.model
    def _odoo_side(self, run):
        return SQL(
            "SELECT code AS key, code AS name, id AS bin_id, quantity, unit_value"
            " FROM integration_kit_example_bin WHERE company_id = %s",
            run.company_id.id,
        )

    @api.model
    def _apply_corrections(self, run, lines):
        Bin = self.env["integration.kit.example.bin"]
        bins = {bin_.code: bin_ for bin_ in Bin.search([("code", "in", lines.mapped("key"))])}
        made = {}
        for line in lines:
            bin_ = bins.get(line.key) or Bin.create(
                {"code": line.key, "unit_value": line.unit_value, "company_id": run.company_id.id}
            )
            bin_.quantity += line.difference_quantity
            made[line.id] = self.env["integration.kit.example.adjustment"].create(
                {
                    "bin_id": bin_.id,
                    "quantity_change": line.difference_quantity,
                    "reconciliation_line_id": line.id,
                }
            )
        return made

    @api.model
    def _request_statement(self, flow):
        """Queue a request on the endpoint's ``bin.statement.request`` flow."""
        request = flow.endpoint_id.flow_ids.filtered(
            lambda f: f.code == "bin.statement.request" and f.state == "active"
        )
        if not request:
            raise UserError(f"{flow.endpoint_id.code} has no active bin.statement.request flow.")
        self.env["integration.message"].enqueue(request, {"site": "S1", "scope": "full"})
