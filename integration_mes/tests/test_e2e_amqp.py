"""End to end through RabbitMQ: work orders published to the MES's exchange, results
published by the simulated MES and pulled by Odoo's scheduled AMQP pull."""

import os
import uuid

import pika

from odoo.tests import tagged

from odoo.addons.integration_core.lib import amqp_transport

from ..simulator.server import MesSimulator
from ..simulator.transports import AmqpSender, AmqpWorkOrderReader
from .common import OUTBOUND_FLOWS, MesCase

AMQP_URL = os.environ.get("INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@tagged("post_install", "-at_install")
class TestEndToEndAmqp(MesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = uuid.uuid4().hex[:8]
        cls.orders_exchange, cls.results_exchange = f"mes.{tag}.orders", f"mes.{tag}.results"
        cls.odoo_queue, cls.mes_queue = f"mes.{tag}.odoo", f"mes.{tag}.plant"
        amqp_transport.declare_queue(AMQP_URL, cls.results_exchange, cls.odoo_queue, "#")
        amqp_transport.declare_queue(AMQP_URL, cls.orders_exchange, cls.mes_queue, "work_order.#")
        cls.addClassCleanup(cls._delete_broker_objects)
        cls.mes.write(
            {
                "transport": "amqp",
                "url": "amqp://127.0.0.1:5672/%2F",
                "username": "guest",
                "secret": "guest",
                "amqp_exchange": cls.orders_exchange,
                "amqp_queue": cls.odoo_queue,
            }
        )
        for code, handler in OUTBOUND_FLOWS.items():
            cls.make_flow(code, handler, direction="outbound", endpoint=cls.mes)
        cls.simulator = MesSimulator(AmqpSender(AMQP_URL, cls.results_exchange), name="AMQP")
        cls.reader = AmqpWorkOrderReader(AMQP_URL, cls.mes_queue)

    @classmethod
    def _delete_broker_objects(cls):
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        channel = connection.channel()
        for queue in (cls.odoo_queue, cls.mes_queue):
            channel.queue_delete(queue)
            channel.queue_delete(f"{queue}.dead")
        for exchange in (cls.orders_exchange, cls.results_exchange):
            channel.exchange_delete(exchange)
            channel.exchange_delete(f"{exchange}.dlx")
        connection.close()

    def pull_and_work(self):
        self.env["integration.inbound.poller"]._cron_poll_amqp()
        self.run_queue()

    def test_release_partial_runs_duplicate_out_of_order_and_final(self):
        order = self.make_order(10)
        self.run_queue()
        self.assertEqual(self.reader.drain(self.simulator.plant), 1)
        self.assertEqual(self.simulator.plant.work_orders[order.name]["quantity"], 10)
        sim = self.simulator
        sim.produce(order.name, 4, lot="F-1", times=2)
        sim.produce(order.name, 3, lot="F-2", hold=True, component_lots={"PAINT": ["P-101"]})
        sim.produce(order.name, 3, lot="F-3", final=True)
        self.pull_and_work()
        work_order = order.mes_work_order_id
        self.assertEqual((work_order.last_sequence, work_order.state), (1, "released"))
        sim.release_held()
        self.pull_and_work()
        self.assertEqual(work_order.state, "completed")
        productions = work_order.production_ids.sorted("id")
        self.assertEqual(productions.mapped("qty_produced"), [4, 3, 3])
        self.assertEqual(set(productions.mapped("state")), {"done"})
        frame, tube, paint = self.plant["frame"], self.plant["tube"], self.plant["paint"]
        self.assertEqual(
            [self.on_hand(frame, self.lot(frame, name)) for name in ("F-1", "F-2", "F-3")],
            [4, 3, 3],
        )
        self.assertEqual(self.on_hand(tube), 80)
        self.assertEqual(self.on_hand(paint, self.lot(paint, "P-100")), 20 - 2 - 1.5)
        self.assertEqual(self.on_hand(paint, self.lot(paint, "P-101")), 20 - 1.5)
        inbound = self.env["integration.message"].search(
            [("endpoint_id", "=", self.mes.id), ("direction", "=", "inbound")]
        )
        self.assertEqual(len(inbound), 3, "the duplicate delivery made no second message")
        self.assertEqual(set(inbound.mapped("state")), {"done"})
