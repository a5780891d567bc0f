from odoo import api, models

from ..lib import messages


class IntegrationHandlerMesWorkOrder(models.AbstractModel):
    """Sends a work order message to its MES: ``work_order.release`` (a confirmed order),
    ``work_order.update`` (a changed quantity, date or priority) or ``work_order.cancel``
    (nothing left to produce), named by the flow's code.

    The payload was built when the order changed (see ``mrp.production._mes_payload``); a
    retry sends the same body and message id, stamped with the time it is sent.
    """

    _name = "integration.handler.mes.work_order"
    _inherit = "integration.handler"
    _description = "MES work order (release, update, cancel)"

    @api.model
    def _prepare_outbound(self, message):
        payload = message.get_payload_json()
        message_type = payload.get("message_type") or message.flow_id.code
        return messages.outbound_request(payload, message_type)
