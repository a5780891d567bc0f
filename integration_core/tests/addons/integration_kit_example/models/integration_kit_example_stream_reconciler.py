from odoo import api, models


class IntegrationKitExampleStreamReconciler(models.AbstractModel):
    """The same bins, Odoo's side given as a stream of rows instead of SQL."""

    _name = "integration.kit.example.stream.reconciler"
    _inherit = "integration.kit.example.reconciler"
    _description = "Example bins (stream)"

    @api.model
    def _odoo_side(self, run):
        Bin = self.env["integration.kit.example.bin"]
        domain = [("company_id", "=", run.company_id.id)]
        offset = 0
        while True:
            bins = Bin.search_fetch(
                domain, ["code", "quantity", "unit_value"], offset=offset, limit=500, order="id"
            )
            if not bins:
                return
            for bin_ in bins:
                yield {
                    "key": bin_.code,
                    "name": bin_.code,
                    "bin_id": bin_.id,
                    "quantity": bin_.quantity,
                    "unit_value": bin_.unit_value,
                }
            offset += len(bins)
            bins.invalidate_recordset()
