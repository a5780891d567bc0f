"""Inbound ``order.status``: the legacy ERP changed the status of an open order."""

from odoo import api, models

from odoo.addons.integration_core.lib.payload import PayloadReader

ORDER_MODELS = {"sale": "sale.order", "purchase": "purchase.order"}


class IntegrationHandlerLegacyOrderStatus(models.AbstractModel):
    """Brings the order the legacy number stands for to the status the value map
    ``<type>_status`` gives; a status for an order not taken yet waits for it. The change is
    applied as coming from the legacy ERP, so it is not sent back to it."""

    _name = "integration.handler.legacy.order.status"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP order status (order.status)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        reader = PayloadReader(self._payload_json(message))
        model = reader.enum("order_type", ORDER_MODELS)
        number = reader.text("order")
        status = reader.text("status")
        reader.done()
        order = self._require(endpoint, model, number)
        return order._apply_status_from(endpoint, status, flow=message.flow_id)
