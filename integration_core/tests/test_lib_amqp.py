"""AMQP transport against the real RabbitMQ broker (``INTEGRATION_TEST_AMQP_URL`` or loopback)."""

import os
import threading
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pika

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import amqp_transport
from odoo.addons.integration_core.lib.errors import PermanentError, TransientError

AMQP_URL = os.environ.get("INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
UNREACHABLE_URL = "amqp://guest:never-shown-pw@127.0.0.1:1/%2F"


class Crash(BaseException):
    """Stands for the process dying in the middle of a callback."""


def accept(batches):
    """A batch callback that records each batch in ``batches`` and accepts all of it."""

    def handle(deliveries):
        batches.append([d.properties.message_id for d in deliveries])
        return [None] * len(deliveries)

    return handle


@tagged("post_install", "-at_install")
class TestAmqpTransport(BaseCase):
    def setUp(self):
        super().setUp()
        name = f"test.integration.{uuid.uuid4().hex[:12]}"
        self.exchange = f"{name}.x"
        self.queue = f"{name}.q"
        self.dead_queue = f"{self.queue}.dead"
        self.addCleanup(self.delete_broker_objects)

    # Helpers: a separate connection to look at the broker, as an operator would.

    def admin_channel(self):
        connection = pika.BlockingConnection(amqp_transport.connection_parameters(AMQP_URL))
        self.addCleanup(lambda: connection.is_open and connection.close())
        return connection.channel()

    def delete_broker_objects(self):
        channel = self.admin_channel()
        for queue in (self.queue, self.dead_queue):
            channel.queue_delete(queue)
        for exchange in (self.exchange, f"{self.exchange}.dlx"):
            channel.exchange_delete(exchange)

    def depth(self, queue):
        """Messages ready in ``queue``."""
        return self.admin_channel().queue_declare(queue, passive=True).method.message_count

    def wait_for_depth(self, queue, expected, timeout=5.0):
        """Dead-lettering is asynchronous inside the broker: poll briefly."""
        deadline = time.monotonic() + timeout
        while self.depth(queue) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.depth(queue), expected, f"messages ready in {queue}")

    def publisher(self, **kwargs):
        kwargs.setdefault("queue", self.queue)
        publisher = amqp_transport.AmqpPublisher(AMQP_URL, self.exchange, **kwargs)
        self.addCleanup(publisher.close)
        return publisher

    def publish(self, *message_ids):
        with self.publisher() as publisher:
            for message_id in message_ids:
                publisher.publish(f'{{"id": "{message_id}"}}'.encode(), message_id=message_id)

    def consumer(self, **options):
        options = {"prefetch": 10, "requeue_delay": 0.1, **options}
        return amqp_transport.AmqpConsumer(AMQP_URL, self.queue, **options)

    def publish_later(self, delay, *message_ids):
        """Publish from another thread after ``delay`` seconds, while a consumer runs."""
        timer = threading.Timer(delay, self.publish, message_ids)
        timer.start()
        self.addCleanup(timer.join)

    # Publishing

    def test_publish_is_persistent_confirmed_and_read_back_by_pull(self):
        with self.publisher() as publisher:
            for number in range(3):
                publisher.publish(
                    f'{{"n": {number}}}'.encode(),
                    message_id=f"msg-{number}",
                    headers={"flow": "orders"},
                )
        self.assertEqual(self.depth(self.queue), 3)
        received = []

        def keep(deliveries):
            received.extend(deliveries)
            return [None] * len(deliveries)

        taken = amqp_transport.pull(AMQP_URL, self.queue, keep, max_messages=10)
        self.assertEqual(taken, 3)
        self.assertEqual([d.body for d in received], [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}'])
        first = received[0]
        self.assertEqual(first.properties.delivery_mode, amqp_transport.PERSISTENT)
        self.assertEqual(first.properties.message_id, "msg-0")
        self.assertEqual(first.properties.content_type, "application/json")
        self.assertEqual(first.properties.headers, {"flow": "orders"})
        self.assertEqual((first.exchange, first.routing_key), (self.exchange, self.queue))
        self.assertFalse(first.redelivered)
        self.assertEqual(self.depth(self.queue), 0)

    def test_declared_layout_is_durable_with_a_dead_letter_queue(self):
        amqp_transport.declare_queue(AMQP_URL, self.exchange, self.queue, "orders.*")
        channel = self.admin_channel()
        # Passive declarations fail when the object is missing.
        channel.exchange_declare(self.exchange, "topic", passive=True)
        channel.exchange_declare(f"{self.exchange}.dlx", "direct", passive=True)
        channel.queue_declare(self.dead_queue, passive=True)
        # The broker refuses a declaration whose arguments differ from the existing queue's.
        channel.queue_declare(
            self.queue,
            durable=True,
            arguments={
                "x-dead-letter-exchange": f"{self.exchange}.dlx",
                "x-dead-letter-routing-key": self.queue,
            },
        )
        with self.publisher(queue=None, routing_key="orders.created") as publisher:
            publisher.publish(b"{}")
        self.assertEqual(self.depth(self.queue), 1)

    def test_declaring_over_a_queue_with_other_arguments_is_permanent(self):
        self.admin_channel().queue_declare(self.queue, durable=True)
        with self.assertRaises(PermanentError) as caught:
            amqp_transport.declare_queue(AMQP_URL, self.exchange, self.queue, self.queue)
        self.assertEqual(caught.exception.status_code, 406)

    def test_unroutable_publish_is_permanent_and_the_publisher_stays_usable(self):
        publisher = self.publisher(queue=None, routing_key="nobody.listens")
        with self.assertRaises(PermanentError) as caught:
            publisher.publish(b"{}")
        self.assertIn("no queue is bound", str(caught.exception))
        amqp_transport.declare_queue(AMQP_URL, self.exchange, self.queue, "nobody.listens")
        publisher.publish(b"{}")
        self.assertEqual(self.depth(self.queue), 1)

    def test_publish_to_a_missing_exchange_is_permanent(self):
        publisher = self.publisher(queue=None, declare=False)
        with self.assertRaises(PermanentError) as caught:
            publisher.publish(b"{}", routing_key="orders.created")
        self.assertEqual(caught.exception.status_code, 404)

    def test_connection_test_outcomes(self):
        ok, message = self.publisher(queue=None, declare=False).test_connection()
        self.assertFalse(ok)
        self.assertIn(self.exchange, message)
        self.assertIn("NOT_FOUND", message)
        ok, message = self.publisher(queue=None).test_connection()
        self.assertTrue(ok, message)
        ok, message = self.publisher(queue=None, declare=False).test_connection()
        self.assertTrue(ok, message)
        ok, message = amqp_transport.AmqpPublisher(UNREACHABLE_URL, self.exchange).test_connection()
        self.assertFalse(ok)
        self.assertIn("Connection refused", message)
        self.assertNotIn("never-shown-pw", message)

    # Consuming

    def test_consumer_hands_over_a_batch_and_acks_it_after_the_callback_returns(self):
        self.publish("m1", "m2", "m3")
        batches = []
        taken = self.consumer().run(accept(batches), idle_timeout=1)
        self.assertEqual(taken, 3)
        self.assertEqual(batches, [["m1", "m2", "m3"]])
        self.assertEqual(self.depth(self.queue), 0)

    def test_a_batch_is_what_came_within_the_batch_wait_of_its_first_message(self):
        self.publish("m1")
        self.publish_later(0.3, "m2")
        batches = []
        self.consumer(batch_wait=2.0).run(accept(batches), idle_timeout=1)
        self.assertEqual(batches, [["m1", "m2"]])

    def test_without_batch_wait_each_message_that_came_alone_is_a_batch(self):
        self.publish("m1")
        self.publish_later(0.3, "m2")
        batches = []
        self.consumer(batch_wait=0).run(accept(batches), idle_timeout=1)
        self.assertEqual(batches, [["m1"], ["m2"]])

    def test_a_batch_is_at_most_the_prefetch_count(self):
        self.publish("m1", "m2", "m3")
        batches = []
        self.consumer(prefetch=2, batch_wait=1.0).run(accept(batches), idle_timeout=1)
        self.assertEqual(batches, [["m1", "m2"], ["m3"]])

    def test_crash_inside_the_callback_loses_nothing(self):
        self.publish("m1", "m2", "m3")

        def crash(deliveries):
            raise Crash()

        with self.assertRaises(Crash):
            self.consumer().run(crash, max_messages=3, idle_timeout=5)
        self.assertEqual(self.depth(self.queue), 3)
        received = []
        self.assertEqual(amqp_transport.pull(AMQP_URL, self.queue, accept(received)), 3)
        self.assertEqual(received, [["m1", "m2", "m3"]])

    def test_transient_error_requeues_the_batch_and_the_redelivery_is_flagged(self):
        self.publish("m1", "m2")
        deliveries = []

        def fail_once(batch):
            deliveries.append([(d.properties.message_id, d.redelivered) for d in batch])
            if len(deliveries) == 1:
                raise TransientError("database busy")
            return [None] * len(batch)

        with self.assertLogs(amqp_transport.__name__, "WARNING"):
            taken = self.consumer().run(fail_once, max_messages=2, idle_timeout=5)
        self.assertEqual(taken, 2)
        self.assertEqual(deliveries, [[("m1", False), ("m2", False)], [("m1", True), ("m2", True)]])
        self.assertEqual(self.depth(self.queue), 0)
        self.assertEqual(self.depth(self.dead_queue), 0)

    def test_refused_deliveries_are_dead_lettered_alone(self):
        """An outcome that is an error dead-letters its delivery only; an exception for the
        whole batch has each delivery handled alone, and dead-letters only those failing so."""
        self.publish("good", "bad-data", "bug", "fine")
        batches = []

        def reject(deliveries):
            ids = [d.properties.message_id for d in deliveries]
            batches.append(ids)
            if "bug" in ids:
                raise ValueError("a bug in the handler")
            return [PermanentError("unknown product") if i == "bad-data" else None for i in ids]

        with self.assertLogs(amqp_transport.__name__, "WARNING"):
            taken = self.consumer().run(reject, max_messages=4, idle_timeout=5)
        self.assertEqual(taken, 4)
        self.assertEqual(
            batches,
            [["good", "bad-data", "bug", "fine"], ["good"], ["bad-data"], ["bug"], ["fine"]],
        )
        self.assertEqual(self.depth(self.queue), 0)
        self.wait_for_depth(self.dead_queue, 2)
        dead = []
        amqp_transport.pull(AMQP_URL, self.dead_queue, accept(dead))
        self.assertEqual(dead, [["bad-data", "bug"]])

    def test_dead_letters_record_the_queue_they_were_rejected_from(self):
        self.publish("bad-data")
        with self.assertLogs(amqp_transport.__name__, "WARNING"):
            self.consumer().run(lambda ds: [PermanentError("no")], max_messages=1, idle_timeout=5)
        self.wait_for_depth(self.dead_queue, 1)
        dead = []

        def keep(deliveries):
            dead.extend(deliveries)
            return [None] * len(deliveries)

        amqp_transport.pull(AMQP_URL, self.dead_queue, keep)
        death = dead[0].properties.headers["x-death"][0]
        self.assertEqual((death["queue"], death["reason"]), (self.queue, "rejected"))

    def test_pull_hands_over_batches(self):
        self.publish("m1", "m2", "m3", "m4", "m5")
        batches = []
        taken = amqp_transport.pull(AMQP_URL, self.queue, accept(batches), batch_size=2)
        self.assertEqual(taken, 5)
        self.assertEqual(batches, [["m1", "m2"], ["m3", "m4"], ["m5"]])

    def test_pull_stops_at_a_transient_error_and_keeps_the_messages(self):
        self.publish("m1", "m2", "m3")
        calls = []

        def busy_second_time(deliveries):
            calls.append(len(deliveries))
            if len(calls) == 2:
                raise TransientError("database busy")
            return [None] * len(deliveries)

        with self.assertLogs(amqp_transport.__name__, "WARNING"):
            taken = amqp_transport.pull(AMQP_URL, self.queue, busy_second_time, batch_size=1)
        self.assertEqual((taken, calls), (1, [1, 1]))
        self.assertEqual(self.depth(self.queue), 2)
        self.assertEqual(self.depth(self.dead_queue), 0)

    def test_pull_respects_max_messages(self):
        self.publish("m1", "m2", "m3")
        taken = amqp_transport.pull(AMQP_URL, self.queue, accept([]), max_messages=2)
        self.assertEqual(taken, 2)
        self.assertEqual(self.depth(self.queue), 1)

    def test_consumer_stops_on_idle_timeout_and_stop_event(self):
        amqp_transport.declare_queue(AMQP_URL, self.exchange, self.queue, self.queue)
        started = time.monotonic()
        self.assertEqual(self.consumer().run(accept([]), idle_timeout=0.5), 0)
        self.assertLess(time.monotonic() - started, 3)

        stop = threading.Event()
        timer = threading.Timer(0.5, stop.set)
        timer.start()
        self.addCleanup(timer.cancel)
        started = time.monotonic()
        self.assertEqual(self.consumer().run(accept([]), stop_event=stop), 0)
        self.assertLess(time.monotonic() - started, 3)

    def test_stop_event_leaves_unhandled_messages_in_the_queue(self):
        self.publish("m1", "m2", "m3")
        stop = threading.Event()

        def handle_then_stop(deliveries):
            stop.set()
            return [None] * len(deliveries)

        taken = self.consumer(prefetch=1).run(handle_then_stop, stop_event=stop)
        self.assertEqual(taken, 1)
        self.wait_for_depth(self.queue, 2)

    def test_max_messages_bounds_the_batch_and_requeues_the_prefetched_rest(self):
        self.publish("m1", "m2", "m3")
        batches = []
        taken = self.consumer(batch_wait=1.0).run(accept(batches), max_messages=2)
        self.assertEqual((taken, batches), (2, [["m1", "m2"]]))
        self.wait_for_depth(self.queue, 1)

    def test_missing_queue_is_permanent(self):
        with self.assertRaises(PermanentError):
            amqp_transport.pull(AMQP_URL, self.queue, lambda d: None)
        with self.assertRaises(PermanentError):
            self.consumer().run(lambda d: None, idle_timeout=1)

    # Broker failures

    def test_unreachable_broker_is_transient_and_quick(self):
        attempts = {
            "publish": lambda: amqp_transport.AmqpPublisher(UNREACHABLE_URL, self.exchange).publish(
                b"{}"
            ),
            "pull": lambda: amqp_transport.pull(UNREACHABLE_URL, self.queue, lambda d: None),
            "consume": lambda: amqp_transport.AmqpConsumer(UNREACHABLE_URL, self.queue).run(
                lambda d: None, idle_timeout=1
            ),
            "declare": lambda: amqp_transport.declare_queue(
                UNREACHABLE_URL, self.exchange, self.queue, self.queue
            ),
        }
        for name, attempt in attempts.items():
            with self.subTest(name):
                started = time.monotonic()
                with self.assertRaises(TransientError) as caught:
                    attempt()
                self.assertLess(time.monotonic() - started, 5)
                self.assertIn("127.0.0.1:1", str(caught.exception))
                self.assertIn("Connection refused", str(caught.exception))
                self.assertNotIn("never-shown-pw", str(caught.exception))

    def test_refused_login_is_permanent_and_hides_the_password(self):
        parts = urlsplit(AMQP_URL)
        user = parts.netloc.rpartition("@")[0].partition(":")[0]
        netloc = f"{user}:wrong-secret-pw@{parts.netloc.rpartition('@')[2]}"
        wrong = urlunsplit(parts._replace(netloc=netloc))
        with self.assertRaises(PermanentError) as caught:
            amqp_transport.AmqpPublisher(wrong, self.exchange).publish(b"{}")
        self.assertIn("refused the login", str(caught.exception))
        self.assertNotIn("wrong-secret-pw", str(caught.exception))
