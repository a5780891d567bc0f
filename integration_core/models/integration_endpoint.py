"""External system that Odoo exchanges messages with."""

from odoo import api, fields, models


class IntegrationEndpoint(models.Model):
    _name = "integration.endpoint"
    _description = "Integration Endpoint"
    _inherit = ["mail.thread"]
    _order = "sequence, code"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short technical code used in URLs and APIs, e.g. PLANT1_MES.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    system_type = fields.Selection(
        [("generic", "Generic")],
        required=True,
        default="generic",
        tracking=True,
        help="Kind of external system; connector addons add their own kinds.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    description = fields.Text()

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "An endpoint code must be unique: external systems address it in URLs.",
        ),
    ]

    @api.onchange("name")
    def _onchange_name_code(self):
        if self.name and not self.code:
            self.code = "".join(c if c.isalnum() else "_" for c in self.name.upper())
