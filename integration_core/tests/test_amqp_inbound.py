"""AMQP inbound against the real broker: scheduled pull, redelivery, dead letters, the consumer.

The AMQP endpoint and its flow are committed before the test transaction starts (and removed
after the class) so that a separate process (the consumer command) and a concurrent transaction
see them as production would.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import unquote, urlsplit, urlunsplit

import pika

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import get_db_name, tagged
from odoo.tools import config, mute_logger

from ..lib import amqp_transport, sunset
from ..lib.crypto import SecretBox
from .common import TEST_ENCRYPTION_KEY, IntegrationCase

AMQP_URL = os.environ.get("INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
FLOW = "partner.upsert"
TRANSPORT_LOGGER = "odoo.addons.integration_core.lib.amqp_transport"


class Crash(BaseException):
    """Stands for the process dying between the commit and the ack."""


def committed_env():
    """A cursor of its own (not the test's): what it does is really committed."""
    return db_connect(get_db_name()).cursor()


class AmqpInboundCase(IntegrationCase):
    """An AMQP endpoint with its queue (and dead-letter queue) on the real broker, committed;
    the queues are purged before each test."""

    @classmethod
    def setUpClass(cls):
        cls.tag = uuid.uuid4().hex[:10]
        cls.exchange = f"test.inbound.{cls.tag}.x"
        cls.queue = f"test.inbound.{cls.tag}.q"
        amqp_transport.declare_queue(AMQP_URL, cls.exchange, cls.queue, "#")
        cls.addClassCleanup(cls._delete_broker_objects)
        cls.endpoint_id, cls.flow_id = cls._commit_endpoint()
        cls.addClassCleanup(cls._delete_endpoint)
        super().setUpClass()
        cls.amqp_endpoint = cls.env["integration.endpoint"].browse(cls.endpoint_id)
        cls.amqp_flow = cls.env["integration.flow"].browse(cls.flow_id)

    @classmethod
    def _commit_endpoint(cls):
        parts = urlsplit(AMQP_URL)
        with committed_env() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            endpoint = env["integration.endpoint"].create(
                {
                    "name": "Plant 2 MES (AMQP)",
                    "code": f"AMQP_{cls.tag}",
                    "environment": "test",
                    "transport": "amqp",
                    "url": urlunsplit(parts._replace(netloc=f"{parts.hostname}:{parts.port}")),
                    "username": unquote(parts.username or "guest"),
                    "secret_ciphertext": SecretBox([TEST_ENCRYPTION_KEY]).encrypt(
                        unquote(parts.password or "guest")
                    ),
                    "amqp_exchange": cls.exchange,
                    "amqp_queue": cls.queue,
                }
            )
            flow = env["integration.flow"].create(
                {
                    "name": FLOW,
                    "code": FLOW,
                    "endpoint_id": endpoint.id,
                    "direction": "inbound",
                    "handler": "integration.handler.partner",
                    "state": "active",
                }
            )
            return endpoint.id, flow.id

    @classmethod
    def _delete_endpoint(cls):
        with committed_env() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.message"].search([("endpoint_id", "=", cls.endpoint_id)]).unlink()
            # A flow in use is archived, not deleted: back to draft to remove the test's own.
            flow = env["integration.flow"].browse(cls.flow_id)
            flow.write({"state": "draft"})
            flow.unlink()
            env["integration.endpoint"].browse(cls.endpoint_id).unlink()

    @classmethod
    def _delete_broker_objects(cls):
        connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
        channel = connection.channel()
        for queue in (cls.queue, f"{cls.queue}.dead"):
            channel.queue_delete(queue)
        for exchange in (cls.exchange, f"{cls.exchange}.dlx"):
            channel.exchange_delete(exchange)
        connection.close()

    def setUp(self):
        super().setUp()
        connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
        self.addCleanup(connection.close)
        self.channel = connection.channel()
        self.channel.confirm_delivery()
        for queue in (self.queue, f"{self.queue}.dead"):
            self.channel.queue_purge(queue)

    # ------------------------------------------------------------------ helpers
    def publish(self, payload, message_id, routing_key=FLOW, **properties):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.channel.basic_publish(
            self.exchange,
            routing_key,
            body,
            pika.BasicProperties(delivery_mode=2, message_id=message_id, **properties),
            mandatory=True,
        )

    def depth(self, queue):
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def wait_for_depth(self, queue, expected, timeout=5.0):
        """Requeueing and dead-lettering are asynchronous inside the broker: poll briefly."""
        deadline = time.monotonic() + timeout
        while self.depth(queue) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.depth(queue), expected, f"messages ready in {queue}")

    def dead_letter_ids(self):
        """message_id of each message in the dead-letter queue, taken off it."""
        ids = []
        while True:
            method, properties, _body = self.channel.basic_get(f"{self.queue}.dead", auto_ack=True)
            if not method:
                return ids
            ids.append(properties.message_id)

    def poll(self):
        self.env["integration.inbound.poller"]._cron_poll_amqp()

    def messages(self, *keys):
        return self.env["integration.message"].search(
            [("endpoint_id", "=", self.endpoint_id), ("idempotency_key", "in", keys)]
        )

    def partners(self, ref):
        return self.env["res.partner"].search([("ref", "=", ref)])


@tagged("post_install", "-at_install")
class TestAmqpInbound(AmqpInboundCase):
    # ------------------------------------------------------------------ scheduled pull
    def test_pulled_messages_are_applied_whichever_way_they_name_their_flow(self):
        keys = [f"{name}-{self.tag}" for name in ("type", "header", "key")]
        self.publish({"ref": "T-1", "name": "By type"}, keys[0], "x.y", type=FLOW)
        self.publish({"ref": "T-2", "name": "By header"}, keys[1], "x.y", headers={"x-flow": FLOW})
        self.publish({"ref": "T-3", "name": "By routing key"}, keys[2], correlation_id="order-77")
        self.poll()
        self.assertEqual(self.depth(self.queue), 0, "acked once committed")
        messages = self.messages(*keys)
        self.assertEqual(sorted(messages.mapped("idempotency_key")), sorted(keys))
        self.assertEqual(messages.flow_id, self.amqp_flow)
        self.assertEqual(self.messages(keys[1]).get_headers(), {"x-flow": FLOW})
        self.assertEqual(self.messages(keys[2]).correlation_id, "order-77")
        self.run_queue()
        self.assertEqual(set(messages.mapped("state")), {"done"})
        self.assertEqual(self.partners("T-2").name, "By header")

    def test_text_bodies_are_kept_as_they_are(self):
        key = f"csv-{self.tag}"
        self.publish(b"ref;name\nC-1;Csv\n", key, content_type="text/csv")
        self.poll()
        self.assertEqual(self.messages(key).get_payload(), "ref;name\nC-1;Csv\n")

    def test_a_redelivery_after_a_crash_is_not_a_second_message(self):
        keys = [f"crash-{self.tag}-1", f"crash-{self.tag}-2"]
        self.publish({"ref": "R-1", "name": "Once"}, keys[0])
        self.publish({"ref": "R-1", "name": "Once"}, keys[0])  # the publisher sent it twice
        self.publish({"ref": "R-2", "name": "Also once"}, keys[1])
        poller = self.env["integration.inbound.poller"]

        def commit_then_crash(deliveries):
            poller._commit_deliveries(self.endpoint_id, deliveries)
            raise Crash()

        # Not assertRaises: Odoo's rolls the database back, as the crash must not.
        crashed = False
        try:
            amqp_transport.pull(AMQP_URL, self.queue, commit_then_crash)
        except Crash:
            crashed = True
        self.assertTrue(crashed)
        self.wait_for_depth(self.queue, 3)  # never acked: the broker delivers them again
        self.assertEqual(len(self.messages(*keys)), 2)
        self.poll()
        self.assertEqual(self.depth(self.queue), 0)
        self.assertEqual(len(self.messages(*keys)), 2)
        self.run_queue()
        self.assertEqual(len(self.partners("R-1")), 1)

    def test_the_same_message_twice_in_one_batch_is_one_message(self):
        key, other = f"twice-{self.tag}", f"other-{self.tag}"
        self.publish({"ref": "D-1", "name": "Twice"}, key)
        self.publish({"ref": "D-1", "name": "Twice"}, key)
        self.publish({"ref": "D-2", "name": "Other"}, other)
        poller = self.env["integration.inbound.poller"]
        outcomes = []

        def commit(deliveries):
            outcomes.append(poller._commit_deliveries(self.endpoint_id, deliveries))
            return outcomes[-1]

        self.assertEqual(amqp_transport.pull(AMQP_URL, self.queue, commit), 3)
        self.assertEqual(outcomes, [[True, False, True]], "one batch: new, duplicate, new")
        self.assertEqual(len(self.messages(key)), 1)
        self.assertEqual(len(self.messages(other)), 1)

    def test_refused_messages_of_a_batch_are_dead_lettered_alone(self):
        """No flow, an empty or binary body: checked before the batch's insert, dead-lettered
        while the good messages of the same batch are committed."""
        good = [f"good-{self.tag}-1", f"good-{self.tag}-2"]
        bad = [f"noflow-{self.tag}", f"empty-{self.tag}", f"binary-{self.tag}"]
        self.publish({"ref": "G-1", "name": "Good"}, good[0])
        self.publish({"a": 1}, bad[0], type="no.such.flow")
        self.publish(b"  ", bad[1])
        self.publish(b"\x00\x01", bad[2])
        self.publish({"ref": "G-2", "name": "Good too"}, good[1])
        with mute_logger(TRANSPORT_LOGGER):
            self.poll()
        self.assertEqual(sorted(self.messages(*good, *bad).mapped("idempotency_key")), good)
        self.assertEqual(self.depth(self.queue), 0)
        self.wait_for_depth(f"{self.queue}.dead", 3)
        self.assertEqual(self.dead_letter_ids(), bad)

    def test_messages_out_of_the_input_limits_are_dead_lettered_alone(self):
        """The input limits are checked per message before the batch's insert: a message out
        of them is dead-lettered with its reason logged, the rest of the batch committed."""
        good = [f"good-{self.tag}-1", f"good-{self.tag}-2"]
        bad = [f"nan-{self.tag}", f"deep-{self.tag}", f"sur-{self.tag}"]
        self.publish({"ref": "L-1", "name": "Good"}, good[0])
        self.publish(b'{"qty": NaN}', bad[0])
        self.publish(b'{"a": ' * 65 + b"1" + b"}" * 65, bad[1])
        self.publish(b'{"name": "\\udc00"}', bad[2])
        self.publish({"ref": "L-2", "name": "Good too"}, good[1])
        with self.assertLogs(TRANSPORT_LOGGER, "WARNING") as logs:
            self.poll()
        self.assertEqual(sorted(self.messages(*good, *bad).mapped("idempotency_key")), good)
        self.wait_for_depth(f"{self.queue}.dead", 3)
        self.assertEqual(self.dead_letter_ids(), bad)
        reasons = "\n".join(logs.output)
        for reason in ("not a JSON number", "deeper than 64", "lone surrogate"):
            self.assertIn(reason, reasons)

    def test_a_message_with_nul_in_a_key_is_dead_lettered_alone(self):
        """PostgreSQL text cannot hold NUL: the input limits refuse it before the batch's
        insert, so only the message carrying it is dead-lettered."""
        good, bad = [f"good-{self.tag}-1", f"good-{self.tag}-2"], f"nul-{self.tag}"
        self.publish({"ref": "N-1", "name": "Good"}, good[0])
        self.publish({"ref": "N-2", "name": "Bad"}, bad, correlation_id="nul\x00here")
        self.publish({"ref": "N-3", "name": "Good too"}, good[1])
        with mute_logger(TRANSPORT_LOGGER):
            self.poll()
        self.assertEqual(sorted(self.messages(*good, bad).mapped("idempotency_key")), good)
        self.assertEqual(self.depth(self.queue), 0)
        self.wait_for_depth(f"{self.queue}.dead", 1)
        self.assertEqual(self.dead_letter_ids(), [bad])
        self.run_queue()
        self.assertEqual(self.partners("N-1").name, "Good")
        self.assertFalse(self.partners("N-2"))

    def test_a_temporary_flow_past_its_sunset_dead_letters_with_the_reason(self):
        key = f"sunset-{self.tag}"
        self.amqp_flow.write({"lifecycle": "temporary", "sunset_date": sunset.today()})
        self.publish({"ref": "SU-1", "name": "Too late"}, key)
        self.env.flush_all()  # the pull reads the flow in a cursor of its own
        with self.assertLogs(TRANSPORT_LOGGER, "WARNING") as logs:
            self.poll()
        self.wait_for_depth(f"{self.queue}.dead", 1)
        self.assertEqual(self.dead_letter_ids(), [key])
        self.assertFalse(self.messages(key))
        self.assertIn("reached its sunset date", "\n".join(logs.output))

    def test_a_message_for_an_unknown_flow_is_dead_lettered_not_lost(self):
        key = f"lost-{self.tag}"
        self.publish({"a": 1}, key, type="no.such.flow")
        with mute_logger(TRANSPORT_LOGGER):
            self.poll()
        self.wait_for_depth(f"{self.queue}.dead", 1)
        self.assertEqual(self.depth(self.queue), 0)
        self.assertFalse(self.messages(key))
        self.assertEqual(self.dead_letter_ids(), [key])

    def test_a_batch_the_database_cannot_take_now_stays_in_the_broker(self):
        """A concurrent transaction committed the same message_id after ours began (the
        consumer and the scheduled pull got a duplicate at once): PostgreSQL refuses our insert
        with a serialization failure, which is transient: the whole batch is not acked,
        delivered again later, then recognised as a duplicate by a fresh transaction."""
        key, other = f"race-{self.tag}", f"race-other-{self.tag}"
        with committed_env() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            flow = env["integration.flow"].browse(self.flow_id)
            env["integration.message"].enqueue(flow, {"ref": "X-1"}, idempotency_key=key)
        self.publish({"ref": "X-2", "name": "Innocent"}, other)
        self.publish({"ref": "X-1", "name": "Raced"}, key)
        with mute_logger("odoo.sql_db"), self.assertLogs(TRANSPORT_LOGGER, "WARNING") as logs:
            self.poll()
        self.assertIn("requeued: Database unavailable", logs.output[0])
        self.assertIn("could not serialize access", logs.output[0])
        self.wait_for_depth(self.queue, 2)
        self.assertEqual(self.depth(f"{self.queue}.dead"), 0)
        self.assertFalse(self.messages(key, other), "nothing half-done in this transaction")

    # ------------------------------------------------------------------ consumer command
    def test_the_consumer_command_commits_then_acks_and_stops_on_sigterm(self):
        keys = [f"cli-{self.tag}-1", f"cli-{self.tag}-2"]
        self.publish({"ref": "K-1", "name": "One"}, keys[0])
        self.publish({"ref": "K-1", "name": "One"}, keys[0])  # a duplicate
        self.publish({"ref": "K-2", "name": "Two"}, keys[1])
        self.publish({"a": 1}, f"cli-{self.tag}-lost", type="no.such.flow")
        process, log = self.start_consumer()  # one batch: the four came before it started
        deadline = time.monotonic() + 120
        while self.committed_keys(keys) != keys or self.depth(f"{self.queue}.dead") != 1:
            if process.poll() is not None or time.monotonic() > deadline:
                self.fail(f"the consumer did not take the messages:\n{_tail(log)}")
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertIn("2 new, 1 duplicate, 1 dead-lettered messages", _tail(log))
        self.assertEqual(self.depth(self.queue), 0)

    def test_the_consumer_command_killed_before_its_commit_leaves_the_batch_in_the_broker(self):
        keys = [f"kill-{self.tag}-{n}" for n in range(3)]
        for n, key in enumerate(keys):
            self.publish({"ref": f"KL-{n}", "name": "Killed"}, key)
        # A long batch window: the consumer holds the batch, uncommitted, when it is killed.
        process, log = self.start_consumer("--batch-wait-ms", "10000")
        deadline = time.monotonic() + 120
        while self.depth(self.queue):  # prefetched by the consumer, not acked
            if process.poll() is not None or time.monotonic() > deadline:
                self.fail(f"the consumer did not take the messages:\n{_tail(log)}")
            time.sleep(0.1)
        process.kill()
        process.wait(timeout=30)
        self.wait_for_depth(self.queue, 3)
        self.assertEqual(self.committed_keys(keys), [])
        process, log = self.start_consumer("--max-messages", "3", "--idle-timeout", "60")
        self.assertEqual(process.wait(timeout=120), 0, _tail(log))  # a drain run stops by itself
        self.assertIn("3 new, 0 duplicate, 0 dead-lettered messages", _tail(log))
        self.assertEqual(self.committed_keys(keys), keys)
        self.assertEqual(self.depth(self.queue), 0)

    def start_consumer(self, *options):
        """The consumer command in a process of its own; returns it and its log file."""
        log = tempfile.TemporaryFile(mode="w+")
        self.addCleanup(log.close)
        process = subprocess.Popen(
            [*self.consumer_command(), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.consumer_env(),
        )
        self.addCleanup(_terminate, process)
        return process, log

    def consumer_command(self):
        return [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={config['addons_path']}",
            "integration-amqp-consumer",
            "-d",
            get_db_name(),
            "--endpoint",
            self.amqp_endpoint.code,
            "--prefetch",
            "10",
            "--log-level=info",
            *(
                f"--{name}={config[name]}"
                for name in ("db_host", "db_port", "db_user")
                if config[name]
            ),
        ]

    def consumer_env(self):
        env = dict(os.environ, INTEGRATION_ENCRYPTION_KEYS=TEST_ENCRYPTION_KEY)
        if config["db_password"]:
            env["PGPASSWORD"] = config["db_password"]
        return env

    def committed_keys(self, keys):
        """Sorted keys of ``keys`` that the consumer committed (invisible to the test's cursor)."""
        with committed_env() as cr:
            cr.execute(
                "SELECT idempotency_key FROM integration_message"
                " WHERE endpoint_id = %s AND idempotency_key = ANY(%s) ORDER BY 1",
                [self.endpoint_id, keys],
            )
            return [row[0] for row in cr.fetchall()]


def _tail(log):
    """The end of a consumer's log file."""
    log.seek(0)
    return log.read()[-3000:]


def _terminate(process):
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
