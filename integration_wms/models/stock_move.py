from odoo import models

from .stock_picking import VALIDATING


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        result = super().write(vals)
        if "product_uom_qty" in vals and not self.env.context.get(VALIDATING):
            self.picking_id.filtered("wms_transfer")._integration_queue("transfer_order.update")
        return result

    def _action_assign(self, force_qty=False):
        result = super()._action_assign(force_qty=force_qty)
        self.picking_id._wms_release()
        return result

    def _action_cancel(self):
        pickings = self.picking_id.filtered(lambda p: p.wms_transfer and p.state != "cancel")
        result = super()._action_cancel()
        pickings._wms_cancelled()
        return result
