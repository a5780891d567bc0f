from odoo import api, models

from ..lib import messages


class IntegrationHandlerMesCancel(models.AbstractModel):
    """Tells the MES that nothing is left to produce on a released order.

    The payload was built when the order changed (see ``mrp.production._mes_payload``); a
    retry sends the same body and message id, stamped with the time it is sent.
    """

    _name = "integration.handler.mes.cancel"
    _inherit = "integration.handler"
    _description = "MES work order cancellation (work_order.cancel)"

    @api.model
    def _prepare_outbound(self, message):
        return messages.outbound_request(message.get_payload_json(), "work_order.cancel")
