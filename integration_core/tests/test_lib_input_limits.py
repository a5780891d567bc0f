import datetime
import json
import xmlrpc.client

from odoo.tests import BaseCase, tagged

from ..lib import input_limits
from ..lib.input_limits import (
    MAX_DEPTH,
    MAX_KEY_LENGTH,
    InputError,
    check_batch_size,
    check_json_value,
    check_key,
    check_sequence,
    encode_payload,
)


def nested(depth):
    """A payload of ``depth`` levels: the object itself is level 1."""
    value = {}
    for _level in range(depth - 1):
        value = {"a": value}
    return value


@tagged("post_install", "-at_install")
class TestInputLimits(BaseCase):
    def assertRefused(self, call, *args, reason):
        with self.assertRaises(InputError) as raised:
            call(*args)
        self.assertIn(reason, str(raised.exception))

    def test_keys(self):
        self.assertIsNone(check_key("key", None))
        self.assertIsNone(check_key("key", ""))
        self.assertEqual(check_key("key", 42), "42")
        self.assertEqual(check_key("key", "k" * MAX_KEY_LENGTH), "k" * MAX_KEY_LENGTH)
        self.assertEqual(check_key("key", "WO-1/é,ü"), "WO-1/é,ü")
        too_long = "k" * (MAX_KEY_LENGTH + 1)
        self.assertRefused(check_key, "key", too_long, reason="longer than 255")
        for bad in ("a\x00b", "a\nb", "\x7f", "\x85", "\ud800", "x\udfff"):
            self.assertRefused(check_key, "key", bad, reason="control character or a lone")
        for bad in (True, 1.5, {"a": 1}, [1], b"bytes"):
            self.assertRefused(check_key, "key", bad, reason="string or an integer")

    def test_payload_depth_at_and_past_the_limit(self):
        text, encoded = encode_payload(nested(MAX_DEPTH))
        self.assertEqual(json.loads(text), nested(MAX_DEPTH))
        self.assertEqual(encoded, text.encode())
        self.assertRefused(encode_payload, nested(MAX_DEPTH + 1), reason="deeper than 64")
        # Far past what Python's json can re-encode: refused without recursing.
        self.assertRefused(encode_payload, nested(5000), reason="deeper than 64")
        deep_list = []
        for _level in range(MAX_DEPTH):
            deep_list = [deep_list]
        self.assertRefused(encode_payload, deep_list, reason="deeper than 64")

    def test_numbers_json_can_hold(self):
        encode_payload({"q": 1.5, "n": -(2**63 - 1), "big": 2**63 - 1, "ok": True})
        for bad in (float("nan"), float("inf"), -float("inf"), float("1e400")):
            self.assertRefused(encode_payload, {"q": [bad]}, reason="not a JSON number")
        self.assertRefused(encode_payload, {"q": 2**63}, reason="integer past 64 bits")
        self.assertRefused(encode_payload, {"q": -(10**5000)}, reason="integer past 64 bits")

    def test_only_json_types(self):
        others = [
            datetime.datetime(2026, 1, 1),
            xmlrpc.client.DateTime("20260101T00:00:00"),
            xmlrpc.client.Binary(b"x"),
            b"bytes",
            (1, 2),
            {1, 2},
            object(),
        ]
        for value in others:
            self.assertRefused(encode_payload, {"a": {"b": value}}, reason="only JSON values")
        self.assertRefused(encode_payload, {1: "a"}, reason="keys must be strings")
        with self.assertRaises(InputError) as raised:
            check_json_value({"lines": [{"at": datetime.date(2026, 1, 1)}]}, "headers")
        self.assertIn("holds a date at /lines/0/at", str(raised.exception))

    def test_text(self):
        self.assertEqual(encode_payload("a;b\n1;2")[0], "a;b\n1;2")
        self.assertRefused(encode_payload, "a\x00b", reason="NUL character")
        self.assertRefused(encode_payload, {"name": "\ud83d"}, reason="lone surrogate at /name")
        self.assertRefused(encode_payload, {"\x00": 1}, reason="NUL character")
        # Control characters other than NUL are data in payload values (tabs, new lines).
        self.assertEqual(json.loads(encode_payload({"t": "a\tb\x01"})[0]), {"t": "a\tb\x01"})
        # A proper surrogate pair is a character like any other.
        self.assertEqual(json.loads(encode_payload({"e": "\U0001f600"})[0]), {"e": "\U0001f600"})

    def test_sizes(self):
        text, _encoded = encode_payload({"b": "x" * 90}, max_bytes=100)
        self.assertEqual(len(text), 98)
        self.assertRefused(encode_payload, {"b": "x" * 93}, 100, reason="over 100 bytes")
        check_batch_size(input_limits.MAX_BATCH)
        self.assertRefused(check_batch_size, input_limits.MAX_BATCH + 1, reason="at most 1000")
        self.assertEqual(check_sequence(None), 0)
        self.assertEqual(check_sequence(7), 7)
        self.assertRefused(check_sequence, 2**31, reason="integer within")
        self.assertRefused(check_sequence, "3", reason="integer within")

    def test_the_error_names_the_item(self):
        error = InputError("The payload is over 5 bytes.", index=3)
        self.assertEqual(str(error), "Message 3 of the batch: The payload is over 5 bytes.")
        self.assertEqual(str(InputError("Bad.")), "Bad.")
