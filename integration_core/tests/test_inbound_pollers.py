import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pika

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import config

from ..lib import amqp_transport
from .common import TEST_ENCRYPTION_KEY, IntegrationCase

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


@tagged("post_install", "-at_install")
class TestAmqpInbound(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue = f"test.inbound.{uuid.uuid4().hex[:8]}"
        cls.exchange = f"test.ex.{uuid.uuid4().hex[:8]}"
        amqp_transport.declare_queue(BROKER, cls.exchange, cls.queue, "#")
        cls.addClassCleanup(cls._delete_broker_objects)
        cls.amqp_endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Plant 2 MES (AMQP)",
                "code": "AMQP_MES",
                "environment": "test",
                "transport": "amqp",
                "url": "amqp://127.0.0.1:5672/%2F",
                "username": "guest",
                "secret": "guest",
                "amqp_exchange": cls.exchange,
                "amqp_queue": cls.queue,
            }
        )
        cls.amqp_flow = cls.make_flow(
            "partner.upsert", "integration.handler.partner", endpoint=cls.amqp_endpoint
        )

    @classmethod
    def _delete_broker_objects(cls):
        connection = pika.BlockingConnection(pika.URLParameters(BROKER))
        channel = connection.channel()
        for queue in (cls.queue, f"{cls.queue}.dead"):
            channel.queue_delete(queue)
        for exchange in (cls.exchange, f"{cls.exchange}.dlx"):
            channel.exchange_delete(exchange)
        connection.close()

    def publish(self, body, message_id, **properties):
        with amqp_transport.AmqpPublisher(BROKER, self.exchange, declare=False) as publisher:
            publisher.publish(
                json.dumps(body).encode(),
                routing_key="partner.upsert",
                message_id=message_id,
                **properties,
            )

    def queue_depth(self, queue):
        connection = pika.BlockingConnection(pika.URLParameters(BROKER))
        depth = connection.channel().queue_declare(queue, passive=True).method.message_count
        connection.close()
        return depth

    def test_pulled_messages_are_applied_once_even_when_redelivered(self):
        self.publish({"ref": "A-1", "name": "From the broker"}, "amqp-1")
        self.publish({"ref": "A-1", "name": "From the broker"}, "amqp-1")  # a redelivery
        self.publish({"ref": "A-2", "name": "Second"}, "amqp-2")
        self.env["integration.inbound.poller"]._cron_poll_amqp()
        messages = self.env["integration.message"].search([("flow_id", "=", self.amqp_flow.id)])
        self.assertEqual(sorted(messages.mapped("idempotency_key")), ["amqp-1", "amqp-2"])
        self.assertEqual(self.queue_depth(self.queue), 0, "acked after commit")
        self.run_queue()
        self.assertEqual(set(messages.mapped("state")), {"done"})
        partner = self.env["integration.xref"]._resolve(self.amqp_endpoint, "res.partner", "A-1")
        self.assertEqual(partner.name, "From the broker")

    def test_message_for_an_unknown_flow_is_dead_lettered_not_lost(self):
        with amqp_transport.AmqpPublisher(BROKER, self.exchange, declare=False) as publisher:
            publisher.publish(b'{"a": 1}', routing_key="no.such.flow", message_id="lost-1")
        self.env["integration.inbound.poller"]._cron_poll_amqp()
        self.assertEqual(self.queue_depth(f"{self.queue}.dead"), 1)
        self.assertFalse(
            self.env["integration.message"].search([("idempotency_key", "=", "lost-1")])
        )

    def consumer(self, *args):
        """Run the consumer command as its own process, as in production; bounded in time."""
        command = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={config['addons_path']}",
            "integration-amqp-consumer",
            "-d",
            self.env.cr.dbname,
            *args,
        ]
        environ = dict(os.environ, INTEGRATION_ENCRYPTION_KEYS=TEST_ENCRYPTION_KEY)
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, env=environ
        )

    def test_the_consumer_command_without_endpoints_stops(self):
        result = self.consumer("--idle-timeout", "1", "--endpoint", "NO_SUCH_ENDPOINT")
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertIn("No AMQP endpoint with an inbound queue", result.stderr)

    def test_the_consumer_command_commits_before_it_acks(self):
        """The consumer process sees only committed data: commit some for real, then clean up."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            endpoint = env["integration.endpoint"].create(
                {
                    "name": "CLI consumer",
                    "code": "AMQP_CLI",
                    "environment": "test",
                    "transport": "amqp",
                    "url": "amqp://127.0.0.1:5672/%2F",
                    "username": "guest",
                    "secret": "guest",
                    "amqp_queue": self.queue,
                }
            )
            env["integration.flow"].create(
                {
                    "name": "p",
                    "code": "partner.upsert",
                    "endpoint_id": endpoint.id,
                    "direction": "inbound",
                    "handler": "integration.handler.noop",
                    "state": "active",
                }
            )
            endpoint_id = endpoint.id
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed_endpoint, endpoint_id)
        self.publish({"ref": "CLI-1"}, "cli-1")
        result = self.consumer("--endpoint", "AMQP_CLI", "--max-messages", "1")
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertEqual(self.queue_depth(self.queue), 0, "acked")
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT state FROM integration_message WHERE endpoint_id = %s"
                " AND idempotency_key = 'cli-1'",
                [endpoint_id],
            )
            self.assertEqual(cr.fetchall(), [("pending",)], "committed in the inbox")

    def _delete_committed_endpoint(self, endpoint_id):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            for table in ("integration_message", "integration_flow"):
                cr.execute(f"DELETE FROM {table} WHERE endpoint_id = %s", [endpoint_id])
            cr.execute("DELETE FROM integration_endpoint WHERE id = %s", [endpoint_id])
            cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestFileInbound(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = Path(tempfile.mkdtemp(prefix="integration-drop-"))
        cls.addClassCleanup(shutil.rmtree, cls.root, ignore_errors=True)
        cls.file_endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP drop folder",
                "code": "FILE_ERP",
                "environment": "test",
                "transport": "file",
                "file_root": str(cls.root),
            }
        )
        cls.file_flow = cls.make_flow(
            "partners", "integration.handler.partner", endpoint=cls.file_endpoint
        )

    def drop(self, name, content):
        (self.root / "in").mkdir(exist_ok=True)
        path = self.root / "in" / name
        path.write_text(json.dumps(content))
        return path

    def poll(self):
        self.env["integration.inbound.poller"]._cron_poll_files()

    def messages(self):
        return self.env["integration.message"].search([("flow_id", "=", self.file_flow.id)])

    def test_a_file_is_imported_once(self):
        self.drop("partners-001.json", {"ref": "F-1", "name": "From a file"})
        self.poll()
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(os.listdir(self.root / "in"), [])
        self.assertIn("partners-001.json", os.listdir(self.root / "done"))
        self.drop("partners-002.json", {"ref": "F-1", "name": "From a file"})  # same content
        self.poll()
        self.assertEqual(len(self.messages()), 1)
        self.run_queue()
        self.assertEqual(self.messages().state, "done")

    def test_crash_between_commit_and_move_imports_nothing_twice(self):
        path = self.drop("partners-003.json", {"ref": "F-3", "name": "Crash"})
        copy = path.read_bytes()
        self.poll()
        # As if the process died after the commit, before moving the file away.
        path.write_bytes(copy)
        self.poll()
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(os.listdir(self.root / "in"), [])

    def test_unknown_flow_goes_to_error_with_an_exception(self):
        self.drop("invoices-001.json", {"a": 1})
        self.poll()
        self.assertEqual(os.listdir(self.root / "error"), ["invoices-001.json"])
        exception = self.env["integration.exception"].search(
            [("endpoint_id", "=", self.file_endpoint.id)]
        )
        self.assertIn("invoices", exception.error)
