"""Endpoint side of sending: secrets, the production guard, the circuit breaker, transports."""

import calendar
import json
import os
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from ..lib import amqp_transport, circuit, crypto, filedrop, http_transport
from ..lib.errors import PermanentError, TransientError
from . import pg

PRODUCTION_UUID_PARAM = "integration.production_database_uuid"
PRODUCTION_NAME_PARAM = "integration.production_database_name"
# The server configuration names its production database: a copy never carries it along.
PRODUCTION_DATABASE_OPTION = "integration_production_database"
PRODUCTION_DATABASE_ENV = "INTEGRATION_PRODUCTION_DATABASE"
ENCRYPTION_KEYS_OPTION = "integration_encryption_keys"

_boxes = {}


def secret_box(env):
    """The SecretBox for the keys configured outside the database (server config or env).

    A missing or malformed key is a configuration problem a person must fix: UserError.
    """
    try:
        keys = tuple(crypto.load_keys(config.get(ENCRYPTION_KEYS_OPTION)))
        if keys not in _boxes:
            _boxes[keys] = crypto.SecretBox(list(keys))
    except crypto.CryptoError as error:
        raise UserError(str(error)) from None
    return _boxes[keys]


def decrypt(env, token):
    """Plaintext of a stored secret; UserError when the configured keys cannot open it."""
    try:
        return secret_box(env).decrypt(token)
    except crypto.CryptoError as error:
        raise UserError(str(error)) from None


def configured_production_database():
    """The database the server configuration (or environment) names as production, or None."""
    return config.get(PRODUCTION_DATABASE_OPTION) or os.environ.get(PRODUCTION_DATABASE_ENV) or None


def copy_refusal(env):
    """Why this database must not call production systems, or None when it may.

    Production is the database whose name the server configuration gives and whose name and
    ``database.uuid`` a manager declared: a copy of any kind (Odoo's duplicate, ``createdb -T``,
    a dump restored, a disk snapshot) differs in at least one of the three.
    """
    params = env["ir.config_parameter"].sudo()
    if str(params.get_param("database.is_neutralized") or "").lower() in ("1", "true"):
        return "this database is neutralized (a copy for test or training)."
    configured = configured_production_database()
    if not configured:
        return (
            "the server configuration names no production database"
            f" ({PRODUCTION_DATABASE_OPTION} or {PRODUCTION_DATABASE_ENV})."
        )
    if configured != env.cr.dbname:
        return f"this server names {configured!r} as its production database, not this one."
    bound = params.get_param(PRODUCTION_UUID_PARAM)
    if not bound:
        return "no database has been declared the production database."
    if bound != params.get_param("database.uuid"):
        return "this database is a copy of the production database (another database.uuid)."
    if params.get_param(PRODUCTION_NAME_PARAM) != env.cr.dbname:
        return "this database is a copy of the production database (another database name)."
    return None


# ---------------------------------------------------------------------- circuit breaker
# The circuit lives on the endpoint row but is read and changed in short autonomous
# transactions at READ COMMITTED, the row locked while it changes: a worker's batch transaction
# never holds the row, concurrent workers wait for each other's few milliseconds instead of
# failing to serialize, and every worker sees the state as committed now.
CIRCUIT_COLUMNS = (
    "circuit_state, circuit_failures, circuit_opened_at, circuit_threshold, circuit_cooldown,"
    " last_success_at"
)
SUCCESS_REFRESH = timedelta(seconds=30)
CIRCUIT_TRIES = 5


def _epoch(value):
    return calendar.timegm(value.utctimetuple()) + value.microsecond / 1e6 if value else None


def _stored(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None) if epoch else None


def _read_circuit(cr, endpoint_id, lock):
    cr.execute(
        f"SELECT {CIRCUIT_COLUMNS} FROM integration_endpoint WHERE id = %s"
        + (" FOR NO KEY UPDATE" if lock else ""),
        [endpoint_id],
        log_exceptions=False,
    )
    name, failures, opened_at, threshold, cooldown, last_success = cr.fetchone()
    # A non-closed circuit without its opening time (edited by hand) counts as opened now.
    opened = _epoch(opened_at) or (None if name == circuit.CLOSED else time.time())
    state = circuit.CircuitState(name, failures or 0, opened)
    return state, threshold, cooldown, last_success


def _write_circuit(cr, endpoint_id, state, stamp=None):
    """Store ``state``; ``stamp`` is an optional (column, value) to set alongside."""
    sets = SQL(
        "circuit_state = %s, circuit_failures = %s, circuit_opened_at = %s",
        state.state,
        state.failures,
        _stored(state.opened_at),
    )
    if stamp:
        sets = SQL("%s, %s = %s", sets, SQL.identifier(stamp[0]), stamp[1])
    cr.execute(
        SQL("UPDATE integration_endpoint SET %s WHERE id = %s", sets, endpoint_id),
        log_exceptions=False,
    )


def _autonomous(endpoint, work):
    """Run ``work(cr)`` in its own short READ COMMITTED transaction, retried on a conflict."""
    for attempt in range(1, CIRCUIT_TRIES + 1):
        try:
            with endpoint.env.registry.cursor() as cr:
                pg.read_committed(cr)
                return work(cr)
        except psycopg2.OperationalError as error:
            if not pg.is_conflict(error) or attempt == CIRCUIT_TRIES:
                raise
            time.sleep(0.01 * attempt)
    return None


def circuit_allows(endpoint):
    """(allowed, retry_at): whether a request may go out now; one probe after the cool-down."""

    def decide(cr):
        state, _threshold, cooldown, _last = _read_circuit(cr, endpoint.id, lock=False)
        if state.state == circuit.CLOSED:
            return True, None
        state, _threshold, cooldown, _last = _read_circuit(cr, endpoint.id, lock=True)
        allowed, new_state = circuit.allow(state, time.time(), cooldown)
        if new_state != state:
            _write_circuit(cr, endpoint.id, new_state)
        if allowed:
            return True, None
        return False, _stored(max(state.opened_at + cooldown, time.time() + 1))

    return _autonomous(endpoint, decide)


def circuit_record(endpoint, success):
    """Count one outcome: a success closes the circuit, transient failures open it."""
    now = fields.Datetime.now()

    def record(cr):
        state, threshold, _cooldown, last_success = _read_circuit(cr, endpoint.id, lock=False)
        fresh = last_success and now - last_success < SUCCESS_REFRESH
        if success and state == circuit.CircuitState() and fresh:
            return
        state, threshold, _cooldown, _last = _read_circuit(cr, endpoint.id, lock=True)
        if success:
            _write_circuit(cr, endpoint.id, circuit.on_success(state), ("last_success_at", now))
        else:
            new_state = circuit.on_failure(state, time.time(), threshold)
            _write_circuit(cr, endpoint.id, new_state, ("last_failure_at", now))

    _autonomous(endpoint, record)
    endpoint.invalidate_recordset(
        [
            "circuit_state",
            "circuit_failures",
            "circuit_opened_at",
            "last_success_at",
            "last_failure_at",
        ]
    )


# ---------------------------------------------------------------------- transports
def _body_bytes(request):
    body = request.get("body")
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


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


def send(endpoint, flow, message, request):
    """Send ``request`` (from a handler's ``_prepare_outbound``) for ``message``."""
    headers = dict(request.get("headers") or {})
    if endpoint.transport == "http":
        body = request.get("body")
        kwargs = (
            {"data": _body_bytes(request)} if isinstance(body, bytes | str) else {"json_body": body}
        )
        if isinstance(body, bytes | str):
            headers.setdefault("Content-Type", request.get("content_type") or "application/json")
        with _http(endpoint) as transport:
            return transport.send(
                request.get("method") or flow.request_method or "POST",
                request.get("path") or flow.request_path or "",
                headers=headers,
                idempotency_key=message.idempotency_key,
                **kwargs,
            )
    if endpoint.transport == "amqp":
        # The exchange is declared durable (idempotent); the receivers declare their queues.
        with amqp_transport.AmqpPublisher(
            amqp_url(endpoint), endpoint.amqp_exchange or "integration"
        ) as publisher:
            publisher.publish(
                _body_bytes(request),
                routing_key=request.get("path") or flow.request_path or flow.code,
                message_id=message.idempotency_key,
                headers=headers or None,
            )
        return None
    if endpoint.transport == "file":
        if not endpoint.file_root:
            raise PermanentError(f"Endpoint {endpoint.code} has no drop folder.")
        prefix = request.get("path") or flow.request_path or flow.code
        name = f"{prefix}-{message.idempotency_key}.json".replace("/", "_")
        try:
            folders = filedrop.ensure_layout(endpoint.file_root)
            filedrop.write_atomic(folders["out"], name, _body_bytes(request))
        except OSError as error:  # a full disk or an unmounted share may come back
            raise TransientError(f"Cannot write {name} to {endpoint.file_root}: {error}") from None
        return None
    raise PermanentError(f"Endpoint {endpoint.code} has no outbound transport.")


def test_connection(endpoint):
    """(ok, detail) for the Test connection button."""
    if endpoint.transport == "http":
        with _http(endpoint) as transport:
            return transport.test_connection()
    if endpoint.transport == "amqp":
        publisher = amqp_transport.AmqpPublisher(
            amqp_url(endpoint), endpoint.amqp_exchange or "integration", declare=False
        )
        with publisher:
            return publisher.test_connection()
    root = endpoint.file_root or ""
    if os.path.isdir(root) and os.access(root, os.W_OK):
        return True, f"{root} exists and is writable."
    return False, f"{root or 'No folder'} is missing or not writable."
