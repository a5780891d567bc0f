from odoo import fields, models


class IntegrationKitExampleAdjustment(models.Model):
    """A correction the example reconciler makes: what a reconciliation line points to."""

    _name = "integration.kit.example.adjustment"
    _description = "Example bin adjustment (tests)"

    bin_id = fields.Many2one("integration.kit.example.bin", required=True, ondelete="cascade")
    quantity_change = fields.Float(digits=(16, 4))
    reconciliation_line_id = fields.Many2one("integration.reconciliation.line")
