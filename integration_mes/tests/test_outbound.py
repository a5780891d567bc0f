from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.integration_core.lib import sunset
from odoo.addons.integration_core.tests.helpers import trap_messages

from ..simulator.server import MesSimulator
from .common import OUTBOUND_FLOWS, MesCase


@tagged("post_install", "-at_install")
class TestOutbound(MesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator = MesSimulator(sender=None).start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.mes.write({"transport": "http", "url": cls.simulator.url, "read_timeout": 5})
        for code, handler in OUTBOUND_FLOWS.items():
            cls.make_flow(
                code, handler, direction="outbound", endpoint=cls.mes, request_path="/work-orders"
            )

    def setUp(self):
        super().setUp()
        self.simulator.plant.received.clear()
        self.simulator.plant.work_orders.clear()

    def sent(self, production):
        return self.env["integration.message"].search(
            [("ordering_key", "=", production.mes_work_order_id.name)], order="sequence"
        )

    def test_a_confirmed_order_is_released_with_all_the_mes_needs(self):
        order = self.make_order(10)
        [release] = self.sent(order)
        self.assertEqual((release.flow_id.code, release.sequence), ("work_order.release", 1))
        self.run_queue()
        self.assertEqual(release.state, "done", release.error)
        [received] = self.simulator.plant.received
        self.assertEqual(received["message_id"], release.idempotency_key)
        self.assertTrue(received["sent_at"].endswith("Z"))
        self.assertEqual(
            {key: received[key] for key in ("work_order", "sequence", "quantity", "uom")},
            {"work_order": order.name, "sequence": 1, "quantity": 10, "uom": "Units"},
        )
        self.assertEqual(
            received["product"], {"code": "FRAME", "name": "Frame", "revision": "REV-B"}
        )
        self.assertEqual(
            received["planned_start"],
            fields.Datetime.to_string(order.date_start).replace(" ", "T") + "Z",
        )
        [operation] = received["operations"]
        self.assertEqual((operation["work_center"], operation["duration_minutes"]), ("WELD", 120))
        components = {c["product"]: c for c in received["components"]}
        self.assertEqual(components["TUBE"]["quantity"], 20)
        self.assertEqual(components["PAINT"]["lots"], [{"lot": "P-100", "quantity": 5}])

    def test_changes_and_cancellation_follow_in_order(self):
        order = self.make_order(10)
        wizard = self.env["change.production.qty"].create({"mo_id": order.id, "product_qty": 12})
        wizard.change_prod_qty()
        order.date_start = fields.Datetime.add(order.date_start, days=1)
        order.action_cancel()
        messages = self.sent(order)
        self.assertEqual(
            [message.flow_id.code for message in messages],
            ["work_order.release", "work_order.update", "work_order.update", "work_order.cancel"],
        )
        self.run_queue()
        self.assertEqual(set(messages.mapped("state")), {"done"})
        received = self.simulator.plant.received
        self.assertEqual([m["sequence"] for m in received], [1, 2, 3, 4])
        self.assertEqual(received[1]["quantity"], 12)
        self.assertTrue(self.simulator.plant.work_orders[order.name]["cancelled"])
        self.assertEqual(order.mes_work_order_id.state, "cancelled")

    def test_partial_results_do_not_echo_updates_back_to_the_mes(self):
        order = self.make_order(10)
        result = self.result(
            order, 1, produced=4, lot="F-1", consumed=[{"product": "TUBE", "quantity": 8}]
        )
        self.run_queue()
        self.assertEqual(result.state, "done", result.error)
        self.assertEqual(len(order.mes_work_order_id.production_ids), 2)
        self.assertEqual([m.flow_id.code for m in self.sent(order)], ["work_order.release"])

    def test_orders_are_routed_by_work_center_then_warehouse(self):
        Endpoint = self.env["integration.endpoint"]
        paint_mes, plant_mes = Endpoint.create(
            [
                {
                    "name": "Paint shop MES",
                    "code": "PAINT_MES",
                    "system_type": "mes",
                    "environment": "test",
                },
                {
                    "name": "Warehouse MES",
                    "code": "WH_MES",
                    "system_type": "mes",
                    "environment": "test",
                },
            ]
        )
        for endpoint in paint_mes | plant_mes:
            self.make_flow(
                "work_order.release",
                OUTBOUND_FLOWS["work_order.release"],
                direction="outbound",
                endpoint=endpoint,
            )
        paint_shop = self.env["mrp.workcenter"].create({"name": "Paint shop", "code": "PNT"})
        Route = self.env["integration.mes.route"]
        Route.create({"sequence": 1, "endpoint_id": paint_mes.id, "workcenter_id": paint_shop.id})
        warehouse_rule = Route.create(
            {
                "sequence": 50,
                "endpoint_id": plant_mes.id,
                "warehouse_id": self.plant["warehouse"].id,
            }
        )
        painted, plain = self.env["product.product"].create(
            [
                {"name": "Painted frame", "is_storable": True},
                {"name": "Bracket", "is_storable": True},
            ]
        )
        for product, operations in (
            (painted, [Command.create({"name": "Paint", "workcenter_id": paint_shop.id})]),
            (plain, []),
        ):
            self.env["mrp.bom"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "bom_line_ids": [
                        Command.create({"product_id": self.plant["tube"].id, "product_qty": 1})
                    ],
                    "operation_ids": operations,
                }
            )

        def confirmed(product):
            production = self.env["mrp.production"].create(
                {"product_id": product.id, "product_qty": 2}
            )
            production.action_confirm()
            return production

        welded, painted_order, plain_order = (
            confirmed(self.plant["frame"]),
            confirmed(painted),
            confirmed(plain),
        )
        self.assertEqual(welded.mes_endpoint_id, self.mes)
        self.assertEqual(painted_order.mes_endpoint_id, paint_mes)
        self.assertEqual(plain_order.mes_endpoint_id, plant_mes)
        self.assertEqual(self.sent(painted_order).endpoint_id, paint_mes)
        warehouse_rule.active = False
        unrouted = confirmed(plain)
        self.assertFalse(unrouted.mes_work_order_id)
        self.assertFalse(
            self.env["integration.message"].search([("ordering_key", "=", unrouted.name)])
        )


@tagged("post_install", "-at_install")
class TestOutboundEvents(MesCase):
    """The order events go through the core's outbound events, seen with its message trap."""

    def test_an_mes_without_an_active_flow_gets_nothing_and_the_order_says_so(self):
        with trap_messages(self.env) as trap:
            order = self.make_order(10)
        trap.assert_nothing_queued()
        self.assertTrue(order.mes_work_order_id, "the work order is released all the same")
        self.assertIn(
            "no active outbound flow work_order.release", order.message_ids[:1].body or ""
        )

    def test_an_mes_flow_past_its_sunset_gets_nothing_and_the_order_says_so(self):
        for code, handler in OUTBOUND_FLOWS.items():
            self.make_flow(
                code,
                handler,
                direction="outbound",
                endpoint=self.mes,
                lifecycle="temporary",
                sunset_date=sunset.today(),
            )
        with trap_messages(self.env) as trap:
            order = self.make_order(10)
        trap.assert_nothing_queued()
        self.assertTrue(order.mes_work_order_id, "the order is confirmed all the same")
        self.assertIn("reached its sunset date", order.message_ids[:1].body or "")

    def test_only_changes_of_released_orders_the_mes_cares_about_are_sent(self):
        for code, handler in OUTBOUND_FLOWS.items():
            self.make_flow(code, handler, direction="outbound", endpoint=self.mes)
        order = self.make_order(10)
        with trap_messages(self.env) as trap:
            order.priority = "1"
            order.origin = "not a field the MES receives"
        trap.assert_queued(
            "work_order.update", {"work_order": order.name, "sequence": 2, "priority": 1}
        )
        draft = self.make_order(5, confirm=False)
        with trap_messages(self.env) as trap:
            draft.product_qty = 6
        trap.assert_nothing_queued()
