"""End to end through the real HTTP API: Odoo releases to the simulated MES over HTTP, the MES
reports back to ``/integration/v1/...`` with an API key, the queue applies the results."""

import requests

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.integration_core.tests.common import with_encryption_key
from odoo.addons.integration_core.tests.http_test_server import LoopbackRequestsMixin

from ..simulator.server import MesSimulator
from ..simulator.transports import HttpSender
from .common import make_plant


@tagged("post_install", "-at_install")
class TestEndToEndHttp(LoopbackRequestsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = make_plant(cls.env)
        service = new_test_user(
            cls.env,
            login="mes_e2e",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.simulator = MesSimulator(sender=None, name="E2E").start()
        cls.addClassCleanup(cls.simulator.stop)
        # The MES is configured in one step: its kind's catalog gives every flow.
        wizard = cls.env["integration.connect"].create(
            {
                "system_type": "mes",
                "name": "Plant MES over HTTP",
                "code": "E2E_MES",
                "environment": "test",
                "service_user_id": service.id,
            }
        )
        cls.mes, secret = wizard._connect()
        cls.mes.write({"transport": "http", "url": cls.simulator.url, "rate_limit_per_minute": 0})
        cls.mes.flow_ids.action_approve()
        cls.mes.flow_ids.action_activate()
        cls.simulator.sender = HttpSender(cls.base_url(), "E2E_MES", secret, timeout=20)
        cls.env["integration.mes.route"].create(
            {"endpoint_id": cls.mes.id, "warehouse_id": cls.plant["warehouse"].id}
        )

    def run_queue(self):
        """Work the queue as the scheduled action does (commits stay in the test)."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            self.env(cr=cr)["integration.queue.worker"]._work_queue()
        self.env.invalidate_all()

    def command(self, name, **arguments):
        response = requests.post(
            f"{self.simulator.url}/commands/{name}", json=arguments, timeout=30
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def statuses(self, answer):
        return [reply["status"] for reply in answer["replies"]]

    def on_hand(self, product, lot_name=None):
        context = {"location": self.plant["stock"].id}
        if lot_name:
            lot = self.env["stock.lot"].search(
                [("product_id", "=", product.id), ("name", "=", lot_name)]
            )
            context["lot_id"] = lot.id
        return product.with_context(**context).qty_available

    def test_release_partial_runs_duplicate_out_of_order_and_final(self):
        frame, tube, paint = self.plant["frame"], self.plant["tube"], self.plant["paint"]
        order = self.env["mrp.production"].create(
            {"product_id": frame.id, "product_qty": 10, "bom_id": self.plant["bom"].id}
        )
        order.action_confirm()
        self.run_queue()
        work_orders = requests.get(f"{self.simulator.url}/work-orders", timeout=10).json()
        self.assertEqual(work_orders[order.name]["quantity"], 10)

        # Run 1: 4 frames, delivered twice (the MES did not see the first answer).
        first = self.command("produce", work_order=order.name, quantity=4, lot="F-1", times=2)
        self.assertEqual(self.statuses(first), [202, 200])
        # Run 2 is held back; run 3 (final) overtakes it.
        self.command(
            "produce",
            work_order=order.name,
            quantity=3,
            lot="F-2",
            hold=True,
            scrap=[{"product": "TUBE", "quantity": 1, "reason": "Bent"}],
        )
        # The final run made two lots: one delivery, two manufacturing orders.
        final = self.command(
            "produce",
            work_order=order.name,
            lots=[{"lot": "F-3", "quantity": 2}, {"lot": "F-4", "quantity": 1}],
            final=True,
        )
        self.assertEqual(self.statuses(final), [202])
        self.run_queue()
        work_order = order.mes_work_order_id
        self.assertEqual((work_order.last_sequence, work_order.state), (1, "released"))
        waiting = self.env["integration.message"].search(
            [("idempotency_key", "=", final["message"]["message_id"])]
        )
        self.assertEqual(waiting.state, "waiting")
        # Run 2 arrives late: both apply, in order.
        [late] = self.command("release_held")
        self.assertEqual(self.statuses(late), [202])
        self.run_queue()
        self.assertEqual(waiting.state, "done", waiting.error)
        self.assertEqual(work_order.state, "completed")
        productions = work_order.production_ids.sorted("id")
        self.assertEqual(productions.mapped("state"), ["done"] * 4)
        self.assertEqual(productions.mapped("qty_produced"), [4, 3, 2, 1])
        self.assertEqual(productions.mapped("lot_producing_id.name"), ["F-1", "F-2", "F-3", "F-4"])
        self.assertEqual(
            [self.on_hand(frame, lot) for lot in ("F-1", "F-2", "F-3", "F-4")], [4, 3, 2, 1]
        )
        self.assertEqual(self.on_hand(tube), 100 - 20 - 1)
        self.assertEqual(self.on_hand(paint), 40 - 5)
        self.assertEqual(work_order.performance_ids.scrap_ids.scrap_qty, 1)
        inbound = self.env["integration.message"].search(
            [("endpoint_id", "=", self.mes.id), ("direction", "=", "inbound")]
        )
        self.assertEqual(len(inbound), 3, "the duplicate delivery made no second message")

    def test_a_remote_plant_compresses_both_ways(self):
        """Odoo sends the release gzip-compressed (the endpoint's Compression), the MES sends
        its results gzip-compressed: both are read as if they came plain."""
        self.mes.compression = "gzip"
        self.simulator.sender.gzip = True
        self.addCleanup(setattr, self.simulator.sender, "gzip", False)
        before = self.simulator.encodings["gzip"]
        order = self.env["mrp.production"].create(
            {"product_id": self.plant["frame"].id, "product_qty": 5, "bom_id": self.plant["bom"].id}
        )
        order.action_confirm()
        self.run_queue()
        self.assertEqual(self.simulator.encodings["gzip"], before + 1, "the release came gzip")
        self.assertEqual(self.simulator.plant.work_orders[order.name]["quantity"], 5)
        final = self.command("produce", work_order=order.name, quantity=5, lot="R-1", final=True)
        self.assertEqual(self.statuses(final), [202])
        self.run_queue()
        self.assertEqual(order.mes_work_order_id.state, "completed")
        self.assertEqual(self.on_hand(self.plant["frame"], "R-1"), 5)
