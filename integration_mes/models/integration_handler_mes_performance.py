"""Inbound ``production.performance``: what the plant produced, consumed and scrapped."""

from odoo import _, api, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.errors import MissingReference, PermanentError

from ..lib import messages


class IntegrationHandlerMesPerformance(models.AbstractModel):
    """Applies a production result to its manufacturing order, once and in sequence (the
    queue applies the flow's sequence gate, keyed by the work order, before this handler).

    Everything in the message is checked before anything is written: an unknown component,
    an unknown lot, a serial number produced before or over-production refuses the whole
    message with one clear exception. Several produced lots (or serial numbers) are produced
    in one manufacturing order each, as Odoo's mass production splits an order.
    """

    _name = "integration.handler.mes.performance"
    _inherit = "integration.handler"
    _description = "MES production result (production.performance)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_performance(message.get_payload_json())
        endpoint = message.endpoint_id
        Performance = self.env["integration.mes.performance"]
        applied = Performance._find(endpoint, data["message_id"])
        if applied:
            return applied
        work_order = self._work_order(endpoint, data["work_order"])
        work_order._lock()
        plan = self._plan(work_order, data)
        return Performance._apply(work_order, data, plan)

    @api.model
    def _work_order(self, endpoint, reference):
        work_order = self.env["integration.mes.work.order"]._find(endpoint, reference)
        if not work_order:
            raise MissingReference(
                "mrp.production",
                reference,
                f"Work order {reference} is not released to {endpoint.code}: the result waits "
                "until it is.",
            )
        return work_order

    # ------------------------------------------------------------------ checks
    @api.model
    def _plan(self, work_order, data):
        """Resolve and check every line; return what to write, or None when nothing is to do."""
        production = work_order._open_production()
        if not production:
            return self._plan_closed(work_order, data)
        problems = []
        plan = {"production": production}
        plan.update(self._plan_produced(work_order, production, data, problems))
        plan["consumed"] = self._plan_consumed(work_order, production, data, problems)
        plan["scrap"] = self._plan_scrap(work_order, production, data, plan, problems)
        plan["operations"] = self._plan_operations(production, data, problems)
        if data["final"] and not plan["produced_qty"] and plan["consumed"]:
            problems.append(
                _("a final result that consumes components must report what it produced")
            )
        self.env["integration.mes.codes"]._refuse(
            problems,
            _("Result %(seq)s of work order %(wo)s", seq=data["sequence"], wo=work_order.name),
        )
        return plan

    @api.model
    def _plan_closed(self, work_order, data):
        """A result for an order with nothing left to produce: a bare completion is a no-op."""
        if work_order.state == "cancelled" or not work_order.production_ids.filtered(
            lambda p: p.state == "done"
        ):
            raise PermanentError(
                _(
                    "Work order %s was cancelled in Odoo: its result cannot be applied.",
                    work_order.name,
                )
            )
        if data["final"] and not (data["produced"] or data["consumed"] or data["scrap"]):
            return None
        raise PermanentError(
            _(
                "Work order %s is already done in Odoo: nothing is left to produce, consume or "
                "scrap on it.",
                work_order.name,
            )
        )

    @api.model
    def _plan_produced(self, work_order, production, data, problems):
        """What was produced, by lot: ``produced`` is a list of (lot name or None, quantity in
        the order's unit) in the reported order; a lot reported on several lines is summed."""
        Codes = self.env["integration.mes.codes"]
        endpoint, product = work_order.endpoint_id, production.product_id
        tracking = product.tracking
        quantity, by_lot = 0.0, {}
        for line in data["produced"]:
            where = _("produced line %s", line["line"] + 1)
            if line["product"] and Codes._product(endpoint, line["product"]) != product:
                problems.append(
                    _(
                        "%(where)s: %(code)s is not the product of the order",
                        where=where,
                        code=line["product"],
                    )
                )
                continue
            qty = Codes._quantity(
                work_order.endpoint_id, line, product, production.product_uom_id, problems, where
            )
            if qty is None:
                continue
            quantity += qty
            lot = line["lot"] if tracking != "none" else None
            if tracking != "none" and not lot:
                problems.append(self._tracking_problem(where, product))
            elif tracking == "serial":
                self._check_serial_line(production, line, qty, by_lot, problems, where)
            by_lot[lot] = by_lot.get(lot, 0.0) + qty
        if tracking == "serial":
            self._check_serials_unused(production, [name for name in by_lot if name], problems)
        self._check_tolerance(work_order, production, quantity, problems)
        return {"produced_qty": quantity, "produced": list(by_lot.items())}

    @api.model
    def _tracking_problem(self, where, product):
        if product.tracking == "serial":
            return _(
                "%(where)s: %(product)s is tracked by serial number: report its serials",
                where=where,
                product=product.display_name,
            )
        return _(
            "%(where)s: %(product)s is tracked by lot: report its lot",
            where=where,
            product=product.display_name,
        )

    @api.model
    def _check_serial_line(self, production, line, qty, seen, problems, where):
        """A serial number is one unit, reported once."""
        rounding = production.product_uom_id.rounding
        if float_compare(qty, 1.0, precision_rounding=rounding) != 0:
            problems.append(
                _(
                    "%(where)s: serial %(serial)s of %(product)s must be one unit, not %(qty)s",
                    where=where,
                    serial=line["lot"],
                    product=production.product_id.display_name,
                    qty=qty,
                )
            )
        if line["lot"] in seen:
            problems.append(
                _("%(where)s: serial %(serial)s is reported twice", where=where, serial=line["lot"])
            )

    @api.model
    def _check_serials_unused(self, production, names, problems):
        """Odoo's rule: a serial number is produced once. One in stock or already produced by
        a manufacturing order is refused."""
        product = production.product_id
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "in", names),
                ("company_id", "in", (production.company_id.id, False)),
            ]
        )
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", lots.ids),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )
        for lot in lots.sorted(lambda lot: names.index(lot.name)):
            quant = quants.filtered(lambda q, lot=lot: q.lot_id == lot)[:1]
            if quant:
                problems.append(
                    _(
                        "serial %(serial)s of %(product)s is already in stock (%(location)s)",
                        serial=lot.name,
                        product=product.display_name,
                        location=quant.location_id.display_name,
                    )
                )
            elif production._is_finished_sn_already_produced(lot):
                problems.append(
                    _(
                        "serial %(serial)s of %(product)s has already been produced",
                        serial=lot.name,
                        product=product.display_name,
                    )
                )

    @api.model
    def _check_tolerance(self, work_order, production, quantity, problems):
        uom = production.product_id.uom_id
        produced = work_order._produced_quantity() + production.product_uom_id._compute_quantity(
            quantity, uom
        )
        planned = work_order._planned_quantity()
        tolerance = work_order.endpoint_id.mes_overproduction_tolerance
        limit = planned * (1 + tolerance / 100.0)
        if float_compare(produced, limit, precision_rounding=uom.rounding) > 0:
            problems.append(
                _(
                    "over-production: %(produced)s %(uom)s produced in all, %(planned)s planned, "
                    "tolerance %(tolerance)s%%",
                    produced=produced,
                    uom=uom.name,
                    planned=planned,
                    tolerance=tolerance,
                )
            )

    @api.model
    def _plan_consumed(self, work_order, production, data, problems):
        Codes = self.env["integration.mes.codes"]
        endpoint = work_order.endpoint_id
        moves = production.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        consumed = []
        for index, line in enumerate(data["consumed"]):
            where = _("consumed line %s", index + 1)
            product = Codes._product(endpoint, line["product"])
            move = moves.filtered(lambda m, p=product: m.product_id == p)[:1]
            if not product or not move:
                problems.append(
                    _(
                        "%(where)s: %(code)s is not a component of order %(wo)s",
                        where=where,
                        code=line["product"],
                        wo=work_order.name,
                    )
                )
                continue
            qty = Codes._quantity(
                work_order.endpoint_id, line, product, move.product_uom, problems, where
            )
            lot = self._existing_lot(product, line, production, problems, where)
            if qty is not None and lot is not False:
                consumed.append((move, qty, lot))
        return consumed

    @api.model
    def _existing_lot(self, product, line, production, problems, where):
        """The lot of a tracked product (empty when untracked), False after a problem."""
        if product.tracking == "none":
            return self.env["stock.lot"]
        if not line["lot"]:
            problems.append(
                _(
                    "%(where)s: %(product)s is tracked by lot: report its lot",
                    where=where,
                    product=product.display_name,
                )
            )
            return False
        lot = self.env["integration.mes.codes"]._lot(
            production.mes_work_order_id.endpoint_id, product, line["lot"]
        )
        if not lot:
            problems.append(
                _(
                    "%(where)s: unknown lot %(lot)s of %(product)s",
                    where=where,
                    lot=line["lot"],
                    product=product.display_name,
                )
            )
            return False
        return lot

    @api.model
    def _plan_scrap(self, work_order, production, data, plan, problems):
        Codes = self.env["integration.mes.codes"]
        endpoint = work_order.endpoint_id
        components = production.move_raw_ids.product_id
        scrap, finished_qty = [], 0.0
        produced_lots = {name for name, _qty in plan["produced"] if name}
        for index, line in enumerate(data["scrap"]):
            where = _("scrap line %s", index + 1)
            product = Codes._product(endpoint, line["product"])
            finished = product == production.product_id
            if not product or not (finished or product in components):
                problems.append(
                    _(
                        "%(where)s: %(code)s is neither the product nor a component of order "
                        "%(wo)s",
                        where=where,
                        code=line["product"],
                        wo=work_order.name,
                    )
                )
                continue
            qty = Codes._quantity(
                work_order.endpoint_id, line, product, product.uom_id, problems, where
            )
            if finished and product.tracking != "none" and line["lot"] in produced_lots:
                lot = line["lot"]  # produced by this very result
            else:
                lot = self._existing_lot(product, line, production, problems, where)
            if qty is None or lot is False:
                continue
            finished_qty += qty if finished else 0.0
            scrap.append(
                {
                    "product": product,
                    "qty": qty,
                    "lot": lot,
                    "reason": line["reason"],
                    "finished": finished,
                }
            )
        self._check_finished_scrap(work_order, production, plan, finished_qty, problems)
        return scrap

    @api.model
    def _check_finished_scrap(self, work_order, production, plan, finished_qty, problems):
        uom = production.product_id.uom_id
        made = work_order._produced_quantity() + production.product_uom_id._compute_quantity(
            plan["produced_qty"], uom
        )
        if float_compare(finished_qty, made, precision_rounding=uom.rounding) > 0:
            problems.append(
                _(
                    "%(scrap)s %(uom)s of the product scrapped but only %(made)s produced",
                    scrap=finished_qty,
                    uom=uom.name,
                    made=made,
                )
            )

    @api.model
    def _plan_operations(self, production, data, problems):
        times = []
        for index, line in enumerate(data["operations"]):
            workorder = production.workorder_ids.filtered(
                lambda w, ref=line["operation_id"]: ref == str(w.operation_id.id or w.id)
            )[:1]
            if not workorder:
                problems.append(
                    _(
                        "operation line %(n)s: order %(mo)s has no operation %(op)s",
                        n=index + 1,
                        mo=production.name,
                        op=line["operation_id"],
                    )
                )
                continue
            times.append((workorder, line["start"], line["end"]))
        return times
