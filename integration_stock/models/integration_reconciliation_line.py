from odoo import fields, models


class IntegrationReconciliationLine(models.Model):
    """What a stock reconciliation line is about, for reports by location and product: the
    stock reconciler fills these from both sides (``_line_dimensions``)."""

    _inherit = "integration.reconciliation.line"

    product_id = fields.Many2one("product.product", readonly=True, index="btree_not_null")
    location_id = fields.Many2one("stock.location", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial", readonly=True)
