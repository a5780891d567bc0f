"""End to end through the real HTTP API: Odoo sends transfer orders to the simulated WMS over
HTTP, the WMS confirms back to ``/integration/v1/...`` with an API key, the queue applies."""

import requests

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_core.tests.common import with_encryption_key
from odoo.addons.integration_core.tests.http_test_server import LoopbackRequestsMixin

from ..simulator.server import WmsSimulator
from ..simulator.transports import HttpSender
from .common import WmsTransfersMixin, make_warehouse


@tagged("post_install", "-at_install")
class TestEndToEndHttp(WmsTransfersMixin, LoopbackRequestsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        make_warehouse(cls, code="E2E_WMS")
        cls.simulator = WmsSimulator(sender=None, name="E2E").start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.wms.write({"transport": "http", "url": cls.simulator.url, "rate_limit_per_minute": 0})
        cls.simulator.sender = HttpSender(cls.base_url(), "E2E_WMS", cls.secret, timeout=20)
        cls.manager = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        self.simulator.warehouse.stock.clear()  # each test starts from its own stock

    def run_queue(self):
        """Work the queue as the scheduled action does (commits stay in the test)."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            self.env(cr=cr)["integration.queue.worker"]._work_queue()
        self.env.invalidate_all()

    def command(self, name, **arguments):
        response = requests.post(
            f"{self.simulator.url}/commands/{name}", json=arguments, timeout=60
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def statuses(self, answer):
        return [reply["status"] for reply in answer["replies"]]

    def message_of(self, answer):
        return self.env["integration.message"].search(
            [("idempotency_key", "=", answer["message"]["message_id"])]
        )

    def test_receipt_partial_duplicate_out_of_order_and_final(self):
        receipt = self.make_receipt([(self.bolt, 30), (self.serum, 10)])
        self.run_queue()
        orders = requests.get(f"{self.simulator.url}/transfer-orders", timeout=10).json()
        self.assertEqual(
            [(line["product"], line["quantity"]) for line in orders[receipt.name]["lines"]],
            [("BOLT", 30), ("SERUM", 10)],
        )
        ref = receipt.name
        # 1: part of the goods, delivered twice (the WMS did not see the first answer).
        first = self.command(
            "receive",
            transfer=ref,
            lines=[
                {"product": "BOLT", "quantity": 10},
                {
                    "product": "SERUM",
                    "quantity": 4,
                    "lots": [{"lot": "S-7", "quantity": 4, "expiration_date": "2027-03-31"}],
                },
            ],
            times=2,
        )
        self.assertEqual(self.statuses(first), [202, 200])
        # 2 is held back; 3 (the last, closed) overtakes it.
        self.command("receive", transfer=ref, lines=[{"product": "BOLT", "quantity": 8}], hold=True)
        final = self.command(
            "receive",
            transfer=ref,
            lines=[
                {
                    "product": "BOLT",
                    "quantity": 11,
                    "damaged": [{"quantity": 1, "reason": "CRUSHED"}],
                },
                {"product": "SERUM", "quantity": 6, "lots": [{"lot": "S-8", "quantity": 6}]},
            ],
            closed=True,
        )
        self.run_queue()
        waiting = self.message_of(final)
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(receipt.state, "done")
        [late] = self.command("release_held")
        self.assertEqual(self.statuses(late), [202])
        self.run_queue()
        self.assertEqual(waiting.state, "done", waiting.error)
        chain = self.env["stock.picking"].search([("wms_transfer", "=", ref)], order="id")
        self.assertEqual(chain.mapped("state"), ["done", "done", "done"])
        received = [
            sorted(
                (line.product_id.default_code, line.lot_id.name or "", line.quantity)
                for line in picking.move_line_ids
            )
            for picking in chain
        ]
        self.assertEqual(
            received,
            [
                [("BOLT", "", 10), ("SERUM", "S-7", 4)],
                [("BOLT", "", 8)],
                [("BOLT", "", 1), ("BOLT", "", 11), ("SERUM", "S-8", 6)],
            ],
        )
        self.assertEqual(chain[1].backorder_id, chain[0])
        self.assertEqual(self.quantity(self.bolt), 50 + 29)
        self.assertEqual(self.quantity(self.bolt, self.damaged), 1)
        inbound = self.env["integration.message"].search(
            [("endpoint_id", "=", self.wms.id), ("direction", "=", "inbound")]
        )
        self.assertEqual(len(inbound), 3, "the duplicate delivery made no second message")

    def test_delivery_in_two_packages_with_tracking(self):
        delivery = self.make_delivery([(self.bolt, 20), (self.serum, 5)])
        self.run_queue()
        answer = self.command(
            "ship",
            transfer=delivery.name,
            lines=[
                {"product": "BOLT", "quantity": 20, "package": "003400000000000011"},
                {
                    "product": "SERUM",
                    "quantity": 5,
                    "lot": "S-1",
                    "package": "003400000000000028",
                },
            ],
            tracking="1Z999AA10123456784",
            weight=22.5,
        )
        self.assertEqual(self.statuses(answer), [202])
        self.run_queue()
        self.assertEqual(delivery.state, "done", self.message_of(answer).error)
        self.assertEqual(
            sorted(delivery.move_line_ids.result_package_id.mapped("name")),
            ["003400000000000011", "003400000000000028"],
        )
        self.assertEqual(
            (delivery.wms_tracking_ref, delivery.wms_shipping_weight), ("1Z999AA10123456784", 22.5)
        )
        self.assertEqual(self.quantity(self.bolt), 30)

    def test_adjustment_once(self):
        answer = self.command(
            "adjust", product="BOLT", location="WH-STOCK", quantity_delta=-4, reason="DM", times=2
        )
        self.assertEqual(self.statuses(answer), [202, 200])
        self.run_queue()
        self.assertEqual(self.message_of(answer).state, "done")
        self.assertEqual(self.quantity(self.bolt), 46)

    def test_snapshot_on_request_with_three_differences_approved_then_stale_refused(self):
        # The WMS's book agrees with Odoo, then its counts find three differences.
        self.command("count", product="BOLT", location="WH-STOCK", quantity=50)
        self.command("count", product="SERUM", location="WH-STOCK", quantity=10, lot="S-1")
        self.command("count", product="BOLT", location="WH-STOCK", quantity=47)
        self.command("count", product="SERUM", location="WH-STOCK", quantity=9, lot="S-1")
        self.command("count", product="BOLT", location="WH-DAMAGED", quantity=2)
        snapshot_flow = self.wms.flow_ids.filtered(lambda f: f.code == "inventory.snapshot")
        self.env["integration.wms.stock.reconciler"]._request_statement(snapshot_flow)
        self.run_queue()
        [[answer]] = self.command("answer_requests")
        self.assertEqual(self.statuses(answer), [202])
        self.run_queue()
        run = self.env["integration.reconciliation.run"].search([("endpoint_id", "=", self.wms.id)])
        self.assertEqual(run.state, "to_review", self.message_of(answer).error)
        differences = {
            (line.product_id.default_code, line.location_id.barcode): line.difference_quantity
            for line in run.difference_ids
        }
        self.assertEqual(
            differences,
            {("BOLT", "WH-STOCK"): -3, ("SERUM", "WH-STOCK"): -1, ("BOLT", "WH-DAMAGED"): 2},
        )
        wizard = self.env["integration.reconciliation.decide"].create({"run_id": run.id})
        wizard.action_confirm()
        self.assertEqual(run.state, "done")
        self.assertEqual(
            (
                self.quantity(self.bolt),
                self.quantity(self.serum, lot=self.lot_s1),
                self.quantity(self.bolt, self.damaged),
            ),
            (47, 9, 2),
        )
        [stale] = self.command("snapshot", as_of="2026-01-01T00:00:00Z")
        self.run_queue()
        refused = self.message_of(stale)
        self.assertEqual(refused.state, "failed")
        self.assertIn("older", refused.error)
        self.assertEqual(self.quantity(self.bolt), 47)
