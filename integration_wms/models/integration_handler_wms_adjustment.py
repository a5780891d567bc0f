"""Inbound ``stock.adjustment``: a quantity the WMS found more or less in a location."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import MissingReference, PermanentError
from odoo.addons.integration_core.tools.echo import applied_from

from ..lib import messages

# The endpoint's value map of reason codes (optional): WMS code -> the reason Odoo shows.
REASON_MAP = "wms_adjustment_reason"


class IntegrationHandlerWmsAdjustment(models.AbstractModel):
    """Applies a WMS adjustment as an inventory adjustment of the quant: today's quantity
    plus the delta, applied at once (a stock move from or to the inventory-loss location
    named after the reason). Applied once per message (its message id). The reason code goes
    through the endpoint's value map ``wms_adjustment_reason`` when it has one (an unknown
    code is then refused); without one it is shown as received. An unknown product, location
    or lot parks the message until it is known.
    """

    _name = "integration.handler.wms.adjustment"
    # The CSV payload mixin first: its _payload_json comes before the handler's.
    _inherit = ["integration.wms.csv.payload", "integration.handler"]
    _description = "WMS stock adjustment (stock.adjustment)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_adjustment(self._payload_json(message))
        endpoint = message.endpoint_id
        Transfer = self.env["integration.wms.transfer"]
        product = Transfer._products(endpoint, [data])[data["product"]]
        location = self._require_many(endpoint, "stock.location", {data["location"]})[
            data["location"]
        ]
        subject = _("Stock adjustment %s", data["adjustment_id"] or data["message_id"])
        problems = []
        if location.usage != "internal":
            problems.append(_("location %s is not a stock location", data["location"]))
        if not product.is_storable:
            problems.append(_("%s is not tracked in stock", product.display_name))
        lot = self._lot(endpoint, product, data["lot"], problems)
        delta = Transfer._quantity(
            endpoint,
            data["quantity_delta"],
            data["unit"],
            product,
            product.uom_id,
            problems,
            "quantity_delta",
        )
        Transfer._refuse(problems, subject)
        reason = self._reason(endpoint, message.flow_id, data["reason"])
        return self._apply(endpoint, product, location, lot, delta, reason, subject)

    @api.model
    def _lot(self, endpoint, product, name, problems):
        Lot = self.env["stock.lot"]
        if product.tracking == "none":
            if name:
                problems.append(_("%s is not tracked by lot", product.display_name))
            return Lot
        if not name:
            problems.append(_("%s is tracked by lot or serial: give its lot", product.display_name))
            return Lot
        lot = self.env["integration.record.lookup"]._find(
            endpoint, "stock.lot", name, domain=[("product_id", "=", product.id)]
        )
        if not lot:
            raise MissingReference("stock.lot", name)
        return lot

    @api.model
    def _reason(self, endpoint, flow, code):
        ValueMap = self.env["integration.value.map"]
        if not ValueMap._find_table(endpoint, REASON_MAP, flow):
            return code
        return ValueMap._translate(endpoint, REASON_MAP, code, flow=flow)

    @api.model
    def _apply(self, endpoint, product, location, lot, delta, reason, subject):
        """The quant gets ``delta`` more through an applied inventory adjustment; its move."""
        Quant = applied_from(self.env["stock.quant"], endpoint).with_company(location.company_id)
        quant = Quant._gather(product, location, lot_id=lot or None, strict=True).filtered(
            lambda q: not q.package_id and not q.owner_id
        )[:1]
        if not quant:
            quant = Quant.create(
                {"product_id": product.id, "location_id": location.id, "lot_id": lot.id}
            )
        quant.inventory_quantity = quant.quantity + delta
        name = _("%(subject)s: %(reason)s", subject=subject, reason=reason)
        action = quant.with_context(inventory_name=name).action_apply_inventory()
        if action:  # Odoo asks a person first (e.g. a serial number already in stock)
            raise PermanentError(
                _(
                    "%(subject)s needs a person in Odoo: %(what)s",
                    subject=subject,
                    what=action.get("name"),
                )
            )
        return self.env["stock.move"].search(
            [("product_id", "=", product.id), ("reference", "=", name)], order="id desc", limit=1
        )
