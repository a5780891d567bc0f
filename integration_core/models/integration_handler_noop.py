from odoo import api, models


class IntegrationHandlerNoop(models.AbstractModel):
    """Accepts inbound messages without any effect: for tests, benchmarks and dry runs."""

    _name = "integration.handler.noop"
    _inherit = "integration.handler"
    _description = "No operation (accept and do nothing)"

    @api.model
    def _process_inbound(self, message):
        return None
