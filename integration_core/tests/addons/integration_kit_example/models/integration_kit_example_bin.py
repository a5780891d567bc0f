from odoo import fields, models


class IntegrationKitExampleBin(models.Model):
    """Odoo's side of the example reconciliation: a bin and how much it holds."""

    _name = "integration.kit.example.bin"
    _description = "Example bin (tests)"
    _order = "code"

    code = fields.Char(required=True, index=True)
    quantity = fields.Float(digits=(16, 4))
    unit_value = fields.Float(digits=(16, 2))
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)

    _sql_constraints = [("code_unique", "unique(company_id, code)", "One bin per code.")]
