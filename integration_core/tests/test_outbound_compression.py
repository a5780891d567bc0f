"""Outbound compression per endpoint: HTTP, AMQP and file drop, compressed only when asked."""

import gzip
import json
import os
import shutil
import tempfile
import uuid

import pika

from odoo.tests import tagged

from ..lib import amqp_transport, signing
from .common import IntegrationCase
from .http_test_server import Reply, ScriptedHttpServer

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"
SECRET = "receiver-hmac-secret"
ORDER = {"work_order": "WH/MO/00042", "product": {"code": "FRAME"}, "quantity": 10}


@tagged("post_install", "-at_install")
class TestOutboundCompression(IntegrationCase):
    def endpoint_and_flow(self, code, **values):
        endpoint = self.env["integration.endpoint"].create(
            dict({"name": code, "code": code, "environment": "test"}, **values)
        )
        flow = self.make_flow(
            "work_order.release",
            "integration.handler.passthrough",
            direction="outbound",
            endpoint=endpoint,
        )
        return endpoint, flow

    def send(self, flow, key):
        message = self.env["integration.message"].enqueue(flow, ORDER, idempotency_key=key)
        self.run_queue()
        self.assertEqual(message.state, "done", message.error)
        return message

    def test_http_body_is_gzip_signed_as_sent_when_the_endpoint_says_so(self):
        with ScriptedHttpServer() as server:
            endpoint, flow = self.endpoint_and_flow(
                "GZ_OUT",
                transport="http",
                url=server.url,
                auth_type="hmac",
                auth_header="X-Signature",
                secret=SECRET,
                compression="gzip",
            )
            server.script(Reply(202), Reply(202))
            self.send(flow, "wo-42-release")
            endpoint.compression = "none"
            self.send(flow, "wo-43-release")
        compressed, plain = server.requests
        self.assertEqual(compressed.headers["content-encoding"], "gzip")
        self.assertEqual(json.loads(gzip.decompress(compressed.body)), ORDER)
        self.assertLess(len(compressed.body), len(plain.body) + 30)
        self.assertEqual(compressed.headers["idempotency-key"], "wo-42-release")
        # The receiver checks the signature over the bytes it received, compressed.
        signing.verify(SECRET, compressed.headers["x-signature"], compressed.body)
        self.assertNotIn("content-encoding", plain.headers)
        self.assertEqual(json.loads(plain.body), ORDER)
        signing.verify(SECRET, plain.headers["x-signature"], plain.body)

    def test_amqp_message_carries_content_encoding_gzip_when_the_endpoint_says_so(self):
        suffix = uuid.uuid4().hex[:8]
        exchange, queue = f"test.gz.{suffix}", f"test.gz.q.{suffix}"
        amqp_transport.declare_queue(BROKER, exchange, queue, "#")
        self.addCleanup(self._delete_broker_objects, exchange, queue)
        endpoint, flow = self.endpoint_and_flow(
            "GZ_AMQP",
            transport="amqp",
            url="amqp://127.0.0.1:5672/%2F",
            username="guest",
            secret="guest",
            amqp_exchange=exchange,
            compression="gzip",
        )
        self.send(flow, "wo-44-release")
        endpoint.compression = "none"
        self.send(flow, "wo-45-release")
        connection = pika.BlockingConnection(pika.URLParameters(BROKER))
        channel = connection.channel()
        received = [channel.basic_get(queue, auto_ack=True) for _n in range(2)]
        connection.close()
        (_m1, compressed, body1), (_m2, plain, body2) = received
        self.assertEqual(compressed.content_encoding, "gzip")
        self.assertEqual(compressed.message_id, "wo-44-release")
        self.assertEqual(json.loads(gzip.decompress(body1)), ORDER)
        self.assertIsNone(plain.content_encoding)
        self.assertEqual(json.loads(body2), ORDER)

    def _delete_broker_objects(self, exchange, queue):
        connection = pika.BlockingConnection(pika.URLParameters(BROKER))
        channel = connection.channel()
        for name in (queue, f"{queue}.dead"):
            channel.queue_delete(name)
        for name in (exchange, f"{exchange}.dlx"):
            channel.exchange_delete(name)
        connection.close()

    def test_files_are_written_as_json_gz_when_the_endpoint_says_so(self):
        root = tempfile.mkdtemp(prefix="integration-gz-out-")
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        endpoint, flow = self.endpoint_and_flow(
            "GZ_FILE", transport="file", file_root=root, compression="gzip"
        )
        self.send(flow, "k46")
        endpoint.compression = "none"
        self.send(flow, "k47")
        out = os.path.join(root, "out")
        names = ["work_order.release-k46.json.gz", "work_order.release-k47.json"]
        self.assertEqual(sorted(os.listdir(out)), names)
        with gzip.open(os.path.join(out, names[0])) as compressed:
            self.assertEqual(json.load(compressed), ORDER)
        with open(os.path.join(out, names[1]), encoding="utf-8") as plain:
            self.assertEqual(json.load(plain), ORDER)
