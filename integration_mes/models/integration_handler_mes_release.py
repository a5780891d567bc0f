from odoo import api, models

from ..lib import messages


class IntegrationHandlerMesRelease(models.AbstractModel):
    """Sends a confirmed manufacturing order to its MES.

    The payload was built when the order changed (see ``mrp.production._mes_payload``); a
    retry sends the same body and message id, stamped with the time it is sent.
    """

    _name = "integration.handler.mes.release"
    _inherit = "integration.handler"
    _description = "MES work order release (work_order.release)"

    @api.model
    def _prepare_outbound(self, message):
        return messages.outbound_request(message.get_payload_json(), "work_order.release")
