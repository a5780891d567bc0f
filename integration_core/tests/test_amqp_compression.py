"""AMQP inbound with ``content_encoding``: compressed deliveries inflated, bombs dead-lettered."""

import gzip
import json
import zlib

from odoo.tests import tagged

from .test_amqp_inbound import TRANSPORT_LOGGER, AmqpInboundCase
from .test_lib_compression import gzip_bomb


@tagged("post_install", "-at_install")
class TestAmqpCompression(AmqpInboundCase):
    def test_compressed_deliveries_are_inflated_and_applied(self):
        keys = [f"{name}-{self.tag}" for name in ("gzip", "deflate", "charset")]
        payloads = [{"ref": f"Z-{n}", "name": f"Compressed {n}"} for n in range(3)]
        encoded = [json.dumps(payload).encode() for payload in payloads]
        self.publish(gzip.compress(encoded[0]), keys[0], content_encoding="gzip")
        self.publish(zlib.compress(encoded[1]), keys[1], content_encoding="deflate")
        # A character set where a compression would be (kombu's way): a plain body.
        self.publish(encoded[2], keys[2], content_encoding="utf-8")
        self.poll()
        self.assertEqual(self.depth(self.queue), 0)
        for key, payload in zip(keys, payloads, strict=True):
            self.assertEqual(self.messages(key).get_payload_json(), payload)
        self.run_queue()
        self.assertEqual(self.partners("Z-0").name, "Compressed 0")
        self.assertEqual(self.partners("Z-1").name, "Compressed 1")

    def test_a_bomb_and_bad_streams_are_dead_lettered_with_their_reason(self):
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 65536)
        good = f"good-{self.tag}"
        bad = [f"{name}-{self.tag}" for name in ("bomb", "corrupt", "brotli")]
        self.publish(gzip_bomb(1), bad[0], content_encoding="gzip")  # 1 kB, 1 MiB inflated
        self.publish(b'{"ref": "not gzip"}', bad[1], content_encoding="gzip")
        self.publish(b'{"ref": "B-1"}', bad[2], content_encoding="br")
        good_body = gzip.compress(b'{"ref": "G-1", "name": "Good"}')
        self.publish(good_body, good, content_encoding="gzip")
        with self.assertLogs(TRANSPORT_LOGGER, "WARNING") as logs:
            self.poll()
        self.assertEqual(self.messages(good, *bad).mapped("idempotency_key"), [good])
        self.assertEqual(self.depth(self.queue), 0)
        self.wait_for_depth(f"{self.queue}.dead", 3)
        self.assertEqual(self.dead_letter_ids(), bad)
        reasons = {line.split(" dead-lettered: ")[0].split()[-1]: line for line in logs.output}
        self.assertIn("inflates past 65536 bytes", reasons[bad[0]])
        self.assertIn("not valid gzip", reasons[bad[1]])
        self.assertIn("'br' is not supported", reasons[bad[2]])
