from odoo import fields, models


class IntegrationReconciliationLine(models.Model):
    """The example's dimension: the bin a line is about, filled by both sides' rows."""

    _inherit = "integration.reconciliation.line"

    bin_id = fields.Many2one("integration.kit.example.bin", readonly=True)
