"""A production result from the MES, applied once to its manufacturing order."""

from odoo import _, api, fields, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.errors import PermanentError
from odoo.addons.integration_core.tools.echo import applied_from

from ..lib.distribution import consecutive_intervals, proportional


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
    production_ids = fields.Many2many(
        "mrp.production",
        string="Manufacturing orders",
        readonly=True,
        help="The orders this result produced: one per produced lot or serial number.",
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Produced lot", readonly=True, help="The first produced lot."
    )
    lot_ids = fields.Many2many("stock.lot", string="Produced lots", readonly=True)
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
        production = applied_from(plan["production"], work_order.endpoint_id)
        runs = [(self._produced_lot(production, name), qty) for name, qty in plan["produced"]]
        productions = self._split_by_lot(production, runs, data["final"])
        weights = [qty for _lot, qty in runs] or [1.0]
        times = self._log_times(productions, plan["operations"], weights, data["message_id"])
        self._add_consumption(productions, plan["consumed"], weights)
        if runs:
            self._produce(productions, runs, data["final"])
        elif data["final"]:
            production.action_cancel()
        rest = work_order._open_production()
        if len(runs) > 1 and rest.picking_type_id.reservation_method == "at_confirm":
            rest.action_assign()  # what the split productions did not use, as Odoo does
        lots = self.env["stock.lot"].concat(*(lot for lot, _qty in runs))
        scraps = self._scrap(productions, runs, plan["scrap"], data["message_id"])
        if data["final"] or not work_order._open_production():
            work_order.state = "completed"
        return self.create(
            dict(
                values,
                production_id=productions[:1].id,
                production_ids=[fields.Command.set(productions.ids)],
                qty_produced=plan["produced_qty"],
                lot_id=lots[:1].id,
                lot_ids=[fields.Command.set(lots.ids)],
                scrap_ids=[fields.Command.set(scraps.ids)],
                time_ids=[fields.Command.set(times.ids)],
            )
        )

    @api.model
    def _split_by_lot(self, production, runs, final):
        """One production per produced lot, as Odoo's mass production does (``_split_productions``):
        the first lot keeps the order, each other lot gets a backorder of its quantity, and what
        is left becomes one more backorder unless the result is final. Returns the productions
        of the lots, in the reported order; a single lot is left to ``_produce``."""
        if len(runs) < 2:
            return production
        amounts = [qty for _lot, qty in runs]
        over = (
            float_compare(
                sum(amounts),
                production.product_qty,
                precision_rounding=production.product_uom_id.rounding,
            )
            > 0
        )
        productions = production.with_context(allow_more=over)._split_productions(
            {production: amounts}, cancel_remaining_qty=final
        )
        return productions[: len(runs)]

    @api.model
    def _log_times(self, productions, operations, weights, message_id):
        """Operation times on the work orders; a run of several lots is cut in consecutive
        intervals in proportion to each lot's quantity, one per production."""
        loss = self.env["mrp.workcenter.productivity.loss"].search(
            [("loss_type", "=", "productive")], limit=1
        )
        description = _("MES result %s", message_id)
        first = productions[:1].workorder_ids.sorted("id")
        values = []
        for workorder, start, end in operations:
            position = list(first).index(workorder) if workorder in first else None
            intervals = consecutive_intervals(start, end, weights)
            for production, (begin, stop) in zip(productions, intervals, strict=False):
                ordered = production.workorder_ids.sorted("id")
                target = ordered[position] if position is not None else workorder
                values.append(
                    {
                        "workorder_id": target.id,
                        "workcenter_id": target.workcenter_id.id,
                        "company_id": target.company_id.id,
                        "loss_id": loss.id,
                        "date_start": begin,
                        "date_end": stop,
                        "description": description,
                    }
                )
        return self.env["mrp.workcenter.productivity"].create(values)

    @api.model
    def _add_consumption(self, productions, consumed, weights):
        """Reported consumption replaces the reservations: only what the MES used is posted.

        Split productions share each reported line in proportion to their quantity (the
        totals stay exactly as reported): every produced lot is traced to every component
        lot the run consumed, which is what a recall needs."""
        if not consumed:
            return
        open_moves = productions.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        open_moves.move_line_ids.filtered(lambda line: not line.picked).unlink()
        values, picked = [], self.env["stock.move"]
        for reported, quantity, lot in consumed:
            shares = proportional(quantity, weights, reported.product_uom.rounding)
            for production, share in zip(productions, shares, strict=False):
                move = open_moves.filtered(
                    lambda m, p=production, r=reported: (
                        m.raw_material_production_id == p and m.product_id == r.product_id
                    )
                )[:1]
                if not share or not move:
                    continue
                values.append(
                    {
                        "move_id": move.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "quantity": share,
                        "lot_id": lot.id,
                        "location_id": self._source_location(move, lot).id,
                        "location_dest_id": move.location_dest_id.id,
                        "picked": True,
                    }
                )
                picked |= move
        self.env["stock.move.line"].create(values)
        picked.picked = True

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
        return Codes._lot(
            production.mes_work_order_id.endpoint_id, production.product_id, name
        ) or self.env["stock.lot"].create(
            {
                "name": name,
                "product_id": production.product_id.id,
                "company_id": production.company_id.id,
            }
        )

    @api.model
    def _produce(self, productions, runs, final):
        """Produce as Odoo does: each production its lot and quantity, marked done. A single
        production short of its plan gets a backorder for the rest unless the result is final
        (split productions already have theirs, from ``_split_by_lot``)."""
        # A component the MES did not report was not used: picked with nothing on it, Odoo
        # neither consumes it by the bill of materials nor on finishing the work orders.
        unreported = productions.move_raw_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and not m.picked
        )
        unreported.move_line_ids.unlink()
        unreported.picked = True
        for production, (lot, quantity) in zip(productions, runs, strict=True):
            production.qty_producing = quantity
            if lot:
                production.lot_producing_id = lot
        backorder = (
            len(productions) == 1
            and not final
            and float_compare(
                runs[0][1],
                productions.product_qty,
                precision_rounding=productions.product_uom_id.rounding,
            )
            < 0
        )
        productions.with_context(
            skip_consumption=True,
            skip_backorder=True,
            mo_ids_to_backorder=productions.ids if backorder else [],
            skip_redirection=True,
        ).button_mark_done()
        unfinished = productions.filtered(lambda p: p.state != "done")
        if unfinished:
            raise PermanentError(
                _(
                    "Odoo could not finish %s with the reported quantities.",
                    ", ".join(unfinished.mapped("name")),
                )
            )

    @api.model
    def _scrap(self, productions, runs, lines, message_id):
        """Scrap orders on the production of the scrapped lot (components: the first one)."""
        by_lot = {
            lot.name: (production, lot)
            for production, (lot, _qty) in zip(productions, runs, strict=False)
        }
        Scrap = self.env["stock.scrap"]
        scraps = Scrap
        for line in lines:
            production, lot = productions[:1], line["lot"]
            if isinstance(lot, str):
                production, lot = by_lot[lot]
            location = (
                production.location_dest_id if line["finished"] else production.location_src_id
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
