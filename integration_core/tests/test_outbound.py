import json
import os
import shutil
import tempfile
import uuid
from datetime import timedelta

import pika

from odoo import fields
from odoo.tests import tagged
from odoo.tools import config

from ..lib import amqp_transport
from .common import CapturedLogs, IntegrationCase
from .http_test_server import Reply, ScriptedHttpServer


@tagged("post_install", "-at_install")
class TestOutbound(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ScriptedHttpServer().__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        cls.http_endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Plant MES",
                "code": "OUT_MES",
                "environment": "test",
                "transport": "http",
                "url": cls.server.url,
                "connect_timeout": 2,
                "read_timeout": 5,
                "circuit_threshold": 3,
                "circuit_cooldown": 60,
            }
        )
        cls.out_flow = cls.make_flow(
            "work_order.release",
            "integration.handler.passthrough",
            direction="outbound",
            endpoint=cls.http_endpoint,
            request_path="/orders",
            max_attempts=3,
        )

    def setUp(self):
        super().setUp()
        self.server.replies.clear()
        self.server.requests.clear()

    def send(self, payload, **options):
        return self.env["integration.message"].enqueue(self.out_flow, payload, **options)

    def test_delivered_with_its_idempotency_key(self):
        message = self.send({"order": "WO-1"}, idempotency_key="wo-1-release")
        self.server.script(Reply(202, body='{"accepted": true}'))
        self.run_queue()
        self.assertEqual(message.state, "done")
        request = self.server.requests[0]
        self.assertEqual((request.method, request.path), ("POST", "/orders"))
        self.assertEqual(request.headers["idempotency-key"], "wo-1-release")
        self.assertEqual(request.body, b'{"order":"WO-1"}')
        self.assertEqual(message.attempt_ids.status_code, 202)
        self.assertTrue(self.http_endpoint.last_success_at)

    def test_transient_failures_back_off_then_die_with_an_exception(self):
        message = self.send({"order": "WO-2"})
        delays = []
        for _attempt in range(2):
            self.server.script(Reply(503, body="maintenance"))
            before = fields.Datetime.now()
            self.run_queue()
            self.assertEqual(message.state, "pending")
            self.assertEqual(message.error_kind, "transient")
            delays.append((message.next_attempt_at - before).total_seconds())
            self.make_due(message)
        # base 10 s with 20 % jitter, then doubled
        self.assertTrue(7 <= delays[0] <= 13, delays)
        self.assertTrue(15 <= delays[1] <= 25, delays)
        self.server.script(Reply(503, body="still down"))
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempts, 3)
        self.assertEqual(message.exception_id.category, "transport")
        self.assertEqual(message.attempt_ids.mapped("outcome"), ["failed", "retry", "retry"])
        self.assertEqual(set(message.attempt_ids.mapped("status_code")), {503})

    def test_retry_after_is_honoured(self):
        message = self.send({"order": "WO-3"})
        self.server.script(Reply(429, headers={"Retry-After": "120"}))
        before = fields.Datetime.now()
        self.run_queue()
        self.assertEqual(message.state, "pending")
        wait = (message.next_attempt_at - before).total_seconds()
        self.assertTrue(118 <= wait <= 122, wait)

    def test_rejection_is_permanent(self):
        message = self.send({"order": "WO-4"})
        self.server.script(Reply(422, body='{"error": "unknown product"}'))
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.exception_id.category, "rejected")
        self.assertIn("422", message.error)

    def test_circuit_opens_defers_and_recovers(self):
        messages = self.env["integration.message"].browse()
        for number in range(5):
            messages |= self.send({"order": f"WO-C{number}"})
        self.server.script(*[Reply(503)] * 3)
        self.run_queue()
        self.assertEqual(len(self.server.requests), 3, "no request once the circuit is open")
        self.http_endpoint.invalidate_recordset()
        self.assertEqual(self.http_endpoint.circuit_state, "open")
        deferred = messages.filtered(lambda m: m.attempts == 0)
        self.assertEqual(len(deferred), 2)
        self.assertEqual(set(deferred.mapped("state")), {"pending"})
        # A deferral is not a try: no attempt spent, no attempt row, however many passes.
        self.assertFalse(deferred.attempt_ids)
        # Still cooling down: due messages stay deferred, nothing is sent.
        self.make_due(messages)
        self.run_queue()
        self.assertEqual(len(self.server.requests), 3)
        self.assertEqual(len(messages.attempt_ids), 3, "attempt rows and attempts agree")
        self.assertEqual(sum(messages.mapped("attempts")), 3)
        deferred.invalidate_recordset()
        self.assertTrue(all(m.next_attempt_at > fields.Datetime.now() for m in deferred))
        # After the cool-down one probe goes out; its success closes the circuit.
        self.env.cr.execute(
            "UPDATE integration_endpoint SET circuit_opened_at = circuit_opened_at"
            " - interval '61 seconds' WHERE id = %s",
            [self.http_endpoint.id],
        )
        self.make_due(messages)
        self.server.script(*[Reply(200)] * 5)
        self.run_queue()
        self.run_queue()
        self.http_endpoint.invalidate_recordset()
        self.assertEqual(self.http_endpoint.circuit_state, "closed")
        self.assertEqual(set(messages.mapped("state")), {"done"})

    def test_production_endpoint_is_never_called_from_a_copy(self):
        params = self.env["ir.config_parameter"].sudo()
        self.patch(config, "options", dict(config.options))
        config["integration_production_database"] = self.env.cr.dbname
        self.http_endpoint.environment = "production"
        self.assertEqual(
            params.get_param("integration.production_database_uuid"),
            params.get_param("database.uuid"),
            "the first production endpoint binds this database as production",
        )
        allowed = self.send({"order": "P-1"})
        self.server.script(Reply(200))
        self.run_queue()
        self.assertEqual(allowed.state, "done")
        # A duplicated or restored copy has another database.uuid.
        params.set_param("database.uuid", "00000000-copy-of-production")
        refused = self.send({"order": "P-2"})
        self.run_queue()
        self.assertEqual(refused.state, "failed")
        self.assertEqual(refused.exception_id.category, "environment")
        self.assertEqual(len(self.server.requests), 1, "the copy sent nothing")
        # A neutralized database refuses too, even with the right uuid.
        params.set_param("database.uuid", params.get_param("integration.production_database_uuid"))
        params.set_param("database.is_neutralized", True)
        neutralized = self.send({"order": "P-3"})
        self.run_queue()
        self.assertEqual(neutralized.state, "failed")
        self.assertIn("neutralized", neutralized.error)

    def test_neutralize_script_forgets_the_production_database(self):
        self.http_endpoint.environment = "production"
        with open(
            __file__.replace("tests/test_outbound.py", "data/neutralize.sql"), encoding="utf-8"
        ) as script:
            self.env.cr.execute(script.read())
        self.env["ir.config_parameter"].invalidate_model()
        self.send({"order": "N-1"})
        self.run_queue()
        self.assertEqual(len(self.server.requests), 0)

    def test_secrets_are_encrypted_and_never_logged(self):
        secret = "tok-SECRET-8c1f2e"
        self.http_endpoint.write({"auth_type": "bearer", "secret": secret})
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT secret_ciphertext FROM integration_endpoint WHERE id = %s",
            [self.http_endpoint.id],
        )
        stored = self.env.cr.fetchone()[0]
        self.assertTrue(stored)
        self.assertNotIn(secret, stored)
        self.http_endpoint.invalidate_recordset()
        self.assertFalse(self.http_endpoint.read(["secret"])[0]["secret"], "write-only")
        self.assertTrue(self.http_endpoint.secret_is_set)
        message = self.send({"order": "S-1"})
        self.server.script(Reply(401, body="bad token"), Reply(503))
        with CapturedLogs() as logs:
            self.run_queue()
        self.assertEqual(self.server.requests[0].headers["authorization"], f"Bearer {secret}")
        self.assertEqual(message.state, "failed")
        self.assertNotIn(secret, message.error)
        self.assertTrue(logs.lines, "the run logged something")
        self.assertFalse([line for line in logs.lines if secret in line])

    def test_user_of_another_company_cannot_read_messages(self):
        message = self.send({"order": "MC-1"})
        other_company = self.env["res.company"].create({"name": "Acquired plant"})
        outsider = self.env["res.users"].create(
            {
                "name": "Plant 2 planner",
                "login": "plant2_planner",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
                "groups_id": [(6, 0, self.env.ref("integration_core.group_integration_user").ids)],
            }
        )
        visible = self.env["integration.message"].with_user(outsider).search([])
        self.assertNotIn(message, visible)
        self.assertFalse(
            self.env["integration.endpoint"]
            .with_user(outsider)
            .search([("id", "=", self.http_endpoint.id)])
        )
        insider_view = self.env["integration.message"].search([("id", "=", message.id)])
        self.assertEqual(insider_view, message)

    def test_retry_after_date_far_in_future_is_capped(self):
        message = self.send({"order": "WO-5"})
        self.server.script(Reply(503, headers={"Retry-After": "999999"}))
        self.run_queue()
        wait = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertLessEqual(wait, self.out_flow.retry_cap_seconds + 1)
        self.assertGreater(wait, timedelta(minutes=50).total_seconds())


@tagged("post_install", "-at_install")
class TestOutboundTransports(IntegrationCase):
    """Outbound through AMQP and file drop, and the Test connection button."""

    BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"

    def outbound_flow(self, endpoint):
        return self.make_flow(
            "work_order.release",
            "integration.handler.passthrough",
            direction="outbound",
            endpoint=endpoint,
        )

    def test_amqp_message_is_persistent_and_carries_its_idempotency_key(self):
        suffix = uuid.uuid4().hex[:8]
        exchange, queue = f"test.out.{suffix}", f"test.out.q.{suffix}"
        amqp_transport.declare_queue(self.BROKER, exchange, queue, "#")
        self.addCleanup(self._delete_broker_objects, exchange, queue)
        endpoint = self.env["integration.endpoint"].create(
            {
                "name": "MES broker",
                "code": "OUT_AMQP",
                "environment": "test",
                "transport": "amqp",
                "url": "amqp://127.0.0.1:5672/%2F",
                "username": "guest",
                "secret": "guest",
                "amqp_exchange": exchange,
            }
        )
        message = self.env["integration.message"].enqueue(
            self.outbound_flow(endpoint), {"order": "WO-9"}, idempotency_key="wo-9-release"
        )
        self.run_queue()
        self.assertEqual(message.state, "done")
        connection = pika.BlockingConnection(pika.URLParameters(self.BROKER))
        method, properties, body = connection.channel().basic_get(queue, auto_ack=True)
        connection.close()
        self.assertIsNotNone(method, "the message reached the receiver's queue")
        self.assertEqual(json.loads(body), {"order": "WO-9"})
        self.assertEqual(properties.message_id, "wo-9-release")
        self.assertEqual(properties.delivery_mode, 2)

    def _delete_broker_objects(self, exchange, queue):
        connection = pika.BlockingConnection(pika.URLParameters(self.BROKER))
        channel = connection.channel()
        for name in (queue, f"{queue}.dead"):
            channel.queue_delete(name)
        for name in (exchange, f"{exchange}.dlx"):
            channel.exchange_delete(name)
        connection.close()

    def test_file_is_written_whole_under_its_idempotency_key(self):
        root = tempfile.mkdtemp(prefix="integration-out-")
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        endpoint = self.env["integration.endpoint"].create(
            {
                "name": "ERP folder",
                "code": "OUT_FILE",
                "environment": "test",
                "transport": "file",
                "file_root": root,
            }
        )
        message = self.env["integration.message"].enqueue(
            self.outbound_flow(endpoint), {"order": "WO-10"}, idempotency_key="k10"
        )
        self.run_queue()
        self.assertEqual(message.state, "done")
        self.assertEqual(os.listdir(os.path.join(root, "out")), ["work_order.release-k10.json"])
        with open(
            os.path.join(root, "out", "work_order.release-k10.json"), encoding="utf-8"
        ) as out:
            self.assertEqual(json.load(out), {"order": "WO-10"})

    def test_test_connection_button(self):
        with ScriptedHttpServer() as server:
            endpoint = self.env["integration.endpoint"].create(
                {
                    "name": "MES",
                    "code": "TEST_CONN",
                    "environment": "test",
                    "transport": "http",
                    "url": server.url,
                }
            )
            server.script(Reply(200))
            ok = endpoint.action_test_connection()["params"]
            server.script(Reply(503))
            down = endpoint.action_test_connection()["params"]
        self.assertEqual(ok["type"], "success")
        self.assertEqual(down["type"], "danger")
