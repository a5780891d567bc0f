"""The standing fault suite: real Odoo server processes on scratch databases, broken on purpose.

Each test copies a template database (``createdb -T``), serves it with one or two real servers
on 127.0.0.1 (their cron workers run the queue as in production), breaks something (a kill -9,
an outage, a copy, invalid messages), and checks what an operator relies on: every message
done once, one exception card per cause, nothing stranded, production never called from a
copy. Each prints what it measured. Servers and databases are removed even on failure.
"""

import json
import logging
import os
import threading
import time
import uuid

import pika

from odoo.tests import BaseCase, get_db_name, tagged

from ..lib import amqp_transport
from . import fault_servers
from .fault_servers import ConsumerProcess, OdooProcess, Receiver, Sql, rabbitmqctl

_logger = logging.getLogger(__name__)
PRODUCTION_ENV = "INTEGRATION_PRODUCTION_DATABASE"
AMQP_URL = os.environ.get("INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@tagged("post_install", "-at_install", "fault_suite")
class TestFaults(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = f"{get_db_name()}_fault"[:55]
        started = time.monotonic()
        fault_servers.create_template(cls.template)
        cls.addClassCleanup(fault_servers.drop_database, cls.template)
        _logger.info("fault suite: template database in %.1f s", time.monotonic() - started)

    def database(self, suffix):
        name = f"{self.template}_{suffix}"
        fault_servers.copy_database(self.template, name)
        self.addCleanup(fault_servers.drop_database, name)
        return name

    def server(self, database, **options):
        server = OdooProcess(database, **options)
        self.addCleanup(server.stop)
        return server.start()

    def sql(self, database):
        sql = Sql(database)
        self.addCleanup(sql.close)
        return sql

    def inbound_flow(self, server, code, endpoint=None, **flow):
        endpoint = server.rpc(
            "integration.endpoint",
            "create",
            dict({"name": code, "code": code, "environment": "test"}, **(endpoint or {})),
        )
        return server.rpc(
            "integration.flow",
            "create",
            dict(
                {
                    "name": "contacts",
                    "code": "contacts",
                    "endpoint_id": endpoint,
                    "direction": "inbound",
                    "handler": "integration.handler.partner",
                    "state": "active",
                },
                **flow,
            ),
        )

    def outbound_flow(self, server, code, url, environment="test", endpoint=None, **flow):
        endpoint_id = server.rpc(
            "integration.endpoint",
            "create",
            dict(
                {
                    "name": code,
                    "code": code,
                    "environment": environment,
                    "transport": "http",
                    "url": url,
                    "connect_timeout": 2,
                    "read_timeout": 5,
                },
                **(endpoint or {}),
            ),
        )
        return server.rpc(
            "integration.flow",
            "create",
            dict(
                {
                    "name": "orders",
                    "code": "orders",
                    "endpoint_id": endpoint_id,
                    "direction": "outbound",
                    "handler": "integration.handler.passthrough",
                    "request_path": "/orders",
                    "state": "active",
                },
                **flow,
            ),
        )

    def assert_attempts_agree(self, sql, flow_id):
        """Every try counted on a message has its attempt row, and no row is extra."""
        mismatched = sql.value(
            "SELECT count(*) FROM integration_message m WHERE m.flow_id = %s AND m.attempts"
            " <> (SELECT count(*) FROM integration_message_attempt a WHERE a.message_id = m.id)",
            flow_id,
        )
        self.assertEqual(mismatched, 0, "attempts and attempt rows disagree")

    # ------------------------------------------------------------------ a copy
    def test_a_postgresql_copy_never_calls_production(self):
        production = self.database("prod")
        with Receiver() as receiver:
            server = self.server(production, cron_threads=1, env={PRODUCTION_ENV: production})
            flow = self.outbound_flow(server, "PROD_MES", receiver.url, environment="production")
            server.stop()
            copy = f"{production}_copy"
            fault_servers.copy_database(production, copy)
            self.addCleanup(fault_servers.drop_database, copy)
            # The copy's server names the copy as production: its recorded name still differs.
            copy_sql = self.sql(copy)
            copy_sql.enqueue(flow, [{"order": "FROM-THE-COPY"}])
            copy_server = self.server(copy, cron_threads=1, env={PRODUCTION_ENV: copy})
            copy_sql.wake_runners()  # as an arriving message would
            settle = copy_sql.wait_settled(flow, 60)
            state, error = copy_sql.rows(
                "SELECT state, error FROM integration_message WHERE flow_id = %s", flow
            )[0]
            category = copy_sql.wait_value(
                30,
                "SELECT e.category FROM integration_exception e"
                " JOIN integration_message m ON m.exception_id = e.id WHERE m.flow_id = %s",
                flow,
            )
            copy_server.stop()
            _logger.info(f"fault suite: copy refused in {settle:.1f} s: {error}")
            self.assertEqual((state, category), ("failed", "environment"))
            self.assertIn("another database name", error)
            self.assertEqual(receiver.requests, [], "the copy called production")
            # The original, served by its own configuration, still sends.
            production_sql = self.sql(production)
            production_sql.enqueue(flow, [{"order": "FROM-PRODUCTION"}])
            self.server(production, cron_threads=1, env={PRODUCTION_ENV: production})
            production_sql.wake_runners()
            settle = production_sql.wait_settled(flow, 60)
            _logger.info(f"fault suite: production sent in {settle:.1f} s")
            self.assertEqual(production_sql.states(flow), {"done": 1})
            self.assertEqual(receiver.accepted(), [f"{flow}-0"])

    # ------------------------------------------------------------------ two servers, poison
    def test_two_servers_work_one_queue_through_a_poison_storm(self):
        database = self.database("storm")
        # One cron worker each: the queue's two runners then run in the two processes.
        first = self.server(database, cron_threads=1)
        first.rpc("ir.config_parameter", "set_param", "integration.claim_batch_size", "50")
        flow = self.inbound_flow(first, "STORM")
        second = self.server(database, cron_threads=1)
        valid = [{"ref": f"STORM-{n}", "name": f"Contact {n}"} for n in range(950)]
        causes = (
            [{"name": "no code"}] * 20  # The contact has no code ('ref').
            + [{"ref": f"STORM-BAD-{n}", "name": 7} for n in range(15)]  # must be text
            + [[1, 2]] * 15  # The payload must be a JSON object.
        )
        payloads = valid[:475] + causes + valid[475:]
        sql = self.sql(database)
        sql.enqueue(flow, payloads)
        settle = sql.wait_settled(flow, 120)
        states = sql.states(flow)
        # Cards are filed just after each batch's commit: wait for the last batch's.
        sql.wait_value(
            30,
            "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM integration_message"
            " WHERE flow_id = %s AND state = 'failed' AND exception_id IS NULL)",
            flow,
        )
        cards = sql.rows(
            "SELECT e.id, count(m.id) FROM integration_exception e"
            " LEFT JOIN integration_message m ON m.exception_id = e.id"
            " WHERE e.flow_id = %s GROUP BY e.id ORDER BY 2 DESC",
            flow,
        )
        workers = sql.value(
            "SELECT count(DISTINCT split_part(worker, ':', 2)) FROM integration_message_attempt"
            " WHERE flow_id = %s",
            flow,
        )
        partners = sql.rows(
            "SELECT count(*), count(DISTINCT ref) FROM res_partner WHERE ref LIKE 'STORM-%%'"
        )[0]
        _logger.info(
            f"fault suite: 1,000 messages (50 invalid, 3 causes) on two servers settled in"
            f" {settle:.1f} s: {states}, cards {[count for _id, count in cards]},"
            f" {workers} server processes worked"
        )
        self.assertEqual(states, {"done": 950, "failed": 50}, "nothing stranded")
        self.assertEqual([count for _id, count in cards], [20, 15, 15], "one card per cause")
        self.assertEqual(partners, (950, 950), "every valid message applied once")
        self.assertEqual(workers, 2, "both server processes worked the queue")
        self.assert_attempts_agree(sql, flow)
        for server in (first, second):
            self.assertFalse(
                [line for line in server.errors() if "serialize" in line or "bad query" in line]
            )

    # ------------------------------------------------------------------ an outage
    def test_an_outage_opens_and_closes_the_circuit_and_keeps_the_retry_schedule(self):
        database = self.database("outage")
        with Receiver() as receiver:
            server = self.server(database)
            flow = self.outbound_flow(
                server,
                "DOWN_MES",
                receiver.url,
                endpoint={"circuit_threshold": 3, "circuit_cooldown": 3},
                retry_base_seconds=2,
                retry_cap_seconds=8,
                max_attempts=20,
            )
            sql = self.sql(database)
            receiver.refusing = True
            outage = time.monotonic()
            sql.enqueue(flow, [{"order": f"WO-{n}"} for n in range(40)])
            time.sleep(10)
            receiver.refusing = False
            back = time.monotonic()
            settle = sql.wait_settled(flow, 90)
            gaps = sql.rows(
                "SELECT max(gap) FROM (SELECT extract(epoch FROM started_at - lag(started_at)"
                " OVER (PARTITION BY message_id ORDER BY number)) AS gap"
                " FROM integration_message_attempt WHERE flow_id = %s) g",
                flow,
            )[0][0]
            circuit = sql.value(
                "SELECT circuit_state FROM integration_endpoint e JOIN integration_flow f"
                " ON f.endpoint_id = e.id WHERE f.id = %s",
                flow,
            )
            attempts = sql.value(
                "SELECT count(*) FROM integration_message_attempt WHERE flow_id = %s", flow
            )
        accepted, refused = receiver.accepted(), receiver.refused()
        _logger.info(
            f"fault suite: 40 messages through a 10 s outage: {len(refused)} requests refused,"
            f" all done {settle:.1f} s after it ended ({time.monotonic() - outage:.1f} s in"
            f" all), {attempts} attempt rows, longest gap between two tries {gaps or 0:.1f} s"
        )
        self.assertEqual(sql.states(flow), {"done": 40})
        self.assertEqual(sorted(set(accepted)), sorted(f"{flow}-{n}" for n in range(40)))
        self.assertEqual(len(accepted), 40, "none sent again after its success")
        self.assertLess(len(refused), 40, "the open circuit held the messages back")
        self.assertEqual(circuit, "closed")
        self.assert_attempts_agree(sql, flow)
        # The cron workers' own poll is once a minute: only the wake-ups explain these.
        self.assertLess(time.monotonic() - back, 30)
        self.assertLess(gaps or 0, 20, "a retry waited past its schedule")

    # ------------------------------------------------------------------ a crash
    def test_kill_9_mid_batch_then_restart_applies_every_message_once(self):
        database = self.database("crash")
        server = self.server(database)
        flow = self.inbound_flow(server, "CRASH", lease_seconds=10)
        sql = self.sql(database)
        sql.enqueue(flow, [{"ref": f"CRASH-{n}", "name": f"Contact {n}"} for n in range(2000)])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = sql.states(flow)
            if states.get("done", 0) >= 200 and states.get("processing"):
                break
            time.sleep(0.02)
        server.kill()
        killed = time.monotonic()
        stranded = sql.states(flow).get("processing", 0)
        restarted = self.server(database)
        # Odoo's cron workers first look for work a minute after they start, or at once when
        # notified, as any arriving message does.
        sql.wake_runners()
        settle = sql.wait_settled(flow, 150)
        recovered = sql.value(
            "SELECT count(*) FROM integration_message_attempt WHERE flow_id = %s"
            " AND error LIKE 'Worker lease expired%%'",
            flow,
        )
        partners = sql.rows(
            "SELECT count(*), count(DISTINCT ref) FROM res_partner WHERE ref LIKE 'CRASH-%%'"
        )[0]
        _logger.info(
            f"fault suite: kill -9 with {states} ({stranded} claimed); after restart all"
            f" settled {time.monotonic() - killed:.1f} s after the kill ({settle:.1f} s after"
            f" the restart), {recovered} recovered from their 10 s lease"
        )
        self.assertGreater(stranded, 0, "the kill came mid-batch")
        self.assertEqual(sql.states(flow), {"done": 2000})
        self.assertEqual(partners, (2000, 2000), "every message applied exactly once")
        self.assertEqual(recovered, stranded)
        self.assert_attempts_agree(sql, flow)
        self.assertFalse(restarted.errors())

    # ------------------------------------------------------------------ a broker restart
    def test_a_broker_restart_during_ingest_loses_and_duplicates_nothing(self):
        database = self.database("broker")
        tag = uuid.uuid4().hex[:8]
        exchange, queue = f"fault.{tag}.x", f"fault.{tag}.q"
        amqp_transport.declare_queue(AMQP_URL, exchange, queue, "#")
        self.addCleanup(self._delete_broker_objects, exchange, queue)
        server = self.server(database, cron_threads=0)
        flow = self.inbound_flow(
            server,
            "AMQP_PLANT",
            endpoint={
                "transport": "amqp",
                "url": AMQP_URL,
                "amqp_exchange": exchange,
                "amqp_queue": queue,
            },
        )
        server.stop()
        sql = self.sql(database)
        consumer = ConsumerProcess(database)
        self.addCleanup(consumer.stop)
        consumer.start()
        keys = [f"B-{n}" for n in range(2000)]
        started = time.monotonic()
        self._publish(exchange, keys[:100])
        while sql.value("SELECT count(*) FROM integration_message") < 100:
            self.assertLess(time.monotonic() - started, 90, consumer.tail())
            time.sleep(0.05)
        # The consumer is working: the rest comes at about 400 a second, as a plant sends.
        publisher = threading.Thread(
            target=self._publish, args=(exchange, keys[100:] + keys[::20]), daemon=True
        )
        publisher.start()
        time.sleep(1)
        pika_logger = logging.getLogger("pika")
        self.addCleanup(pika_logger.setLevel, pika_logger.level)
        pika_logger.setLevel(logging.CRITICAL)  # the publisher's reconnections are expected
        try:
            rabbitmqctl("stop_app")
            at_stop = sql.value("SELECT count(*) FROM integration_message")
            time.sleep(3)
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")
        restarted = time.monotonic()
        publisher.join(timeout=60)
        while sql.value("SELECT count(*) FROM integration_message") < 2000:
            if time.monotonic() - restarted > 90:
                break
            time.sleep(0.1)
        settled = time.monotonic()
        time.sleep(1)  # a duplicate still in flight would show now
        counts = sql.rows(
            "SELECT count(*), count(DISTINCT idempotency_key) FROM integration_message"
            " WHERE flow_id = %s",
            flow,
        )[0]
        depth = self._depth(queue)
        _logger.info(
            "fault suite: 2,100 AMQP deliveries (100 duplicates), broker stopped 3 s with"
            " %d in the inbox; all in the inbox %.1f s after it came back (%.1f s in all),"
            " %s messages, %d left in the queue",
            at_stop,
            settled - restarted,
            settled - started,
            counts,
            depth,
        )
        self.assertFalse(publisher.is_alive(), "the publisher got everything confirmed")
        self.assertTrue(100 < at_stop < 2000, "the broker stopped during ingest")
        self.assertEqual(counts, (2000, 2000), "every delivery in the inbox once")
        self.assertEqual(depth, 0, "all acked")
        self.assertIsNone(consumer.process.poll(), "the consumer reconnected by itself")

    def _publish(self, exchange, keys):
        """Publish with confirms at a steady pace; through an outage, publish again what was
        not confirmed (a duplicate at worst, which the inbox recognises)."""
        pending = list(keys)
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:
            try:
                connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
            except (pika.exceptions.AMQPError, OSError):
                time.sleep(0.3)
                continue
            try:
                channel = connection.channel()
                channel.confirm_delivery()
                while pending:
                    key = pending[0]
                    channel.basic_publish(
                        exchange,
                        "contacts",
                        json.dumps({"ref": key, "name": f"Contact {key}"}).encode(),
                        pika.BasicProperties(delivery_mode=2, message_id=key, type="contacts"),
                    )
                    pending.pop(0)
                    time.sleep(0.0025)
            except (pika.exceptions.AMQPError, OSError):
                time.sleep(0.3)
            finally:
                if connection.is_open:
                    try:
                        connection.close()
                    except pika.exceptions.AMQPError as error:  # the broker went first
                        _logger.debug("Publisher connection already gone: %s", error)

    def _depth(self, queue):
        connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
        try:
            return connection.channel().queue_declare(queue, passive=True).method.message_count
        finally:
            connection.close()

    def _delete_broker_objects(self, exchange, queue):
        connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
        try:
            channel = connection.channel()
            for name in (queue, f"{queue}.dead"):
                channel.queue_delete(name)
            for name in (exchange, f"{exchange}.dlx"):
                channel.exchange_delete(name)
        finally:
            connection.close()
