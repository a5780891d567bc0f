from odoo import api, models

from ..lib import messages


class IntegrationHandlerMesUpdate(models.AbstractModel):
    """Sends a changed quantity, date or priority of a released order to its MES.

    The payload was built when the order changed (see ``mrp.production._mes_payload``); a
    retry sends the same body and message id, stamped with the time it is sent.
    """

    _name = "integration.handler.mes.update"
    _inherit = "integration.handler"
    _description = "MES work order update (work_order.update)"

    @api.model
    def _prepare_outbound(self, message):
        return messages.outbound_request(message.get_payload_json(), "work_order.update")
