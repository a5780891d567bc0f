"""A plant for the MES tests: a lot-tracked frame welded from tubes and painted, one MES.

``MesCase`` builds on integration_core's ``IntegrationCase`` (the queue commits inside the
test): an MES endpoint with its inbound flows, a routing rule, stock of the components and a
confirmed order of 10 frames released to the MES.
"""

from odoo import Command

from odoo.addons.integration_core.tests.common import IntegrationCase

INBOUND_FLOWS = {
    "production.performance": "integration.handler.mes.performance",
    "equipment.event": "integration.handler.mes.equipment",
    "quality.result": "integration.handler.mes.quality",
}
OUTBOUND_FLOWS = {
    "work_order.release": "integration.handler.mes.work_order",
    "work_order.update": "integration.handler.mes.work_order",
    "work_order.cancel": "integration.handler.mes.work_order",
}


def make_plant(env):
    """Products, work center and bill of materials of the frame; components in stock."""
    Product = env["product.product"]
    frame, tube, paint = Product.create(
        [
            {"name": "Frame", "default_code": "FRAME", "is_storable": True, "tracking": "lot"},
            {"name": "Tube", "default_code": "TUBE", "is_storable": True},
            {"name": "Paint", "default_code": "PAINT", "is_storable": True, "tracking": "lot"},
        ]
    )
    welding = env["mrp.workcenter"].create({"name": "Welding cell", "code": "WELD"})
    bom = env["mrp.bom"].create(
        {
            "product_tmpl_id": frame.product_tmpl_id.id,
            "product_qty": 1,
            "code": "REV-B",
            "consumption": "flexible",
            "bom_line_ids": [
                Command.create({"product_id": tube.id, "product_qty": 2}),
                Command.create({"product_id": paint.id, "product_qty": 0.5}),
            ],
            "operation_ids": [
                Command.create(
                    {"name": "Weld", "workcenter_id": welding.id, "time_cycle_manual": 12}
                )
            ],
        }
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    Lot = env["stock.lot"]
    paint_lots = Lot.create([{"name": name, "product_id": paint.id} for name in ("P-100", "P-101")])
    Quant = env["stock.quant"]
    Quant._update_available_quantity(tube, stock, 100)
    for lot in paint_lots:
        Quant._update_available_quantity(paint, stock, 20, lot_id=lot)
    return {
        "frame": frame,
        "tube": tube,
        "paint": paint,
        "welding": welding,
        "bom": bom,
        "warehouse": warehouse,
        "stock": stock,
    }


class MesCase(IntegrationCase):
    """One MES (``PLANT_MES``) routed every order welded in the welding cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.plant = make_plant(cls.env)
        cls.mes = cls.env["integration.endpoint"].create(
            {"name": "Plant MES", "code": "PLANT_MES", "environment": "test", "system_type": "mes"}
        )
        cls.flows = {code: cls.catalog_flow(code) for code in INBOUND_FLOWS}
        cls.env["integration.mes.route"].create(
            {"endpoint_id": cls.mes.id, "workcenter_id": cls.plant["welding"].id}
        )

    @classmethod
    def catalog_flow(cls, code, **values):
        """An active flow of the MES made from the connector's catalog entry ``code``."""
        entry = cls.env["integration.catalog.entry"].search(
            [("system_type", "=", "mes"), ("code", "=", code)]
        )
        return cls.env["integration.flow"].create(
            dict(entry._flow_values(cls.mes), state="active", retry_base_seconds=10, **values)
        )

    def make_order(self, quantity=10, confirm=True):
        production = self.env["mrp.production"].create(
            {
                "product_id": self.plant["frame"].id,
                "product_qty": quantity,
                "bom_id": self.plant["bom"].id,
            }
        )
        if confirm:
            production.action_confirm()
        return production

    def receive(self, flow_code, payload, idempotency_key=None):
        """Queue an inbound MES message as the HTTP API or the AMQP consumer would."""
        return self.env["integration.message"].enqueue(
            self.flows[flow_code], payload, idempotency_key=idempotency_key
        )

    def result(self, production, sequence, produced=0, lot=None, final=False, **lines):
        """Queue a production.performance for ``production``; ``produced``: a quantity (of
        ``lot``) or the produced lines themselves; ``lines``: consumed, scrap..."""
        if not isinstance(produced, list):
            produced = [{"quantity": produced, "lot": lot}] if produced else []
        payload = {
            "message_id": lines.pop("message_id", f"{production.name}/{sequence}"),
            "sent_at": "2025-03-03T08:00:00Z",
            "work_order": production.mes_work_order_id.name or production.name,
            "sequence": sequence,
            "final": final,
            "produced": produced,
            "consumed": lines.pop("consumed", []),
            "scrap": lines.pop("scrap", []),
            "operations": lines.pop("operations", []),
        }
        return self.receive("production.performance", payload, **lines)

    def on_hand(self, product, lot=None):
        """Quantity of ``product`` (of ``lot``) on hand in the warehouse's stock."""
        context = {"location": self.plant["stock"].id}
        if lot:
            context["lot_id"] = lot.id
        return product.with_context(**context).qty_available

    def lot(self, product, name):
        return self.env["stock.lot"].search([("product_id", "=", product.id), ("name", "=", name)])
