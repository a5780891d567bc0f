"""A production result from the MES, applied once to its manufacturing order."""

from odoo import _, api, fields, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.errors import PermanentError

from .mrp_production import INBOUND_CONTEXT


class IntegrationMesPerformance(models.Model):
    """The record of one applied ``production.performance`` message and of what it did.

    Its ``message_id`` is unique per MES: the same result is never applied twice, whatever
    way it is delivered again.
    """

    _name = "integration.mes.performance"
    _description = "MES Production Result"
    _order = "work_order_id, sequence"
    _rec_name = "message_id"

    message_id = fields.Char(required=True, readonly=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", string="MES", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    work_order_id = fields.Many2one(
        "integration.mes.work.order", required=True, readonly=True, ondelete="cascade", index=True
    )
    production_id = fields.Many2one("mrp.production", readonly=True)
    sequence = fields.Integer(readonly=True)
    final = fields.Boolean(readonly=True)
    qty_produced = fields.Float(readonly=True, digits="Product Unit of Measure")
    lot_id = fields.Many2one("stock.lot", string="Produced lot", readonly=True)
    scrap_ids = fields.Many2many("stock.scrap", readonly=True)
    time_ids = fields.Many2many(
        "mrp.workcenter.productivity", string="Operation times", readonly=True
    )

    _sql_constraints = [
        (
            "message_unique",
            "unique(endpoint_id, message_id)",
            "A production result is applied once per MES.",
        ),
    ]

    @api.model
    def _find(self, endpoint, message_id):
        return self.search(
            [("endpoint_id", "=", endpoint.id), ("message_id", "=", message_id)], limit=1
        )

    @api.model
    def _apply(self, work_order, data, plan):
        """Write a checked ``plan`` (see the performance handler) and record it."""
        values = {
            "message_id": data["message_id"],
            "endpoint_id": work_order.endpoint_id.id,
            "work_order_id": work_order.id,
            "sequence": data["sequence"],
            "final": data["final"],
        }
        if plan is None:
            return self.create(values)
        production = plan["production"].with_context(**{INBOUND_CONTEXT: True})
        times = self._log_times(plan["operations"], data["message_id"])
        self._add_consumption(production, plan["consumed"])
        lot = self._produced_lot(production, plan["produced_lot"])
        if plan["produced_qty"]:
            self._produce(production, plan["produced_qty"], lot, data["final"])
        elif data["final"]:
            production.action_cancel()
        scraps = self._scrap(production, plan["scrap"], lot, data["message_id"])
        if data["final"] or not work_order._open_production():
            work_order.state = "completed"
        return self.create(
            dict(
                values,
                production_id=production.id,
                qty_produced=plan["produced_qty"],
                lot_id=lot.id,
                scrap_ids=[fields.Command.set(scraps.ids)],
                time_ids=[fields.Command.set(times.ids)],
            )
        )

    @api.model
    def _log_times(self, operations, message_id):
        loss = self.env["mrp.workcenter.productivity.loss"].search(
            [("loss_type", "=", "productive")], limit=1
        )
        description = _("MES result %s", message_id)
        return self.env["mrp.workcenter.productivity"].create(
            [
                {
                    "workorder_id": workorder.id,
                    "workcenter_id": workorder.workcenter_id.id,
                    "company_id": workorder.company_id.id,
                    "loss_id": loss.id,
                    "date_start": start,
                    "date_end": end,
                    "description": description,
                }
                for workorder, start, end in operations
            ]
        )

    @api.model
    def _add_consumption(self, production, consumed):
        """Reported consumption replaces the reservations: only what the MES used is posted."""
        if not consumed:
            return
        open_moves = production.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        open_moves.move_line_ids.filtered(lambda line: not line.picked).unlink()
        MoveLine = self.env["stock.move.line"]
        for move, quantity, lot in consumed:
            MoveLine.create(
                {
                    "move_id": move.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "quantity": quantity,
                    "lot_id": lot.id,
                    "location_id": self._source_location(move, lot).id,
                    "location_dest_id": move.location_dest_id.id,
                    "picked": True,
                }
            )
            move.picked = True

    @api.model
    def _source_location(self, move, lot):
        """Where the consumed lot is: the component location or one of its sub-locations."""
        if lot:
            quant = self.env["stock.quant"].search(
                [
                    ("product_id", "=", move.product_id.id),
                    ("lot_id", "=", lot.id),
                    ("location_id", "child_of", move.location_id.id),
                    ("quantity", ">", 0),
                ],
                limit=1,
            )
            if quant:
                return quant.location_id
        return move.location_id

    @api.model
    def _produced_lot(self, production, name):
        if not name:
            return self.env["stock.lot"]
        Codes = self.env["integration.mes.codes"]
        return Codes._lot(production.product_id, name, production.company_id) or self.env[
            "stock.lot"
        ].create(
            {
                "name": name,
                "product_id": production.product_id.id,
                "company_id": production.company_id.id,
            }
        )

    @api.model
    def _produce(self, production, quantity, lot, final):
        """Produce ``quantity`` as Odoo does: done, with a backorder for the rest unless final."""
        rounding = production.product_uom_id.rounding
        # A component the MES did not report was not used: picked with nothing on it, Odoo
        # neither consumes it by the bill of materials nor on finishing the work orders.
        unreported = production.move_raw_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and not m.picked
        )
        unreported.move_line_ids.unlink()
        unreported.picked = True
        production.qty_producing = quantity
        if lot:
            production.lot_producing_id = lot
        backorder = (
            not final
            and float_compare(quantity, production.product_qty, precision_rounding=rounding) < 0
        )
        production.with_context(
            skip_consumption=True,
            skip_backorder=True,
            mo_ids_to_backorder=production.ids if backorder else [],
            skip_redirection=True,
        ).button_mark_done()
        if production.state != "done":
            raise PermanentError(
                _("Odoo could not finish %s with the reported quantities.", production.name)
            )

    @api.model
    def _scrap(self, production, lines, produced_lot, message_id):
        Scrap = self.env["stock.scrap"]
        scraps = Scrap
        for line in lines:
            lot = line["lot"]
            if isinstance(lot, str):
                lot = produced_lot
            location = (
                production.location_dest_id if line["finished"] else (production.location_src_id)
            )
            scraps |= Scrap.create(
                {
                    "product_id": line["product"].id,
                    "product_uom_id": line["product"].uom_id.id,
                    "scrap_qty": line["qty"],
                    "lot_id": lot.id,
                    "production_id": production.id,
                    "location_id": location.id,
                    "company_id": production.company_id.id,
                    "origin": message_id,
                    "scrap_reason_tag_ids": self._reason_tags(line["reason"]),
                }
            )
        scraps.do_scrap()
        return scraps

    @api.model
    def _reason_tags(self, reason):
        if not reason:
            return []
        Tag = self.env["stock.scrap.reason.tag"]
        tag = Tag.search([("name", "=", reason)], limit=1) or Tag.create({"name": reason})
        return [fields.Command.set(tag.ids)]
