"""Inbound HTTP with ``Content-Encoding``: gzip and deflate bodies, bombs, bad streams,
signatures over the bytes sent."""

import gzip
import json
import os
import tracemalloc
import zlib

from odoo.tests import tagged

from ..lib import signing
from .security_common import SecurityCase
from .test_lib_compression import gzip_bomb

HMAC_SECRET = "plant-link-secret"
MIB = 2**20


@tagged("post_install", "-at_install")
class TestHttpCompression(SecurityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint.write(
            {"inbound_hmac_secret": HMAC_SECRET, "inbound_user_id": cls.users["service"].id}
        )

    def post(self, data, encoding="gzip", auth=True, headers=None):
        all_headers = {"Content-Type": "application/json"}
        if encoding:
            all_headers["Content-Encoding"] = encoding
        if auth:
            all_headers["Authorization"] = f"Bearer {self.secret}"
        all_headers.update(headers or {})
        url = self.base_url() + "/integration/v1/SEC_A/contacts"
        return self.opener.post(url, data=data, headers=all_headers, timeout=30)

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        error = response.json()["error"]
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])
        return error["message"]

    def accepted(self, response, status=202):
        self.assertEqual(response.status_code, status, response.text)
        return response.json()["messages"]

    def set_limit(self, max_bytes):
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", max_bytes)

    def test_gzip_and_deflate_bodies_are_stored_inflated(self):
        one = {"message_id": "gz-1", "ref": "GZ-1", "name": "Zürich plant"}
        [first] = self.accepted(self.post(gzip.compress(json.dumps(one).encode())))
        batch = {"messages": [{"message_id": f"gz-{n}", "ref": f"GZ-{n}"} for n in (2, 3)]}
        deflated = zlib.compress(json.dumps(batch).encode())
        second, third = self.accepted(self.post(deflated, "deflate"))
        Message = self.env["integration.message"]
        self.assertEqual(Message.browse(first["id"]).get_payload_json(), one)
        self.assertEqual(Message.browse(third["id"]).get_payload_json(), batch["messages"][1])
        self.assertEqual(second["idempotency_key"], "gz-2")
        # Sent again, compressed or not: a duplicate, not a second message.
        [again] = self.accepted(self.post(json.dumps(one).encode(), encoding=None), 200)
        self.assertEqual((again["id"], again["duplicate"]), (first["id"], True))
        self.assertEqual(len(self.messages(self.inbound)), 3)

    def test_a_1_kb_bomb_is_refused_with_413_and_nothing_stored(self):
        self.set_limit(64 * 1024)
        bomb = gzip_bomb(1)  # 1 MiB of zeros in about 1 kB
        self.assertLess(len(bomb), 1100)
        message = self.assertError(self.post(bomb), 413, "inflated_too_large")
        self.assertEqual(message, f"The content inflates past {64 * 1024} bytes.")
        self.assertFalse(self.messages(self.inbound))

    def test_a_bomb_is_never_inflated_in_memory(self):
        """64 MiB in 64 kB, against a limit of 1 MiB: the server stops after about the limit
        (the exact bound, limit + 1 byte, is asserted in test_lib_compression)."""
        self.set_limit(MIB)
        bomb = gzip_bomb(64)
        tracemalloc.start()
        try:
            response = self.post(bomb)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertError(response, 413, "inflated_too_large")
        self.assertLess(peak, 8 * MIB, f"peak {peak / MIB:.1f} MiB while answering")
        self.assertFalse(self.messages(self.inbound))

    def test_corrupt_or_cut_short_streams_are_400(self):
        data = gzip.compress(json.dumps({"ref": "GZ-9"}).encode())
        for body, encoding in [
            (b'{"ref": "plain, not gzip"}', "gzip"),
            (data[:-6], "gzip"),
            (data + b"trailing", "gzip"),
            (data, "deflate"),
            (b"", "gzip"),
        ]:
            with self.subTest(body=body[:12], encoding=encoding):
                self.assertError(self.post(body, encoding), 400, "invalid_compression")
        self.assertFalse(self.messages(self.inbound))

    def test_other_encodings_are_415_after_authentication(self):
        data = json.dumps({"ref": "GZ-10"}).encode()
        for encoding in ("br", "zstd", "gzip, gzip", "compress"):
            with self.subTest(encoding):
                message = self.assertError(self.post(data, encoding), 415, "unsupported_encoding")
                self.assertIn("send gzip, deflate or no compression", message)
        self.assertError(self.post(data, "br", auth=False), 401, "missing_credentials")
        [accepted] = self.accepted(self.post(data, "identity"))
        self.assertFalse(accepted["duplicate"])

    def test_the_compressed_size_is_held_to_the_body_limit_too(self):
        self.set_limit(1000)
        incompressible = gzip.compress(os.urandom(1500))
        self.assertError(self.post(incompressible), 413, "too_large")
        self.assertFalse(self.messages(self.inbound))

    def test_a_signature_covers_the_compressed_bytes_sent(self):
        raw = json.dumps({"message_id": "sig-1", "ref": "SIG-1", "name": "Signed"}).encode()
        sent = gzip.compress(raw)
        header = signing.sign(HMAC_SECRET, sent)
        [accepted] = self.accepted(self.post(sent, auth=False, headers={"X-Signature": header}))
        message = self.env["integration.message"].browse(accepted["id"])
        self.assertEqual(message.create_uid, self.users["service"])
        self.assertEqual(message.get_payload_json()["ref"], "SIG-1")
        # A signature of the inflated body does not verify the compressed request.
        inflated_signature = signing.sign(HMAC_SECRET, raw)
        response = self.post(
            gzip.compress(raw.replace(b"sig-1", b"sig-2")),
            auth=False,
            headers={"X-Signature": inflated_signature},
        )
        self.assertError(response, 401, "invalid_signature")
        # Nor may the compressed bytes change under a signature (same content, other bytes).
        recompressed = zlib.compress(raw)
        self.assertNotEqual(recompressed, sent)
        response = self.post(recompressed, "deflate", auth=False, headers={"X-Signature": header})
        self.assertError(response, 401, "invalid_signature")
        self.assertEqual(len(self.messages(self.inbound)), 1)
