from odoo import fields, models


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("wms", "WMS (warehouse management)")],
        ondelete={"wms": "set default"},
    )
