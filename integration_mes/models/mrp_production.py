"""Manufacturing orders go down to their MES: release when confirmed, update, cancel."""

from odoo import _, fields, models

from odoo.addons.integration_core.tools.echo import is_echo

UPDATE_FIELDS = ("product_qty", "date_start", "date_finished", "priority")


class MrpProduction(models.Model):
    """Orders go to the MES their routing rule names (``integration.mes.route``), through the
    core's outbound events: a confirmed order is released, a change of quantity, dates or
    priority is an update, and nothing left to produce is a cancellation. Changes applied from
    the MES itself are not sent back to it."""

    _name = "mrp.production"
    _inherit = ["mrp.production", "integration.event.source"]
    _integration_write_flows = {"work_order.update": UPDATE_FIELDS}

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

    def action_cancel(self):
        result = super().action_cancel()
        self.filtered(lambda p: not is_echo(p.env, p.mes_endpoint_id))._mes_cancel()
        return result

    # ------------------------------------------------------------------ outbound events
    def _integration_endpoint(self):
        return self.mes_work_order_id.endpoint_id

    def _integration_wants(self, flow_code):
        if flow_code != "work_order.update":
            return True
        return self.state not in ("draft", "done", "cancel") and (
            self.mes_work_order_id.state == "released"
        )

    def _integration_message(self, flow):
        """The work order's next message: its sequence orders it at the MES."""
        work_order = self.mes_work_order_id.sudo()
        sequence = work_order._next_outbound_sequence()
        payload = self._mes_payload(work_order, flow.code, sequence)
        return {
            "payload": payload,
            "idempotency_key": payload["message_id"],
            "ordering_key": work_order.name,
            "sequence": sequence,
        }

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
            production._integration_queue("work_order.release")
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
            cancelled[:1]._integration_queue("work_order.cancel")
            done = work_order.production_ids.filtered(lambda p: p.state == "done")
            work_order.sudo().state = "completed" if done else "cancelled"

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
