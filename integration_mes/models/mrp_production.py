"""Manufacturing orders go down to their MES: release when confirmed, update, cancel."""

from odoo import _, fields, models

UPDATE_FIELDS = {"product_qty", "date_start", "date_finished", "priority"}
# Set while an MES result is applied: its effects on the order are not news for the MES.
INBOUND_CONTEXT = "mes_inbound"


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    mes_work_order_id = fields.Many2one(
        "integration.mes.work.order",
        string="MES work order",
        readonly=True,
        index="btree_not_null",
        help="The work order the MES knows; backorders keep it.",
    )
    mes_endpoint_id = fields.Many2one(related="mes_work_order_id.endpoint_id", string="MES")

    def action_confirm(self):
        result = super().action_confirm()
        self._mes_release()
        return result

    def write(self, vals):
        result = super().write(vals)
        if UPDATE_FIELDS & set(vals) and not self.env.context.get(INBOUND_CONTEXT):
            self.filtered(
                lambda p: (
                    p.state not in ("draft", "done", "cancel")
                    and p.mes_work_order_id.state == "released"
                )
            )._mes_send("work_order.update")
        return result

    def action_cancel(self):
        result = super().action_cancel()
        if not self.env.context.get(INBOUND_CONTEXT):
            self._mes_cancel()
        return result

    # ------------------------------------------------------------------ events
    def _mes_release(self):
        """Create the MES work order of each newly confirmed order that a rule routes."""
        WorkOrder = self.env["integration.mes.work.order"].sudo()
        Route = self.env["integration.mes.route"].sudo()
        for production in self.filtered(lambda p: not p.mes_work_order_id and p.state != "draft"):
            endpoint = Route._endpoint_for(production)
            if not endpoint:
                continue
            production.mes_work_order_id = WorkOrder.create(
                {
                    "name": production.name,
                    "endpoint_id": endpoint.id,
                    "product_id": production.product_id.id,
                }
            )
            production._mes_send("work_order.release")
            # Results the MES sent before the release reached it were parked: go on.
            self.env["integration.message"].sudo()._resume_waiting(
                "mrp.production", [production.name], endpoint=endpoint
            )

    def _mes_cancel(self):
        """Tell the MES when nothing of a work order is left to produce."""
        for work_order in self.mes_work_order_id.filtered(lambda w: w.state == "released"):
            if work_order._open_production():
                continue
            cancelled = self.filtered(lambda p, wo=work_order: p.mes_work_order_id == wo)
            cancelled[:1]._mes_send("work_order.cancel")
            done = work_order.production_ids.filtered(lambda p: p.state == "done")
            work_order.sudo().state = "completed" if done else "cancelled"

    def _mes_send(self, message_type):
        """Queue ``message_type`` for each order on its MES's active outbound flow."""
        Message = self.env["integration.message"].sudo()
        for production in self:
            work_order = production.mes_work_order_id.sudo()
            flow = work_order.endpoint_id.flow_ids.filtered(
                lambda f, code=message_type: (
                    f.code == code and f.direction == "outbound" and f.state == "active"
                )
            )[:1]
            if not flow:
                production.message_post(
                    body=_(
                        "Not sent to %(mes)s: it has no active outbound flow %(flow)s.",
                        mes=work_order.endpoint_id.display_name,
                        flow=message_type,
                    )
                )
                continue
            sequence = work_order._next_outbound_sequence()
            payload = production._mes_payload(work_order, message_type, sequence)
            Message.enqueue(
                flow,
                payload,
                idempotency_key=payload["message_id"],
                ordering_key=work_order.name,
                sequence=sequence,
            )

    # ------------------------------------------------------------------ payload
    def _mes_payload(self, work_order, message_type, sequence):
        """The work order as the MES receives it (ISA-95 production schedule, flattened)."""
        self.ensure_one()
        payload = {
            "message_id": f"odoo:{work_order.name}:{sequence}",
            "message_type": message_type,
            "sent_at": None,
            "work_order": work_order.name,
            "sequence": sequence,
        }
        if message_type == "work_order.cancel":
            return dict(payload, reason=_("Cancelled in Odoo"))
        endpoint = work_order.endpoint_id
        Codes = self.env["integration.mes.codes"]
        uom = self.product_id.uom_id
        return dict(
            payload,
            product={
                "code": Codes._product_code(endpoint, self.product_id),
                "name": self.product_id.name,
                "revision": self.bom_id.code or None,
            },
            quantity=work_order._planned_quantity(),
            quantity_produced=work_order._produced_quantity(),
            uom=uom.name,
            planned_start=_iso(self.date_start),
            planned_end=_iso(self.date_finished),
            priority=int(self.priority or 0),
            warehouse=self.picking_type_id.warehouse_id.code,
            operations=[
                {
                    "operation_id": str(workorder.operation_id.id or workorder.id),
                    "sequence": index,
                    "name": workorder.name,
                    "work_center": workorder.workcenter_id.code or workorder.workcenter_id.name,
                    "duration_minutes": workorder.duration_expected,
                }
                for index, workorder in enumerate(self.workorder_ids, start=1)
            ],
            components=[self._mes_component(endpoint, move) for move in self.move_raw_ids],
        )

    def _mes_component(self, endpoint, move):
        lots = {}
        for line in move.move_line_ids.filtered("lot_id"):
            lots[line.lot_id.name] = lots.get(line.lot_id.name, 0.0) + line.quantity
        return {
            "product": self.env["integration.mes.codes"]._product_code(endpoint, move.product_id),
            "quantity": move.product_uom_qty,
            "uom": move.product_uom.name,
            "lots": [{"lot": name, "quantity": qty} for name, qty in lots.items()],
        }


def _iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None
