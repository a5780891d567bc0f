from odoo import api, models


class IntegrationHandlerExampleNotice(models.AbstractModel):
    """Outbound ``contact.notice``: the queued payload, with the message type as a header."""

    _name = "integration.handler.example.notice"
    _inherit = "integration.handler"
    _description = "Example contact notice (contact.notice)"

    @api.model
    def _prepare_outbound(self, message):
        return {
            "body": message.get_payload_json(),
            "headers": {"X-Message-Type": message.flow_id.code},
        }
