"""What receipt and shipment confirmations share: their transfer, codes and validation."""

from odoo import _, api, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.errors import MissingReference, PermanentError
from odoo.addons.integration_core.tools.echo import applied_from

KINDS = {"incoming": "receipt", "outgoing": "delivery", "internal": "internal transfer"}


class IntegrationWmsTransfer(models.AbstractModel):
    """Finds the open transfer a confirmation is about and validates it as Odoo does.

    A confirmation names the transfer reference Odoo released (``stock.picking.wms_transfer``);
    of the transfers that carry it (the first one and its backorders) the open one is
    confirmed. An unknown reference parks the message until the transfer is released; a
    reference whose transfers are all done or cancelled is refused.
    """

    _name = "integration.wms.transfer"
    _description = "WMS transfer confirmations"

    @api.model
    def _pickings(self, endpoint, reference):
        """Every transfer of ``reference`` at ``endpoint``; none parks the message."""
        pickings = self.env["stock.picking"].search(
            [("wms_endpoint_id", "=", endpoint.id), ("wms_transfer", "=", reference)], order="id"
        )
        if not pickings:
            raise MissingReference(
                "stock.picking",
                reference,
                f"Transfer {reference} is not released to {endpoint.code}: the confirmation "
                "waits until it is.",
            )
        return pickings

    @api.model
    def _open(self, pickings, codes, subject):
        """The open transfer of ``pickings``, of an operation in ``codes``; else refused."""
        picking = pickings.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        last = pickings[-1:]
        if not picking:
            state = _("cancelled") if last.state == "cancel" else _("done")
            raise PermanentError(
                _(
                    "%(subject)s was refused: transfer %(ref)s is already %(state)s in Odoo.",
                    subject=subject,
                    ref=last.wms_transfer,
                    state=state,
                )
            )
        if picking.picking_type_id.code not in codes:
            raise PermanentError(
                _(
                    "%(subject)s was refused: transfer %(ref)s is a %(kind)s.",
                    subject=subject,
                    ref=picking.wms_transfer,
                    kind=KINDS.get(picking.picking_type_id.code, picking.picking_type_id.code),
                )
            )
        return picking

    @api.model
    def _products(self, endpoint, lines):
        return self.env["integration.record.lookup"]._require_many(
            endpoint, "product.product", {line["product"] for line in lines}
        )

    @api.model
    def _quantity(self, endpoint, quantity, unit_code, product, uom, problems, where):
        """``quantity`` in ``unit_code`` (default: ``uom``) converted to ``uom``."""
        if not unit_code:
            return quantity
        unit = self.env["integration.record.lookup"]._require_many(
            endpoint, "uom.uom", {unit_code}
        )[unit_code]
        if unit.category_id != uom.category_id:
            problems.append(
                _(
                    "%(where)s: unit %(unit)s cannot measure %(product)s",
                    where=where,
                    unit=unit_code,
                    product=product.display_name,
                )
            )
            return None
        return unit._compute_quantity(quantity, uom)

    @api.model
    def _move_of(self, picking, product, problems, where):
        move = picking.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )[:1]
        if not move:
            problems.append(
                _(
                    "%(where)s: %(product)s is not on transfer %(ref)s",
                    where=where,
                    product=product.display_name,
                    ref=picking.wms_transfer,
                )
            )
        return move

    @api.model
    def _check_not_over(self, moves_quantities, limit, problems):
        """Problems for every move given more than ``limit(move)``."""
        for move, quantity in moves_quantities.items():
            most = limit(move)
            if float_compare(quantity, most, precision_rounding=move.product_uom.rounding) > 0:
                problems.append(
                    _(
                        "%(qty)s %(unit)s of %(product)s is more than the %(most)s %(unit)s "
                        "allowed (%(ordered)s ordered)",
                        qty=round(quantity, 6),
                        unit=move.product_uom.name,
                        product=move.product_id.display_name,
                        most=round(most, 6),
                        ordered=move.product_uom_qty,
                    )
                )

    @api.model
    def _refuse(self, problems, subject):
        """Raise one permanent error listing every problem found in a message."""
        if problems:
            raise PermanentError(
                _(
                    "%(subject)s was refused: %(problems)s.",
                    subject=subject,
                    problems="; ".join(problems),
                )
            )

    @api.model
    def _validate(self, endpoint, picking, lines, closed):
        """Validate ``picking`` with exactly ``lines`` (move line values); the rest goes to a
        backorder, or is cancelled when ``closed``. Returns the transfer and its backorder."""
        picking = applied_from(picking, endpoint)
        picking.move_line_ids.unlink()  # the reservation gives way to what really happened
        self.env["stock.move.line"].create(lines)
        picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).picked = True
        result = picking.with_context(
            skip_backorder=True,
            skip_expired=True,
            skip_sms=True,
            picking_ids_not_to_backorder=picking.ids if closed else [],
        ).button_validate()
        if result is not True and picking.state != "done":
            raise PermanentError(
                _(
                    "Odoo could not validate transfer %(ref)s without a person (%(what)s).",
                    ref=picking.name,
                    what=isinstance(result, dict) and result.get("name") or result,
                )
            )
        return picking | picking.backorder_ids
