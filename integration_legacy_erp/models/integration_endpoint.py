from odoo import fields, models


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("legacy_erp", "Legacy ERP")],
        ondelete={"legacy_erp": "set default"},
    )
