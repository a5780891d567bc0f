"""Inbound ``shipment.confirmation``: what a delivery really shipped, in which packages."""

from odoo import _, api, models

from odoo.addons.integration_core.tools.echo import applied_from

from ..lib import messages


class IntegrationHandlerWmsShipment(models.AbstractModel):
    """Validates the open delivery (or internal transfer) of a transfer with what the WMS
    shipped: per line the quantity, lot and package. Packages are named by their SSCC; the
    carrier's tracking reference and the weight go on the transfer.

    Applied once and in sequence per transfer. A product not on the transfer, an unknown lot
    of a tracked product (parks), a tracked product without a lot, or more than ordered refuse
    the whole message. The rest goes to a backorder, or is cancelled when ``closed``.
    """

    _name = "integration.handler.wms.shipment"
    # The CSV payload mixin first: its _payload_json comes before the handler's.
    _inherit = ["integration.wms.csv.payload", "integration.handler"]
    _description = "WMS shipment confirmation (shipment.confirmation)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_shipment(self._payload_json(message))
        endpoint = message.endpoint_id
        Transfer = self.env["integration.wms.transfer"]
        pickings = Transfer._pickings(endpoint, data["transfer"])
        subject = _(
            "Shipment confirmation %(seq)s of %(ref)s", seq=data["sequence"], ref=data["transfer"]
        )
        picking = Transfer._open(pickings, ("outgoing", "internal"), subject)
        lines = self._plan(endpoint, picking, data, subject)
        applied_from(picking, endpoint).sudo().write(
            {
                "wms_tracking_ref": data["tracking_reference"] or picking.wms_tracking_ref,
                "wms_shipping_weight": data["weight_kg"] or picking.wms_shipping_weight,
                "wms_carrier": data["carrier"] or picking.wms_carrier,
            }
        )
        done = Transfer._validate(endpoint, picking, lines, data["closed"])
        return done

    @api.model
    def _plan(self, endpoint, picking, data, subject):
        """The move lines to validate with; refuses the message with every problem found."""
        Transfer = self.env["integration.wms.transfer"]
        products = Transfer._products(endpoint, data["lines"])
        lots = self._lots(endpoint, data["lines"], products)
        locations = self._require_many(
            endpoint, "stock.location", {line["location"] for line in data["lines"]} - {None}
        )
        problems, lines, shipped = [], [], {}
        for number, line in enumerate(data["lines"]):
            where = f"lines[{number}]"
            product = products[line["product"]]
            move = Transfer._move_of(picking, product, problems, where)
            if not move:
                continue
            quantity = Transfer._quantity(
                endpoint, line["quantity"], line["unit"], product, move.product_uom, problems, where
            )
            if quantity is None:
                continue
            if product.tracking != "none" and not line["lot"]:
                problems.append(
                    _(
                        "%(where)s: %(product)s is tracked by lot or serial: give its lot",
                        where=where,
                        product=product.display_name,
                    )
                )
                continue
            location = locations.get(line["location"]) or move.location_id
            lines.append(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": location.id,
                    "location_dest_id": move.location_dest_id.id,
                    "lot_id": lots.get((product.id, line["lot"]), self.env["stock.lot"]).id,
                    "quantity": quantity,
                    "picked": True,
                    "package": line["package"],
                }
            )
            shipped[move] = shipped.get(move, 0.0) + quantity
        Transfer._check_not_over(shipped, lambda move: move.product_uom_qty, problems)
        Transfer._refuse(problems, subject)
        packages = self._packages({values["package"] for values in lines} - {None})
        for values in lines:
            package = values.pop("package")
            values["result_package_id"] = packages[package].id if package else False
        return lines

    @api.model
    def _lots(self, endpoint, lines, products):
        """``{(product id, lot name): lot}`` of the tracked lines; an unknown lot parks."""
        names = {}
        for line in lines:
            product = products[line["product"]]
            if line["lot"] and product.tracking != "none":
                names.setdefault(product, set()).add(line["lot"])
        found = {}
        for product, product_lots in names.items():
            lots = self._require_many(
                endpoint, "stock.lot", product_lots, domain=[("product_id", "=", product.id)]
            )
            found.update({(product.id, name): lot for name, lot in lots.items()})
        return found

    @api.model
    def _packages(self, names):
        """``{SSCC: package}``, the empty packages of those names reused, others created."""
        Package = self.env["stock.quant.package"]
        existing = Package.search([("name", "in", list(names)), ("quant_ids", "=", False)])
        packages = {package.name: package for package in existing}
        for name in sorted(names - set(packages)):
            packages[name] = Package.create({"name": name})
        return packages
