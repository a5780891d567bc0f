"""The core's outbound transports: one ``send_<transport>`` and ``test_<transport>`` each.

``integration.endpoint`` dispatches ``_send``/``_test_connection`` to its ``_send_<transport>``
and ``_test_<transport>`` methods, which call these. A send raises TransientError (retry with
backoff) or PermanentError (exception card); a test returns ``(ok, detail)``.
"""

import json
import os
from urllib.parse import quote, urlsplit, urlunsplit

from ..lib import amqp_transport, compression, filedrop, http_transport
from ..lib.errors import PermanentError, TransientError


def body_bytes(request):
    """The request's body as bytes (a dict or list as compact JSON)."""
    body = request.get("body")
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


def content_encoding(endpoint):
    """The coding (``gzip``) of the endpoint's outbound bodies, or None when uncompressed."""
    return None if endpoint.compression in (False, "none") else endpoint.compression


def _http_auth(endpoint):
    secret = endpoint._get_secret()
    kind = endpoint.auth_type
    if kind == "none":
        return None
    if not secret:
        raise PermanentError(f"Endpoint {endpoint.code} has no credential for {kind} auth.")
    if kind == "basic":
        return http_transport.BasicAuth(endpoint.username or "", secret)
    if kind == "bearer":
        return http_transport.BearerAuth(secret)
    if kind == "api_key":
        return http_transport.ApiKeyHeaderAuth(endpoint.auth_header or "X-API-Key", secret)
    if kind == "hmac":
        return http_transport.HmacAuth(secret, header_name=endpoint.auth_header or "X-Signature")
    return http_transport.OAuth2ClientCredentials(
        endpoint.oauth_token_url, endpoint.username, secret, scope=endpoint.oauth_scope or None
    )


def _http(endpoint):
    if not endpoint.url:
        raise PermanentError(f"Endpoint {endpoint.code} has no URL.")
    return http_transport.HttpTransport(
        endpoint.url,
        auth=_http_auth(endpoint),
        timeout=(endpoint.connect_timeout or 5.0, endpoint.read_timeout or 30.0),
        verify=endpoint.verify_tls,
    )


def amqp_url(endpoint):
    """The broker URL with the stored credentials put in (never logged)."""
    parts = urlsplit(endpoint.url or "")
    if not parts.hostname:
        raise PermanentError(f"Endpoint {endpoint.code} has no AMQP URL.")
    secret = endpoint._get_secret()
    if endpoint.username:
        auth = quote(endpoint.username, safe="") + (":" + quote(secret, safe="") if secret else "")
        netloc = f"{auth}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


# ---------------------------------------------------------------------- http
def send_http(endpoint, flow, message, request):
    """POST (or the flow's method) ``request`` to the endpoint's URL."""
    headers = dict(request.get("headers") or {})
    body = request.get("body")
    kwargs = {"data": body_bytes(request)} if isinstance(body, bytes | str) else {"json_body": body}
    if isinstance(body, bytes | str):
        headers.setdefault("Content-Type", request.get("content_type") or "application/json")
    with _http(endpoint) as transport:
        return transport.send(
            request.get("method") or flow.request_method or "POST",
            request.get("path") or flow.request_path or "",
            headers=headers,
            idempotency_key=message.idempotency_key,
            content_encoding=content_encoding(endpoint),
            **kwargs,
        )


def test_http(endpoint):
    with _http(endpoint) as transport:
        return transport.test_connection()


# ---------------------------------------------------------------------- amqp
def send_amqp(endpoint, flow, message, request):
    """Publish ``request`` (confirmed, persistent) to the endpoint's exchange."""
    headers = dict(request.get("headers") or {})
    # The exchange is declared durable (idempotent); the receivers declare their queues.
    with amqp_transport.AmqpPublisher(
        amqp_url(endpoint), endpoint.amqp_exchange or "integration"
    ) as publisher:
        publisher.publish(
            body_bytes(request),
            routing_key=request.get("path") or flow.request_path or flow.code,
            message_id=message.idempotency_key,
            headers=headers or None,
            content_encoding=content_encoding(endpoint),
        )


def test_amqp(endpoint):
    publisher = amqp_transport.AmqpPublisher(
        amqp_url(endpoint), endpoint.amqp_exchange or "integration", declare=False
    )
    with publisher:
        return publisher.test_connection()


# ---------------------------------------------------------------------- file
def send_file(endpoint, flow, message, request):
    """Write ``request``'s body atomically to the drop folder's out/ (``.json.gz`` compressed)."""
    if not endpoint.file_root:
        raise PermanentError(f"Endpoint {endpoint.code} has no drop folder.")
    prefix = request.get("path") or flow.request_path or flow.code
    name = f"{prefix}-{message.idempotency_key}.json".replace("/", "_")
    body = body_bytes(request)
    coding = content_encoding(endpoint)
    if coding:
        name, body = name + filedrop.GZIP_SUFFIX, compression.compress(body, coding)
    try:
        folders = filedrop.ensure_layout(endpoint.file_root)
        filedrop.write_atomic(folders["out"], name, body)
    except OSError as error:  # a full disk or an unmounted share may come back
        raise TransientError(f"Cannot write {name} to {endpoint.file_root}: {error}") from None


def test_file(endpoint):
    root = endpoint.file_root or ""
    if os.path.isdir(root) and os.access(root, os.W_OK):
        return True, f"{root} exists and is writable."
    return False, f"{root or 'No folder'} is missing or not writable."
