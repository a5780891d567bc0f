from odoo import api, models


class IntegrationHandlerPassthrough(models.AbstractModel):
    """Sends the outbound payload as it was queued, through the endpoint's transport."""

    _name = "integration.handler.passthrough"
    _inherit = "integration.handler"
    _description = "Send the payload as queued"

    @api.model
    def _prepare_outbound(self, message):
        return {"body": message.get_payload(), "content_type": "application/json"}
