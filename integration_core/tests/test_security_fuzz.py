"""Property-based fuzzing (hypothesis) of the inbound HTTP API and of enqueue_external.

Whatever arrives (any JSON, control characters, lone surrogates, sizes and depths at and past
each limit, bytes that are not JSON, compressed or not, under any content coding), the answer
is a 2xx or a 4xx, a refusal stores nothing, an accepted payload is stored as the JSON that was
sent, and the server stays healthy. The examples are derandomized and few, so the run is fast
and repeatable.
"""

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import compression
from ..lib.input_limits import MAX_DEPTH, MAX_KEY_LENGTH
from .security_common import SecurityCase

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Every code point, surrogates and control characters included.
ANY_CHARACTER = st.characters(exclude_categories=())
TEXT = st.text(ANY_CHARACTER, max_size=12) | st.sampled_from(
    ["\x00", "\ud800", "a\udfffb", "\x1b[0m", "k" * MAX_KEY_LENGTH, "k" * (MAX_KEY_LENGTH + 1)]
)
NUMBERS = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([2**63 - 1, 2**63, -(2**63), 1e308])
)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=16,
)
DEPTHS = st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_DEPTH + 2) | st.sampled_from([969])


def nested(depth, leaf):
    value = leaf
    for _level in range(depth - 1):
        value = {"n": value}
    return value


def round_trips(value):
    """Whether ``value`` is JSON as the API must keep it (finite numbers, 64-bit integers)."""
    text = json.dumps(value, allow_nan=True)
    return "NaN" not in text and "Infinity" not in text


@tagged("post_install", "-at_install")
class TestSecurityFuzz(SecurityCase):
    def post(self, data, headers=None):
        all_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.secret}"}
        all_headers.update(headers or {})
        url = self.base_url() + "/integration/v1/SEC_A/contacts"
        return self.opener.post(url, data=data, headers=all_headers, timeout=30)

    def assertAnswered(self, response):
        self.assertTrue(
            200 <= response.status_code < 300 or 400 <= response.status_code < 500,
            (response.status_code, response.text[:300]),
        )
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertNotIn("Traceback", response.text)
        return response.json()

    def assertStoredAsSent(self, answer, payloads):
        for summary, payload in zip(answer["messages"], payloads, strict=True):
            if not summary["duplicate"]:
                message = self.env["integration.message"].browse(summary["id"])
                # As JSON reads it: escaped surrogate pairs become one character.
                self.assertEqual(message.get_payload_json(), json.loads(json.dumps(payload)))

    @FUZZ
    @given(payload=st.dictionaries(TEXT, JSON, max_size=6), key=TEXT, batch=st.booleans())
    def test_http_any_json(self, payload, key, batch):
        body = {"messages": [payload, {"message_id": key}]} if batch else dict(payload)
        if not batch:
            body["message_id"] = key
        before = self.env["integration.message"].search_count([])
        answer = self.assertAnswered(self.post(json.dumps(body, allow_nan=True).encode()))
        if "error" in answer:
            self.assertEqual(self.env["integration.message"].search_count([]), before)
        else:
            self.assertTrue(round_trips(body))
            self.assertStoredAsSent(answer, body["messages"] if batch else [body])

    @FUZZ
    @given(depth=DEPTHS, leaf=JSON)
    def test_http_depths_at_and_past_the_limit(self, depth, leaf):
        body = nested(depth, {"leaf": leaf} if isinstance(leaf, dict | list) else leaf)
        answer = self.assertAnswered(self.post(json.dumps(body, allow_nan=True).encode()))
        if depth > MAX_DEPTH:
            self.assertIn("error", answer)

    @FUZZ
    @given(
        data=st.binary(max_size=300),
        header=st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=300),
    )
    def test_http_any_bytes_and_headers(self, data, header):
        headers = {"Idempotency-Key": header.lstrip(), "X-Correlation-Id": header[::-1].strip()}
        self.assertAnswered(self.post(data, headers))
        self.assertEqual(self.url_open("/web/health").status_code, 200)

    @FUZZ
    @given(
        payload=st.dictionaries(TEXT, JSON, max_size=6), coding=st.sampled_from(["gzip", "deflate"])
    )
    def test_http_any_json_compressed(self, payload, coding):
        body = compression.compress(json.dumps(payload, allow_nan=True).encode(), coding)
        before = self.env["integration.message"].search_count([])
        answer = self.assertAnswered(self.post(body, {"Content-Encoding": coding}))
        if "error" in answer:
            self.assertEqual(self.env["integration.message"].search_count([]), before)
        else:
            self.assertTrue(round_trips(payload))
            self.assertStoredAsSent(answer, [payload])

    @FUZZ
    @given(
        data=st.binary(max_size=300),
        coding=st.sampled_from(["gzip", "deflate", "x-gzip", "br", "gzip, deflate", "\x7f"]),
        compressed=st.booleans(),
    )
    def test_http_any_bytes_under_any_content_coding(self, data, coding, compressed):
        if compressed and coding in ("gzip", "deflate"):
            data = compression.compress(data, coding)
        before = self.env["integration.message"].search_count([])
        answer = self.assertAnswered(self.post(data, {"Content-Encoding": coding}))
        if "error" in answer:
            self.assertEqual(self.env["integration.message"].search_count([]), before)

    @FUZZ
    @given(payloads=st.lists(st.dictionaries(TEXT, JSON, max_size=5), min_size=1, max_size=3))
    def test_enqueue_external(self, payloads):
        Message = self.env["integration.message"].with_user(self.users["service"])
        before = Message.sudo().search_count([])
        try:
            with self.env.cr.savepoint():
                results = Message.enqueue_external("SEC_A", "contacts", payloads)
        except UserError as error:  # ValidationError and AccessError are UserErrors too
            self.assertTrue(str(error))
            self.assertEqual(Message.sudo().search_count([]), before)
            return
        self.assertTrue(all(round_trips(payload) for payload in payloads))
        for result, payload in zip(results, payloads, strict=True):
            if not result["duplicate"]:
                stored = Message.sudo().browse(result["id"]).get_payload_json()
                self.assertEqual(stored, payload)
                self.assertFalse(
                    any(isinstance(v, float) and not math.isfinite(v) for v in stored.values())
                )
