"""Inbound ``sale_order`` and ``purchase_order``: the legacy ERP's open orders."""

from odoo import Command, api, models

from odoo.addons.integration_core.lib.errors import InvalidMessage
from odoo.addons.integration_core.lib.payload import PayloadReader

# order type: (Odoo model, partner key of the payload)
ORDER_TYPES = {"sale": ("sale.order", "customer"), "purchase": ("purchase.order", "vendor")}
FLOW_ORDER_TYPES = {"sale_order": "sale", "purchase_order": "purchase"}


class IntegrationHandlerLegacyOrder(models.AbstractModel):
    """Creates the open order a legacy order number stands for, then brings it to its status.

    Partner, items and units are found through the record lookup (cross-reference first); an
    unknown one parks the message until it arrives. The legacy status goes through the value
    map ``sale_status`` or ``purchase_status`` of the endpoint. An order already taken only
    follows its status: its lines are the ones of its first message (Odoo owns them from
    then on). Changes applied here are not sent back to the legacy ERP.

    ``order_type`` (``sale`` or ``purchase``, any case) names the kind when one extract or
    list holds both (its partner then may be ``partner``); without it, the flow's kind.
    """

    _name = "integration.handler.legacy.order"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP open orders (sale_order, purchase_order)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        reader = PayloadReader(self._payload_json(message))
        model, partner_path = ORDER_TYPES[self._order_type(reader, message.flow_id)]
        number = reader.text("order")
        partner_code = reader.text(
            partner_path if reader.raw(partner_path) or not reader.raw("partner") else "partner"
        )
        status = reader.text("status")
        date_order = reader.date("date_order", required=False)
        currency = reader.text("currency", required=False)
        lines = [
            {
                "item": line.text("item"),
                "quantity": line.decimal("quantity", positive=True),
                "uom": line.text("uom", required=False),
                "price_unit": line.decimal("price_unit", required=False, minimum=0),
                "description": line.text("description", required=False),
            }
            for line in reader.items("lines", required=True)
        ]
        reader.done()
        Xref = self.env["integration.xref"]
        order = Xref._resolve(endpoint, model, number)
        if not order:
            values = self._values(endpoint, model, partner_code, lines, date_order, currency)
            order = Xref._create_linked(endpoint, model, number, values)
        return order._apply_status_from(endpoint, status, flow=message.flow_id)

    @api.model
    def _order_type(self, reader, flow):
        """``sale`` or ``purchase``: the payload's ``order_type``, else the flow's kind."""
        default = FLOW_ORDER_TYPES.get(flow.code, "sale")
        order_type = (reader.text("order_type", required=False) or default).lower()
        if order_type not in ORDER_TYPES:
            reader.problem("order_type", "must be sale or purchase", order_type)
            return default
        return order_type

    @api.model
    def _values(self, endpoint, model, partner_code, lines, date_order, currency):
        partner = self._require(endpoint, "res.partner", partner_code)
        items = self._require_many(endpoint, "product.product", {line["item"] for line in lines})
        units = self._require_many(endpoint, "uom.uom", {line["uom"] for line in lines} - {None})
        values = {
            "partner_id": partner.id,
            "company_id": endpoint.company_id.id,
            "legacy_endpoint_id": endpoint.id,
            "order_line": [
                Command.create(self._line_values(model, line, items, units)) for line in lines
            ],
        }
        if date_order:
            values["date_order"] = date_order
        if currency:
            values["currency_id"] = self._currency(currency).id
        return values

    @api.model
    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise InvalidMessage(
                [f"currency must be an ISO 4217 code known to Odoo (got {code!r})"]
            )
        return currency

    @api.model
    def _line_values(self, model, line, items, units):
        product = items[line["item"]]
        unit = units[line["uom"]] if line["uom"] else None
        quantity_field = "product_uom_qty" if model == "sale.order" else "product_qty"
        values = {"product_id": product.id, quantity_field: line["quantity"]}
        if unit:
            values["product_uom"] = unit.id
        if line["price_unit"] is not None:
            values["price_unit"] = line["price_unit"]
        if line["description"]:
            values["name"] = line["description"]
        return values
