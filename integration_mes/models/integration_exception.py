from odoo import fields, models


class IntegrationException(models.Model):
    _inherit = "integration.exception"

    category = fields.Selection(
        selection_add=[("quality", "Quality: failed test")],
        ondelete={"quality": "cascade"},
    )
