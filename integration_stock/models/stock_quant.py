from odoo import models

# Context key: ((quant id, reconciliation line id), ...) of an approved reconciliation.
RECONCILIATION_LINES = "integration_reconciliation_lines"


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_inventory_move_values(
        self, qty, location_id, location_dest_id, package_id=False, package_dest_id=False
    ):
        """Inventory adjustments applied for a reconciliation point to the line they correct."""
        values = super()._get_inventory_move_values(
            qty,
            location_id,
            location_dest_id,
            package_id=package_id,
            package_dest_id=package_dest_id,
        )
        line_id = dict(self.env.context.get(RECONCILIATION_LINES) or ()).get(self.id)
        if line_id:
            values["integration_reconciliation_line_id"] = line_id
        return values
