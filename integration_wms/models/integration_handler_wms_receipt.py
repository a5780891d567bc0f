"""Inbound ``receipt.confirmation``: what a receipt really brought in."""

from odoo import _, api, models

from ..lib import messages


class IntegrationHandlerWmsReceipt(models.AbstractModel):
    """Validates the open receipt of a transfer with the quantities the WMS received.

    Applied once and, per transfer, in the order of its sequence (the core's sequence gate).
    Everything is checked before anything is written: a product not on the receipt, a tracked
    product without lots, damaged goods without a damaged-goods location on the routing rule,
    or more than ordered beyond the rule's over-receipt tolerance refuse the whole message.
    Good quantities go to the receipt's destination, damaged ones to the rule's damaged-goods
    location; new lots are created with their expiry date. The rest of the receipt goes to a
    backorder (same transfer reference), or is cancelled when the WMS says ``closed``.
    """

    _name = "integration.handler.wms.receipt"
    # The CSV payload mixin first: its _payload_json comes before the handler's.
    _inherit = ["integration.wms.csv.payload", "integration.handler"]
    _description = "WMS receipt confirmation (receipt.confirmation)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_receipt(self._payload_json(message))
        endpoint = message.endpoint_id
        Transfer = self.env["integration.wms.transfer"]
        pickings = Transfer._pickings(endpoint, data["transfer"])
        subject = _(
            "Receipt confirmation %(seq)s of %(ref)s", seq=data["sequence"], ref=data["transfer"]
        )
        picking = Transfer._open(pickings, ("incoming",), subject)
        lines = self._plan(endpoint, picking, data, subject)
        done = Transfer._validate(endpoint, picking, lines, data["closed"])
        return done

    @api.model
    def _plan(self, endpoint, picking, data, subject):
        """The move lines to validate with; refuses the message with every problem found."""
        Transfer = self.env["integration.wms.transfer"]
        products = Transfer._products(endpoint, data["lines"])
        route = picking.wms_route_id
        problems, lines, received = [], [], {}
        for number, line in enumerate(data["lines"]):
            where = f"lines[{number}]"
            product = products[line["product"]]
            move = Transfer._move_of(picking, product, problems, where)
            if not move:
                continue
            factor = Transfer._quantity(
                endpoint, 1.0, line["unit"], product, move.product_uom, problems, where
            )
            if factor is None:
                continue
            good = self._good_lines(endpoint, move, line, factor, problems, where)
            damaged = self._damaged_lines(endpoint, move, line, factor, route, problems, where)
            lines += good + damaged
            received[move] = received.get(move, 0.0) + sum(
                values["quantity"] for values in good + damaged
            )
        Transfer._check_not_over(
            received, lambda move: route._receivable(move.product_uom_qty), problems
        )
        Transfer._refuse(problems, subject)
        for values in lines:
            name, expiration_date = values.pop("lot", (None, None))
            if name:
                values["lot_id"] = self._lot(picking, values["product_id"], name, expiration_date)
        return lines

    @api.model
    def _line(self, move, quantity, location=None):
        return {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
            "location_id": move.location_id.id,
            "location_dest_id": (location or move.location_dest_id).id,
            "quantity": quantity,
            "picked": True,
        }

    @api.model
    def _good_lines(self, endpoint, move, line, factor, problems, where):
        quantity = line["quantity"] * factor
        if not quantity:
            return []
        if move.product_id.tracking == "none":
            return [self._line(move, quantity)]
        if not line["lots"]:
            problems.append(
                _(
                    "%(where)s: %(product)s is tracked by lot or serial: list its lots",
                    where=where,
                    product=move.product_id.display_name,
                )
            )
            return []
        result = []
        for lot in line["lots"]:
            if move.product_id.tracking == "serial" and lot["quantity"] * factor != 1:
                problems.append(
                    _("%(where)s: serial %(lot)s must be one unit", where=where, lot=lot["lot"])
                )
                continue
            values = self._line(move, lot["quantity"] * factor)
            values["lot"] = (lot["lot"], lot["expiration_date"])
            result.append(values)
        return result

    @api.model
    def _damaged_lines(self, endpoint, move, line, factor, route, problems, where):
        if not line["damaged"]:
            return []
        if not route.damaged_location_id:
            problems.append(
                _(
                    "%(where)s: damaged goods are reported but routing rule of %(wms)s names "
                    "no damaged-goods location",
                    where=where,
                    wms=endpoint.code,
                )
            )
            return []
        result = []
        for entry in line["damaged"]:
            values = self._line(move, entry["quantity"] * factor, route.damaged_location_id)
            if move.product_id.tracking != "none":
                if not entry["lot"]:
                    problems.append(_("%(where)s: the damaged quantity needs its lot", where=where))
                    continue
                values["lot"] = (entry["lot"], None)
            result.append(values)
        return result

    @api.model
    def _lot(self, picking, product_id, name, expiration_date):
        """The id of lot ``name`` of the product, created when new (with its expiry date)."""
        Lot = self.env["stock.lot"]
        company = picking.company_id
        lot = Lot.search(
            [
                ("product_id", "=", product_id),
                ("name", "=", name),
                ("company_id", "in", (company.id, False)),
            ],
            limit=1,
        )
        if not lot:
            lot = Lot.create({"product_id": product_id, "name": name, "company_id": company.id})
        if expiration_date and not lot.expiration_date:
            lot.expiration_date = expiration_date
        return lot.id
