from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    integration_reconciliation_line_id = fields.Many2one(
        "integration.reconciliation.line",
        string="Reconciliation line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The approved reconciliation difference this inventory adjustment corrects.",
    )
    integration_reconciliation_run_id = fields.Many2one(
        related="integration_reconciliation_line_id.run_id",
        string="Reconciliation run",
        store=True,
    )
