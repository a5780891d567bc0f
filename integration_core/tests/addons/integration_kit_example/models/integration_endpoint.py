from odoo import fields, models


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("kit_example", "Kit example (tests)")],
        ondelete={"kit_example": "cascade"},
    )
