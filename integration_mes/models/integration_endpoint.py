from odoo import fields, models


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("mes", "MES (manufacturing execution)")],
        ondelete={"mes": "set default"},
    )
