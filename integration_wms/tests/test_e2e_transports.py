"""End to end through RabbitMQ and through a drop folder of CSV files, as WMSs and 3PLs use."""

import os
import tempfile
import uuid

import pika

from odoo.tests import tagged

from odoo.addons.integration_core.lib import amqp_transport
from odoo.addons.integration_core.tests.helpers import run_queue

from ..simulator.server import WmsSimulator
from ..simulator.transports import AmqpOrderReader, AmqpSender, FileOrderReader, FileSender
from .common import WmsCase

AMQP_URL = os.environ.get("INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@tagged("post_install", "-at_install")
class TestEndToEndAmqp(WmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = uuid.uuid4().hex[:8]
        cls.orders_exchange, cls.confirmations_exchange = f"wms.{tag}.orders", f"wms.{tag}.up"
        cls.odoo_queue, cls.wms_queue = f"wms.{tag}.odoo", f"wms.{tag}.wms"
        amqp_transport.declare_queue(AMQP_URL, cls.confirmations_exchange, cls.odoo_queue, "#")
        amqp_transport.declare_queue(AMQP_URL, cls.orders_exchange, cls.wms_queue, "#")
        cls.addClassCleanup(cls._delete_broker_objects)
        cls.wms.write(
            {
                "transport": "amqp",
                "url": "amqp://127.0.0.1:5672/%2F",
                "username": "guest",
                "secret": "guest",
                "amqp_exchange": cls.orders_exchange,
                "amqp_queue": cls.odoo_queue,
            }
        )
        cls.simulator = WmsSimulator(
            AmqpSender(AMQP_URL, cls.confirmations_exchange),
            name="AMQP",
            readers=[AmqpOrderReader(AMQP_URL, cls.wms_queue)],
        )

    @classmethod
    def _delete_broker_objects(cls):
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        channel = connection.channel()
        for queue in (cls.odoo_queue, cls.wms_queue):
            channel.queue_delete(queue)
            channel.queue_delete(f"{queue}.dead")
        for exchange in (cls.orders_exchange, cls.confirmations_exchange):
            channel.exchange_delete(exchange)
            channel.exchange_delete(f"{exchange}.dlx")
        connection.close()

    def pull_and_work(self):
        self.env["integration.inbound.poller"]._cron_poll_amqp()
        run_queue(self.env)

    def test_receipt_duplicate_and_out_of_order_then_adjustment_once(self):
        receipt = self.make_receipt([(self.bolt, 20)])
        run_queue(self.env)
        sim = self.simulator
        self.assertEqual(sim.poll(), {"taken": 1})
        self.assertEqual(sim.warehouse.orders[receipt.name]["operation"], "receipt")
        sim.receive(receipt.name, [{"product": "BOLT", "quantity": 5}], times=2)
        sim.receive(receipt.name, [{"product": "BOLT", "quantity": 6}], hold=True)
        sim.receive(receipt.name, [{"product": "BOLT", "quantity": 9}])
        self.pull_and_work()
        self.assertEqual(self.quantity(self.bolt), 55)
        sim.release_held()
        sim.adjust("BOLT", "WH-STOCK", 3, "FOUND", times=2)
        self.pull_and_work()
        chain = self.env["stock.picking"].search([("wms_transfer", "=", receipt.name)], order="id")
        self.assertEqual(chain.mapped("state"), ["done"] * 3)
        self.assertEqual(chain.move_ids.mapped("quantity"), [5, 6, 9])
        self.assertEqual(self.quantity(self.bolt), 50 + 20 + 3)
        inbound = self.env["integration.message"].search(
            [("endpoint_id", "=", self.wms.id), ("direction", "=", "inbound")]
        )
        self.assertEqual(len(inbound), 4, "the duplicate deliveries made no second message")
        self.assertEqual(set(inbound.mapped("state")), {"done"})


@tagged("post_install", "-at_install")
class TestEndToEndFiles(WmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        folder = tempfile.TemporaryDirectory(prefix="wms-drop-")
        cls.addClassCleanup(folder.cleanup)
        cls.wms.write({"transport": "file", "file_root": folder.name})
        cls.simulator = WmsSimulator(
            FileSender(folder.name), name="CSV", readers=[FileOrderReader(folder.name)]
        )

    def poll_and_work(self):
        self.env["integration.inbound.poller"]._cron_poll_files(min_age=0)
        run_queue(self.env)

    def test_csv_receipt_shipment_and_adjustment(self):
        receipt = self.make_receipt([(self.serum, 10), (self.bolt, 5)])
        delivery = self.make_delivery([(self.bolt, 8)])
        run_queue(self.env)
        sim = self.simulator
        self.assertEqual(sim.poll(), {"taken": 2})
        sim.receive(
            receipt.name,
            [
                {
                    "product": "SERUM",
                    "quantity": 6,
                    "lots": [
                        {"lot": "S-3", "quantity": 4, "expiration_date": "2027-05-31"},
                        {"lot": "S-4", "quantity": 2},
                    ],
                },
                {
                    "product": "BOLT",
                    "quantity": 4,
                    "damaged": [{"quantity": 1, "reason": "WET"}],
                },
            ],
            closed=True,
        )
        shipped = sim.ship(
            delivery.name,
            [{"product": "BOLT", "quantity": 8, "package": "003400000000000035"}],
            tracking="TRACK-1",
            weight=3.2,
        )
        sim.adjust("SERUM", "WH-STOCK", -2, "EXPIRED", lot="S-1")
        self.poll_and_work()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.backorder_ids)
        lots = {line.lot_id.name: line.quantity for line in receipt.move_line_ids if line.lot_id}
        self.assertEqual(lots, {"S-3": 4, "S-4": 2})
        s3 = self.env["stock.lot"].search([("name", "=", "S-3")])
        self.assertEqual(str(s3.expiration_date.date()), "2027-05-31")
        self.assertEqual(self.quantity(self.bolt, self.damaged), 1)
        self.assertEqual(
            (delivery.state, delivery.wms_tracking_ref, delivery.wms_shipping_weight),
            ("done", "TRACK-1", 3.2),
        )
        self.assertEqual(delivery.move_line_ids.result_package_id.name, "003400000000000035")
        self.assertEqual(self.quantity(self.serum, lot=self.lot_s1), 8)
        self.assertEqual(self.quantity(self.bolt), 50 + 4 - 8)
        # The same file again is the same message: nothing twice.
        sim.sender.send(shipped["message"])
        self.poll_and_work()
        inbound = self.env["integration.message"].search(
            [("endpoint_id", "=", self.wms.id), ("direction", "=", "inbound")]
        )
        self.assertEqual(len(inbound), 3)
        self.assertEqual(set(inbound.mapped("state")), {"done"})
