"""A scripted HTTP server on loopback for transport tests (no mocks: real sockets, real HTTP).

``ScriptedHttpServer`` records every request and answers from a per-test script of
``Reply(status, headers, body, delay)``; an empty script answers 599 so an unexpected request
fails the test. It also serves an OAuth2 client-credentials token endpoint at ``TOKEN_PATH``.

Mix ``LoopbackRequestsMixin`` into any Odoo test case that sends through ``HttpTransport``.
"""

import base64
import datetime
import ipaddress
import json
import os
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoo.tests.common import _super_send

TOKEN_PATH = "/oauth/token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class LoopbackRequestsMixin:
    """Send loopback requests with their own timeouts inside Odoo test cases.

    Odoo's test cases route every ``requests`` call through ``_request_handler``, which raises a
    timeout below 10 s to 10 s and fails with a TypeError on a ``(connect, read)`` tuple, the
    transport's default. Other hosts stay blocked as Odoo blocks them.
    """

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        if urlsplit(request.url).hostname in LOOPBACK_HOSTS:
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)


@dataclass
class Reply:
    """One scripted answer; ``delay`` seconds pass before it is sent."""

    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes | str = b""
    delay: float = 0.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes


class ScriptedHttpServer:
    """A ThreadingHTTPServer on 127.0.0.1 and a free port, usable as a context manager."""

    def __init__(
        self, *, client_id="client", client_secret="secret", token_lifetime=3600, tls=None
    ):
        """``tls``: (certfile, keyfile) to serve HTTPS."""
        self.replies = []
        self.requests = []
        self.token_requests = []
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self._tokens_issued = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def script(self, *replies):
        """Queue the answers for the next requests, in order."""
        with self._lock:
            self.replies.extend(replies)

    def issued_token(self, number):
        """The access token the token endpoint hands out the ``number``-th time (from 1)."""
        return f"token-{number}-of-{self.client_id}"

    def _next_reply(self, request):
        with self._lock:
            self.requests.append(request)
            return self.replies.pop(0) if self.replies else Reply(599, body="no scripted reply")

    def _token_reply(self, request):
        with self._lock:
            self.token_requests.append(request)
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            form = parse_qs(request.body.decode())
            if request.headers.get("authorization") != f"Basic {expected}":
                return Reply(
                    401, {"Content-Type": "application/json"}, '{"error":"invalid_client"}'
                )
            if form.get("grant_type") != ["client_credentials"]:
                return Reply(400, body='{"error":"unsupported_grant_type"}')
            self._tokens_issued += 1
            token = self.issued_token(self._tokens_issued)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        return Reply(200, {"Content-Type": "application/json"}, json.dumps(answer))


def _handler_for(server):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length),
            )
            if self.path == TOKEN_PATH:
                reply = server._token_reply(request)
            else:
                reply = server._next_reply(request)
            time.sleep(reply.delay)
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (timeout tests): nobody is left to answer.
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

        def log_message(self, format, *args):
            """Keep the test output quiet."""

    return Handler


def self_signed_certificate(directory):
    """Write a self-signed certificate for 127.0.0.1 into ``directory``; return (cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as cert_file:
        cert_file.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as key_file:
        key_file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path
