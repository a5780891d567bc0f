"""HTTP transport: one endpoint's base URL and authentication, with failures classified.

``HttpTransport.send`` returns an ``HttpResult`` for a 2xx answer and raises ``TransientError``
(the queue retries later) or ``PermanentError`` (a person must act) for anything else. Every
request has a timeout, TLS certificates are verified unless the endpoint turns it off, redirects
are not followed, and no secret reaches an exception message or a log line.
"""

import base64
import json
import logging
import ssl
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict

from . import compression
from .backoff import parse_retry_after
from .errors import IntegrationError, PermanentError, TransientError
from .signing import sign

_logger = logging.getLogger(__name__)

BODY_LIMIT = 10_000  # characters of a response body kept on an HttpResult
DETAIL_LIMIT = 500  # characters of an error body kept on an exception's ``detail``
TRANSIENT_STATUSES = frozenset({408, 425, 429})
CREDENTIAL_STATUSES = frozenset({401, 403, 407})
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": "odoo-integration-core/18.0"}
_SENSITIVE_WORDS = ("auth", "token", "secret", "password", "passwd", "signature", "cookie", "key")
_NEVER_SENSITIVE = frozenset({"idempotency-key"})
REDACTED = "***"


def redact_headers(headers, sensitive=()):
    """Copy of ``headers`` safe to log: values of credential-like headers become ``***``.

    ``sensitive``: more header names to redact (an API key header with an unusual name).
    """
    extra = {name.lower() for name in sensitive}
    return {
        name: REDACTED if _is_sensitive(name.lower(), extra) else value
        for name, value in headers.items()
    }


def _is_sensitive(name, extra):
    if name in extra:
        return True
    return name not in _NEVER_SENSITIVE and any(word in name for word in _SENSITIVE_WORDS)


def safe_url(url):
    """``url`` without user info, query string and fragment, which may carry credentials."""
    parts = urlsplit(url or "")
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class HttpResult:
    """A successful (2xx) answer."""

    status_code: int
    headers: CaseInsensitiveDict
    body: str  # decoded and cut to BODY_LIMIT characters: for logs and attempt records
    elapsed_ms: int
    content: bytes = field(repr=False)  # the full raw body

    @classmethod
    def from_response(cls, response, elapsed_ms):
        return cls(
            status_code=response.status_code,
            headers=response.headers,
            body=_decode(response)[:BODY_LIMIT],
            elapsed_ms=elapsed_ms,
            content=response.content,
        )

    def json(self):
        """The full body parsed as JSON (None when empty); ValueError when it is not JSON."""
        return json.loads(self.content) if self.content else None


class TransportAuth(AuthBase):
    """Base of the authentication schemes: adds credentials to a prepared request."""

    secret_headers: tuple[str, ...] = ()  # headers to redact in logs

    def secret_values(self):
        """Secret strings to scrub from error messages and details (a server may echo them)."""
        return ()

    def on_unauthorized(self):
        """Called on a 401; True when one retry with fresh credentials may succeed."""
        return False


class _StaticHeaderAuth(TransportAuth):
    """Sets one header to a fixed secret value."""

    def __init__(self, header_name, value, secrets):
        self.secret_headers = (header_name,)
        self._header_name = header_name
        self._value = value
        self._secrets = secrets

    def secret_values(self):
        return self._secrets

    def __call__(self, request):
        request.headers[self._header_name] = self._value
        return request


class BasicAuth(_StaticHeaderAuth):
    """HTTP Basic authentication."""

    def __init__(self, user, password):
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        super().__init__("Authorization", f"Basic {encoded}", (password, encoded))


class BearerAuth(_StaticHeaderAuth):
    """A static bearer token in the ``Authorization`` header."""

    def __init__(self, token):
        super().__init__("Authorization", f"Bearer {token}", (token,))


class ApiKeyHeaderAuth(_StaticHeaderAuth):
    """An API key in a header of the receiver's choosing (for example ``X-Api-Key``)."""

    def __init__(self, header_name, key):
        super().__init__(header_name, key, (key,))


class HmacAuth(TransportAuth):
    """Signs the exact body bytes sent: ``t=<unix>,v1=<hex HMAC-SHA256 of "<t>." + body>``."""

    def __init__(self, secret, header_name="X-Signature"):
        self.secret_headers = (header_name,)
        self._header_name = header_name
        self._secret = secret

    def secret_values(self):
        return (self._secret,)

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        request.headers[self._header_name] = sign(self._secret, body)
        return request


# Process-wide OAuth2 tokens: (token_url, client_id, scope) -> (token, monotonic expiry).
_tokens = {}
_tokens_lock = threading.Lock()
# One fetch lock per key, so concurrent senders fetch a token once, not once each.
_fetch_locks = defaultdict(threading.Lock)


class OAuth2ClientCredentials(TransportAuth):
    """OAuth2 client-credentials grant; the token is cached until shortly before it expires."""

    secret_headers = ("Authorization",)
    DEFAULT_LIFETIME = 300  # seconds, when the token answer has no ``expires_in``
    EXPIRY_MARGIN = 30  # seconds before ``expires_in`` at which a token is renewed

    def __init__(
        self,
        token_url,
        client_id,
        client_secret,
        scope=None,
        *,
        timeout=(5.0, 30.0),
        verify=True,
        credentials_in_body=False,
    ):
        self.token_url = token_url
        self.client_id = client_id
        self.scope = scope
        self._client_secret = client_secret
        self._timeout = timeout
        self._verify = verify
        self._credentials_in_body = credentials_in_body
        self._key = (token_url, client_id, scope)
        self._last_token = None

    def secret_values(self):
        return (self._client_secret, self._last_token)

    def on_unauthorized(self):
        with _tokens_lock:
            if _tokens.get(self._key, (None,))[0] == self._last_token:  # not yet replaced
                del _tokens[self._key]
        return True

    def __call__(self, request):
        self._last_token = self._cached_token()
        if not self._last_token:
            with _tokens_lock:
                fetch_lock = _fetch_locks[self._key]
            with fetch_lock:
                self._last_token = self._cached_token()  # another thread may have fetched it
                if not self._last_token:
                    self._last_token, lifetime = self._fetch_token()
                    with _tokens_lock:
                        _tokens[self._key] = (self._last_token, time.monotonic() + lifetime)
        request.headers["Authorization"] = f"Bearer {self._last_token}"
        return request

    def _cached_token(self):
        with _tokens_lock:
            token, expires_at = _tokens.get(self._key, (None, 0.0))
        return token if time.monotonic() < expires_at else None

    def _fetch_token(self):
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        auth = None
        if self._credentials_in_body:
            form.update(client_id=self.client_id, client_secret=self._client_secret)
        else:
            auth = (self.client_id, self._client_secret)
        action = f"OAuth2 token request to {safe_url(self.token_url)}"
        try:
            response = requests.post(
                self.token_url,
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise error_for_exception(exc, action) from None
        error = error_for_status(response, action, self._scrub)
        if error:
            raise error
        try:
            answer = response.json()
            token = answer["access_token"]
            expires_in = float(answer.get("expires_in") or self.DEFAULT_LIFETIME)
        except (ValueError, KeyError, TypeError):
            raise PermanentError(f"{action}: the answer has no access_token") from None
        return token, max(expires_in - self.EXPIRY_MARGIN, expires_in / 2)

    def _scrub(self, text):
        return _scrub(text, (self._client_secret,))


def error_for_status(response, action, scrub=str):
    """The error a non-2xx ``response`` stands for, or None for a 2xx."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    message = f"{action}: HTTP {status} {response.reason or ''}".rstrip()
    detail = scrub(_decode(response)[:DETAIL_LIMIT])
    if status in TRANSIENT_STATUSES or status >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            message += f" (retry after {retry_after:.0f} s)"
        return TransientError(
            message, retry_after=retry_after, status_code=status, detail=detail or None
        )
    if 300 <= status < 400:
        # Not followed: requests would re-send custom credential headers to another host and
        # turn a redirected POST into a body-less GET. The endpoint URL must be corrected.
        location = safe_url(response.headers.get("Location", "")) or "an unknown location"
        message = scrub(f"{message}, redirected to {location}: update the endpoint URL")
    return PermanentError(message, status_code=status, detail=detail or None)


def error_for_exception(exc, action):
    """The error a ``requests`` exception stands for; its text never includes the query string."""
    chain = _exception_chain(exc)
    root = chain[-1]
    cause = root.strerror if isinstance(root, OSError) and root.strerror else type(root).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        verification = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
        if verification is not None:
            # A certificate that fails verification (self-signed, expired, wrong host) does not
            # fix itself between retries, and may be an interception: a person must look.
            return PermanentError(
                f"{action}: TLS certificate verification failed ({verification.verify_message})"
            )
        return TransientError(f"{action}: TLS handshake failed ({cause})")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransientError(f"{action}: timed out while connecting")
    if isinstance(exc, requests.exceptions.Timeout):
        return TransientError(f"{action}: no answer before the read timeout")
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return TransientError(f"{action}: connection failed ({cause})")
    return PermanentError(f"{action}: invalid request ({type(exc).__name__})")


def _exception_chain(exc):
    """``exc`` and what caused it, outermost first (requests and urllib3 wrap several levels)."""
    chain = [exc]
    while len(chain) < 10:
        current = chain[-1]
        nested = getattr(current, "reason", None)  # urllib3's MaxRetryError
        if not isinstance(nested, BaseException):
            nested = current.__cause__ or current.__context__
        if nested is None and current.args and isinstance(current.args[0], BaseException):
            nested = current.args[0]
        if nested is None or nested in chain:
            break
        chain.append(nested)
    return chain


def _decode(response):
    return response.content.decode(response.encoding or "utf-8", errors="replace")


def _scrub(text, secrets):
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class HttpTransport:
    """Requests to one HTTP endpoint; failures raise TransientError or PermanentError."""

    def __init__(
        self,
        base_url,
        *,
        auth: TransportAuth | None = None,
        timeout=(5.0, 30.0),
        verify=True,
        session=None,
        default_headers=None,
    ):
        if not timeout:
            raise ValueError("an HTTP transport needs a timeout")
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout
        self.verify = verify  # True, False, or the path of a CA bundle
        self.default_headers = {**DEFAULT_HEADERS, **(default_headers or {})}
        self._session = session or requests.Session()
        self._owns_session = session is None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._owns_session:
            self._session.close()

    def send(
        self,
        method,
        path="",
        *,
        json_body=None,
        data=None,
        headers=None,
        idempotency_key=None,
        content_encoding=None,
    ):
        """Send one request; return the 2xx HttpResult or raise TransientError/PermanentError.

        ``json_body`` is serialized to compact UTF-8 JSON; ``data`` is bytes, text or a form dict.
        ``content_encoding`` (``gzip``): the body is sent compressed so, with that header.
        """
        if json_body is not None and data is not None:
            raise ValueError("pass json_body or data, not both")
        method = method.upper()
        url = self._url(path)
        request_headers = CaseInsensitiveDict({**self.default_headers, **(headers or {})})
        if idempotency_key:
            request_headers["Idempotency-Key"] = str(idempotency_key)
        if json_body is not None:
            request_headers.setdefault("Content-Type", "application/json")
            # Serialized here so the bytes signed (HMAC) are exactly the bytes sent.
            data = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        elif isinstance(data, str):
            data = data.encode()
        if content_encoding and isinstance(data, bytes):
            # Compressed before the authentication signs it: a signature covers the bytes sent.
            data = compression.compress(data, content_encoding)
            request_headers["Content-Encoding"] = content_encoding
        action = f"{method} {safe_url(url)}"
        response, elapsed_ms = self._request(method, url, request_headers, data, action)
        if response.status_code == 401 and self.auth and self.auth.on_unauthorized():
            response, elapsed_ms = self._request(method, url, request_headers, data, action)
        error = error_for_status(response, action, self._scrub)
        if error:
            raise error
        return HttpResult.from_response(response, elapsed_ms)

    def test_connection(self):
        """Reach the base URL once with a GET; return (ok, message for a person)."""
        action = f"GET {safe_url(self.base_url)}"
        headers = CaseInsensitiveDict(self.default_headers)
        try:
            response, elapsed_ms = self._request("GET", self.base_url, headers, None, action)
        except IntegrationError as exc:
            return False, str(exc)
        status = response.status_code
        if status < 300:
            return True, f"Connected: HTTP {status} in {elapsed_ms} ms."
        if status in CREDENTIAL_STATUSES:
            return False, f"{action}: HTTP {status}: the server refused the credentials."
        if 400 <= status < 500 and status not in TRANSIENT_STATUSES:
            # Many APIs have nothing at their base URL: the server answered, that is the test.
            return True, f"Server reachable: HTTP {status} for the base URL in {elapsed_ms} ms."
        return False, str(error_for_status(response, action, self._scrub))

    def _url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    def _request(self, method, url, headers, data, action):
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                url,
                headers=headers,
                data=data,
                auth=self.auth,
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # "from None": requests' own messages carry the full URL, query string included.
            raise error_for_exception(exc, action) from None
        elapsed_ms = int((time.monotonic() - started) * 1000)
        if _logger.isEnabledFor(logging.DEBUG):
            sensitive = self.auth.secret_headers if self.auth else ()
            _logger.debug(
                "%s -> HTTP %s in %d ms, headers %s",
                action,
                response.status_code,
                elapsed_ms,
                redact_headers(response.request.headers, sensitive),
            )
        return response, elapsed_ms

    def _scrub(self, text):
        return _scrub(text, self.auth.secret_values() if self.auth else ())
