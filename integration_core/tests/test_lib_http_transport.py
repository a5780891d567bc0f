"""HTTP transport against a real scripted server on loopback."""

import email.utils
import hashlib
import hmac
import json
import socket
import tempfile
import time
import uuid
import warnings

from urllib3.exceptions import InsecureRequestWarning

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import http_transport
from odoo.addons.integration_core.lib.errors import PermanentError, TransientError

from .http_test_server import (
    TOKEN_PATH,
    LoopbackRequestsMixin,
    Reply,
    ScriptedHttpServer,
    self_signed_certificate,
)

SECRET = "s3cr3t-Value-42"


def free_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HttpCase(LoopbackRequestsMixin, BaseCase):
    """Starts a scripted server per test; ``transport()`` builds a client for it."""

    def setUp(self):
        super().setUp()
        # A client id per test: the OAuth2 token cache is process-wide.
        self.server = self.start_server(client_id=f"client-{uuid.uuid4().hex}")

    def start_server(self, **kwargs):
        server = ScriptedHttpServer(client_secret=SECRET, **kwargs)
        server.__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        return server

    def transport(self, base_url=None, **kwargs):
        kwargs.setdefault("timeout", (2.0, 3.0))
        transport = http_transport.HttpTransport(base_url or f"{self.server.url}/api", **kwargs)
        self.addCleanup(transport.close)
        return transport

    def oauth2(self):
        return http_transport.OAuth2ClientCredentials(
            self.server.url + TOKEN_PATH, self.server.client_id, SECRET, timeout=(2.0, 3.0)
        )

    def assert_no_secret(self, error, *secrets):
        for secret in secrets:
            self.assertNotIn(secret, str(error))
            self.assertNotIn(secret, error.detail or "")


@tagged("post_install", "-at_install")
class TestHttpClassification(HttpCase):
    def test_2xx_returns_a_result(self):
        self.server.script(
            Reply(200, {"Content-Type": "application/json"}, '{"id": 7}'), Reply(202)
        )
        transport = self.transport()
        result = transport.send("post", "/orders", json_body={"name": "Zürich", "qty": 2})
        self.assertEqual(result.status_code, 200)
        self.assertEqual(result.json(), {"id": 7})
        self.assertEqual(result.body, '{"id": 7}')
        self.assertEqual(result.headers["content-type"], "application/json")
        self.assertGreaterEqual(result.elapsed_ms, 0)
        accepted = transport.send("PUT", "orders/7", data=b"raw")
        self.assertEqual((accepted.status_code, accepted.json()), (202, None))

        first, second = self.server.requests
        self.assertEqual((first.method, first.path), ("POST", "/api/orders"))
        self.assertEqual(first.headers["content-type"], "application/json")
        self.assertEqual(json.loads(first.body), {"name": "Zürich", "qty": 2})
        self.assertEqual(
            (second.method, second.path, second.body), ("PUT", "/api/orders/7", b"raw")
        )

    def test_result_body_is_truncated_but_json_reads_everything(self):
        items = [{"sku": f"SKU-{n:05d}"} for n in range(2000)]
        self.server.script(Reply(200, body=json.dumps(items)))
        result = self.transport().send("GET", "stock")
        self.assertEqual(len(result.body), http_transport.BODY_LIMIT)
        self.assertEqual(result.json(), items)

    def test_client_errors_are_permanent(self):
        transport = self.transport()
        for status in (400, 401, 404, 422):
            with self.subTest(status=status):
                self.server.script(Reply(status, body='{"error": "quantity must be positive"}'))
                with self.assertRaises(PermanentError) as caught:
                    transport.send("POST", "orders", json_body={})
                self.assertEqual(caught.exception.status_code, status)
                self.assertIn(f"HTTP {status}", str(caught.exception))
                self.assertIn("POST", str(caught.exception))
                self.assertIn("quantity must be positive", caught.exception.detail)

    def test_server_errors_and_throttling_are_transient(self):
        transport = self.transport()
        for status in (408, 425, 429, 500, 502, 503):
            with self.subTest(status=status):
                self.server.script(Reply(status, body="busy"))
                with self.assertRaises(TransientError) as caught:
                    transport.send("POST", "orders", json_body={})
                self.assertEqual(caught.exception.status_code, status)
                self.assertIsNone(caught.exception.retry_after)
                self.assertEqual(caught.exception.detail, "busy")

    def test_retry_after_in_seconds(self):
        self.server.script(Reply(429, {"Retry-After": "120"}))
        with self.assertRaises(TransientError) as caught:
            self.transport().send("GET", "orders")
        self.assertEqual(caught.exception.retry_after, 120)
        self.assertIn("retry after 120 s", str(caught.exception))

    def test_retry_after_as_http_date(self):
        later = email.utils.formatdate(time.time() + 90, usegmt=True)
        self.server.script(Reply(503, {"Retry-After": later}))
        with self.assertRaises(TransientError) as caught:
            self.transport().send("GET", "orders")
        self.assertTrue(80 <= caught.exception.retry_after <= 91, caught.exception.retry_after)

    def test_redirect_is_not_followed_and_permanent(self):
        self.server.script(Reply(302, {"Location": "http://other.example/new?token=abc"}))
        with self.assertRaises(PermanentError) as caught:
            self.transport().send("POST", "orders", json_body={"a": 1})
        self.assertEqual(caught.exception.status_code, 302)
        self.assertIn("http://other.example/new", str(caught.exception))
        self.assertNotIn("token=abc", str(caught.exception))
        self.assertEqual(len(self.server.requests), 1)

    def test_read_timeout_is_transient(self):
        self.server.script(Reply(200, delay=2.0))
        started = time.monotonic()
        with self.assertRaises(TransientError) as caught:
            self.transport(timeout=(2.0, 0.3)).send("GET", "slow")
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertIn("read timeout", str(caught.exception))

    def test_connection_refused_is_transient(self):
        transport = self.transport(f"http://127.0.0.1:{free_port()}")
        started = time.monotonic()
        with self.assertRaises(TransientError) as caught:
            transport.send("GET", "orders")
        self.assertLess(time.monotonic() - started, 3)
        self.assertIn("Connection refused", str(caught.exception))

    def test_timeout_is_mandatory(self):
        with self.assertRaises(ValueError):
            http_transport.HttpTransport(self.server.url, timeout=None)

    def test_idempotency_key_and_headers_arrive(self):
        self.server.script(Reply(202))
        transport = self.transport(default_headers={"X-Plant": "PL-01"})
        transport.send(
            "POST", "orders", json_body={}, idempotency_key="msg-42", headers={"X-B": "2"}
        )
        headers = self.server.requests[0].headers
        self.assertEqual(headers["idempotency-key"], "msg-42")
        self.assertEqual(headers["x-plant"], "PL-01")
        self.assertEqual(headers["x-b"], "2")
        self.assertEqual(headers["accept"], "application/json")


@tagged("post_install", "-at_install")
class TestHttpAuthentication(HttpCase):
    def send_with(self, auth, **kwargs):
        self.server.script(Reply(200))
        self.transport(auth=auth).send("POST", "orders", **kwargs)
        return self.server.requests[-1]

    def test_basic_bearer_and_api_key(self):
        request = self.send_with(http_transport.BasicAuth("plant-01", SECRET))
        basic_value = "cGxhbnQtMDE6czNjcjN0LVZhbHVlLTQy"  # base64 of plant-01:<SECRET>
        self.assertEqual(request.headers["authorization"], f"Basic {basic_value}")
        request = self.send_with(http_transport.BearerAuth(SECRET))
        self.assertEqual(request.headers["authorization"], f"Bearer {SECRET}")
        request = self.send_with(http_transport.ApiKeyHeaderAuth("X-Partner-Key", SECRET))
        self.assertEqual(request.headers["x-partner-key"], SECRET)
        self.assertNotIn("authorization", request.headers)

    def test_hmac_signs_the_exact_body_sent(self):
        auth = http_transport.HmacAuth(SECRET, header_name="X-Signature")
        for kwargs in ({"json_body": {"name": "Zürich", "n": [1, 2]}}, {"data": b"\x00raw\xff"}):
            with self.subTest(kwargs=kwargs):
                request = self.send_with(auth, **kwargs)
                fields = dict(
                    part.split("=", 1) for part in request.headers["x-signature"].split(",")
                )
                signed = f"{fields['t']}.".encode() + request.body
                expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
                self.assertTrue(hmac.compare_digest(fields["v1"], expected))
                self.assertLess(abs(int(fields["t"]) - time.time()), 60)

    def test_oauth2_token_is_fetched_once_and_cached(self):
        self.server.script(Reply(200), Reply(200), Reply(200))
        transport = self.transport(auth=self.oauth2())
        transport.send("GET", "a")
        transport.send("GET", "b")
        # Another transport with its own auth object shares the process-wide cache.
        self.transport(auth=self.oauth2()).send("GET", "c")
        self.assertEqual(len(self.server.token_requests), 1)
        token_request = self.server.token_requests[0]
        self.assertIn(b"grant_type=client_credentials", token_request.body)
        bearer = f"Bearer {self.server.issued_token(1)}"
        self.assertEqual([r.headers["authorization"] for r in self.server.requests], [bearer] * 3)

    def test_oauth2_token_expiring_soon_is_renewed(self):
        server = self.start_server(client_id=f"client-{uuid.uuid4().hex}", token_lifetime=1)
        self.server = server
        server.script(Reply(200), Reply(200))
        transport = self.transport(auth=self.oauth2())
        transport.send("GET", "a")
        time.sleep(0.6)  # past half of a one-second lifetime
        transport.send("GET", "b")
        self.assertEqual(len(server.token_requests), 2)

    def test_oauth2_refreshes_once_after_401(self):
        self.server.script(Reply(401), Reply(200))
        result = self.transport(auth=self.oauth2()).send("POST", "orders", json_body={"a": 1})
        self.assertEqual(result.status_code, 200)
        self.assertEqual(len(self.server.token_requests), 2)
        self.assertEqual(
            [r.headers["authorization"] for r in self.server.requests],
            [f"Bearer {self.server.issued_token(1)}", f"Bearer {self.server.issued_token(2)}"],
        )
        self.assertEqual(self.server.requests[1].body, b'{"a":1}')

    def test_oauth2_second_401_is_permanent(self):
        self.server.script(Reply(401), Reply(401))
        with self.assertRaises(PermanentError) as caught:
            self.transport(auth=self.oauth2()).send("GET", "orders")
        self.assertEqual(caught.exception.status_code, 401)
        self.assertEqual(len(self.server.requests), 2)

    def test_oauth2_rejected_client_is_permanent(self):
        auth = http_transport.OAuth2ClientCredentials(
            self.server.url + TOKEN_PATH, self.server.client_id, "wrong-" + SECRET
        )
        with self.assertRaises(PermanentError) as caught:
            self.transport(auth=auth).send("GET", "orders")
        self.assertEqual(caught.exception.status_code, 401)
        self.assertIn("token request", str(caught.exception))
        self.assertIn("invalid_client", caught.exception.detail)
        self.assert_no_secret(caught.exception, SECRET)
        self.assertEqual(self.server.requests, [])

    def test_secrets_never_appear_in_errors(self):
        basic_value = "cGxhbnQtMDE6czNjcjN0LVZhbHVlLTQy"  # base64 of plant-01:<SECRET>
        cases = [
            (http_transport.BasicAuth("plant-01", SECRET), [SECRET, basic_value]),
            (http_transport.BearerAuth(SECRET), [SECRET]),
            (http_transport.ApiKeyHeaderAuth("X-Api-Key", SECRET), [SECRET]),
            (http_transport.HmacAuth(SECRET), [SECRET]),
            (self.oauth2(), [SECRET, self.server.issued_token(1)]),
        ]
        for auth, credentials in cases:
            with self.subTest(auth=type(auth).__name__):
                # A careless server echoes the credentials it received.
                self.server.script(Reply(400, body=f"bad credentials {' '.join(credentials)}"))
                with self.assertRaises(PermanentError) as caught:
                    self.transport(auth=auth).send("POST", "orders", json_body={})
                self.assert_no_secret(caught.exception, *credentials)
                self.assertEqual(
                    caught.exception.detail,
                    "bad credentials " + " ".join(["***"] * len(credentials)),
                )

    def test_secrets_in_the_url_never_appear_in_errors(self):
        url = f"http://user:{SECRET}@127.0.0.1:{free_port()}/api"
        with self.assertRaises(TransientError) as caught:
            self.transport(url).send("GET", f"orders?api_key={SECRET}")
        self.assert_no_secret(caught.exception, SECRET)
        self.assertIn("/api/orders", str(caught.exception))

    def test_redact_headers(self):
        headers = {
            "Authorization": "Bearer x",
            "X-Api-Key": "k",
            "X-Signature": "t=1,v1=ab",
            "Cookie": "sid=1",
            "X-Custom-Pass": "p",
            "Idempotency-Key": "msg-1",
            "Content-Type": "application/json",
        }
        redacted = http_transport.redact_headers(headers, sensitive=["x-custom-pass"])
        self.assertEqual(
            redacted,
            {
                "Authorization": "***",
                "X-Api-Key": "***",
                "X-Signature": "***",
                "Cookie": "***",
                "X-Custom-Pass": "***",
                "Idempotency-Key": "msg-1",
                "Content-Type": "application/json",
            },
        )


@tagged("post_install", "-at_install")
class TestHttpTlsAndConnectionTest(HttpCase):
    def test_tls_certificate_is_verified_by_default(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        cert_path, key_path = self_signed_certificate(directory.name)
        server = self.start_server(tls=(cert_path, key_path))
        with self.assertRaises(PermanentError) as caught:
            self.transport(server.url).send("GET", "orders")
        self.assertIn("certificate verification failed", str(caught.exception))
        self.assertEqual(server.requests, [])

        server.script(Reply(200), Reply(200))
        trusted = self.transport(server.url, verify=cert_path)
        self.assertEqual(trusted.send("GET", "a").status_code, 200)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)
            unverified = self.transport(server.url, verify=False)
            self.assertEqual(unverified.send("GET", "b").status_code, 200)

    def test_connection_test_outcomes(self):
        self.server.script(Reply(200), Reply(404), Reply(401), Reply(503))
        transport = self.transport(auth=http_transport.BearerAuth(SECRET))
        outcomes = [transport.test_connection() for _ in range(4)]
        self.assertEqual([ok for ok, _message in outcomes], [True, True, False, False])
        self.assertIn("Connected", outcomes[0][1])
        self.assertIn("credentials", outcomes[2][1])
        self.assertIn("HTTP 503", outcomes[3][1])
        self.assertEqual({r.path for r in self.server.requests}, {"/api"})
        self.assertEqual(self.server.requests[0].headers["authorization"], f"Bearer {SECRET}")
        for _ok, message in outcomes:
            self.assertNotIn(SECRET, message)

        ok, message = self.transport(f"http://127.0.0.1:{free_port()}").test_connection()
        self.assertFalse(ok)
        self.assertIn("Connection refused", message)
