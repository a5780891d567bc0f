"""Inbound HTTP API: ``POST /integration/v1/<endpoint_code>/<flow_code>``.

The contract is documented in README.rst (External API). Every answer is JSON: 202 or 200 with
the messages, ``{"error": {"code", "message"}}`` with a 4xx status for a refusal, 503 for a
temporary failure or a misconfiguration on our side. The caller is authenticated before
anything is looked up: every anonymous request gets the same 401 whatever its path and body,
and other paths under /integration answer the API's JSON 404 once authenticated. A refusal
rolls the transaction back and is logged with endpoint, flow, status, reason and remote
address, never the key, the signature or the body. A body sent with ``Content-Encoding: gzip`` (or
``deflate``) is inflated once its caller is authenticated, under the same body limit as it came
and as it inflates (``lib/compression.py``); a signature covers the bytes as sent.

PostgreSQL concurrency failures, and a concurrent enqueue of the same idempotency keys, are
re-raised so that Odoo's request retry (``odoo.service.model.retrying``) replays the request in a
new transaction. On the last try we answer a JSON 503 ourselves: Odoo would answer an HTML 500.
"""

import contextlib
import functools
import json
import logging
import time

import psycopg2
from psycopg2 import errorcodes
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.service import model as service_model
from odoo.tools import SQL

from ..lib import signing, sunset
from ..lib.inbound_api import (
    ApiError,
    RateLimiter,
    bearer_token,
    check_content_type,
    check_size,
    inflate_body,
    optional_header,
    parse_messages,
    request_coding,
    valid_codes,
)
from ..lib.input_limits import InputError
from ..models.integration_message import QueueTarget
from ..tools.enqueue_errors import ConcurrentEnqueue

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
# Kept in the request's environ, which survives Odoo's replays of the request.
_TRIES_KEY = "integration_core.tries"
_rate_limiter = RateLimiter()
MISCONFIGURED = "server_misconfigured"
# Configuration problems already logged by this process (logged once, not per request).
_logged_misconfigurations = set()
# When this worker last recorded the use of each API key, by (database, key id).
_touched = {}
TOUCH_SECONDS = 60


class _RetryableError(SerializationFailure):
    """A failure that Odoo's request retry replays (it looks at the class and ``pgcode``)."""

    pgcode = errorcodes.SERIALIZATION_FAILURE


def _json_response(status, body, headers=None):
    return request.make_response(
        json.dumps(body),
        headers=[("Content-Type", "application/json"), *(headers or {}).items()],
        status=status,
    )


def _log_misconfiguration(reason):
    if reason not in _logged_misconfigurations:
        _logged_misconfigurations.add(reason)
        _logger.error("Signed inbound requests are refused with 503 until fixed: %s", reason)


def _is_retryable(error):
    if isinstance(error, psycopg2.OperationalError):
        return error.pgcode in service_model.PG_CONCURRENCY_ERRORS_TO_RETRY
    return isinstance(error, ConcurrentEnqueue)


def _is_last_try():
    """Count this try; True when Odoo will not replay the request again."""
    environ = request.httprequest.environ
    environ[_TRIES_KEY] = environ.get(_TRIES_KEY, 0) + 1
    return environ[_TRIES_KEY] >= service_model.MAX_TRIES_ON_CONCURRENCY_FAILURE


class InboundApi(http.Controller):
    # Every method is routed here so that the controller answers 405 in JSON: with only POST,
    # werkzeug's router would answer other methods with an HTML page.
    @http.route(
        "/integration/v1/<string:endpoint_code>/<string:flow_code>",
        type="http",
        auth="none",
        methods=["POST", "GET", "PUT", "PATCH", "DELETE", "OPTIONS"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, endpoint_code, flow_code, **_params):
        """Queue the posted message(s); answer 202 with their ids (200 if all were known)."""
        try:
            status, body = self._receive(endpoint_code, flow_code)
            request.env.flush_all()  # a concurrency error must surface before we answer
            return _json_response(status, body)
        except ApiError as error:
            return self._refuse(error, endpoint_code, flow_code)
        except AccessError:
            error = ApiError(403, "access_denied", "The account may not enqueue on this flow.")
            return self._refuse(error, endpoint_code, flow_code)
        except Exception as error:
            if _is_retryable(error) and not _is_last_try():
                if isinstance(error, psycopg2.OperationalError):
                    raise
                raise _RetryableError(str(error)) from error
            _logger.exception("Inbound %r/%r failed", endpoint_code, flow_code)
            error = ApiError(
                503,
                "temporarily_unavailable",
                "Temporary failure: retry later.",
                {"Retry-After": "5"},
            )
            return self._refuse(error, endpoint_code, flow_code)

    @http.route(
        ["/integration", "/integration/<path:subpath>"],
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
    )
    def unrouted(self, subpath="", **_params):
        """Any other path under /integration: 401 unauthenticated, the API's JSON 404 after."""
        try:
            token = self._credentials()
            if not token:  # a signature names no endpoint here: it cannot be checked
                raise ApiError(
                    401, "invalid_signature", "The signature does not verify.", _CHALLENGE
                )
            self._api_key(request.env(user=SUPERUSER_ID), token)
            raise ApiError(404, "unknown_route", "Use POST /integration/v1/<endpoint>/<flow>.")
        except ApiError as error:
            return self._refuse(error, "", subpath)

    def _refuse(self, error, endpoint_code, flow_code):
        """Roll back, log the refusal and answer it in JSON."""
        request.env.cr.rollback()
        if error.code != MISCONFIGURED:  # logged once per process where it is detected
            level = logging.INFO if error.status in (400, 404, 405, 413, 415) else logging.WARNING
            _logger.log(
                level,
                "Inbound %r/%r from %s refused: %s %s (%s)",
                endpoint_code,
                flow_code,
                request.httprequest.remote_addr,
                error.status,
                error.code,
                error.message,
            )
        return _json_response(error.status, error.body(), error.headers)

    def _receive(self, endpoint_code, flow_code):
        """Authenticate first (nothing is looked up for an anonymous caller), then route."""
        http_request = request.httprequest
        env = request.env(user=SUPERUSER_ID)
        user_id, route, raw = self._authenticate(env, endpoint_code, flow_code)
        if http_request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST.", {"Allow": "POST"})
        check_content_type(http_request.mimetype)
        coding = request_coding(http_request.headers.get("Content-Encoding"))
        self._check_service_account(env, user_id, route)
        if route.flow_state != "active":
            raise ApiError(403, "flow_inactive", f"Flow {flow_code} does not accept messages now.")
        refusal = sunset.refusal(endpoint_code, flow_code, route.sunset_date)
        if refusal:
            raise ApiError(410, "flow_sunset", refusal)
        _rate_limiter.check(route.endpoint_id, route.rate_limit_per_minute)
        # Inflated only now: the caller is authenticated (a signature covers the bytes as
        # sent) and counted by the rate limit, so nobody else can make us spend the work.
        body = inflate_body(raw, coding, env["integration.message"]._max_payload_bytes())
        payloads, _is_batch = parse_messages(body)
        key = optional_header(http_request.headers, "Idempotency-Key")
        if key and len(payloads) > 1:
            raise ApiError(400, "idempotency_key_with_batch", "Idempotency-Key is for one message.")
        correlation = optional_header(http_request.headers, "X-Correlation-Id")
        items = [
            {"payload": payload, "idempotency_key": key, "correlation_id": correlation}
            for payload in payloads
        ]
        try:
            results = self._enqueue(user_id, route, items)
        except InputError as error:
            raise ApiError(400, "invalid_message", str(error), index=error.index) from None
        body = {"messages": [_summary(message, created) for message, created in results]}
        return (202 if any(created for _m, created in results) else 200), body

    def _authenticate(self, env, endpoint_code, flow_code):
        """(service account id, route, body) of an authenticated request; a 401 first for
        anyone else, then the routing refusals."""
        token = self._credentials()
        key = self._api_key(env, token) if token else None
        max_bytes = env["integration.message"]._max_payload_bytes()
        check_size(request.httprequest.content_length, max_bytes)
        codes_valid = valid_codes(endpoint_code, flow_code)
        if key:
            if not codes_valid:
                raise ApiError(400, "invalid_path", "Endpoint and flow codes are plain text.")
            route = self._route_target(env, endpoint_code, flow_code)
            if key.endpoint_id != route.endpoint_id:
                raise ApiError(403, "wrong_endpoint", "This key belongs to another endpoint.")
            self._touch(key.id)
            return key.user_id, route, self._body(max_bytes)
        Endpoint = env["integration.endpoint"]
        route = codes_valid and Endpoint._inbound_route(endpoint_code, flow_code)
        raw = self._body(max_bytes)
        user_id = self._signature_user(env, route, raw)
        if not route.flow_id:
            raise ApiError(404, "unknown_flow", f"No inbound flow {flow_code} on {endpoint_code}.")
        return user_id, route, raw

    def _credentials(self):
        """The bearer token (None for a signature); 401 when the request carries neither."""
        headers = request.httprequest.headers
        token = bearer_token(headers.get("Authorization"))
        if not (token or headers.get(SIGNATURE_HEADER)):
            raise ApiError(
                401, "missing_credentials", "Send a Bearer API key or a signature.", _CHALLENGE
            )
        return token

    def _body(self, max_bytes):
        raw = request.httprequest.get_data(cache=True)  # cached: Odoo may replay the request
        check_size(len(raw), max_bytes)
        return raw

    def _route_target(self, env, endpoint_code, flow_code):
        route = env["integration.endpoint"]._inbound_route(endpoint_code, flow_code)
        if not route:
            raise ApiError(404, "unknown_endpoint", f"No endpoint {endpoint_code}.")
        if not route.flow_id:
            raise ApiError(404, "unknown_flow", f"No inbound flow {flow_code} on {endpoint_code}.")
        return route

    def _api_key(self, env, token):
        key = env["integration.api.key"]._match(token)
        if not key:
            raise ApiError(401, "invalid_api_key", "Unknown or revoked API key.", _CHALLENGE)
        return key

    def _signature_user(self, env, route, raw):
        """The endpoint's service account once the signature verifies; the same 401 for an
        unknown endpoint as for a wrong signature, so codes cannot be probed."""
        signature = request.httprequest.headers.get(SIGNATURE_HEADER)
        endpoint = env["integration.endpoint"].browse(route.endpoint_id if route else ())
        try:
            secret = endpoint and endpoint._get_inbound_hmac_secret()
        except UserError as error:  # no encryption key configured, or not the right one
            _log_misconfiguration(str(error))
            raise ApiError(
                503,
                MISCONFIGURED,
                "The server cannot check signatures: its encryption key is not configured. "
                "Tell the administrator of this server.",
            ) from None
        try:
            signing.verify(secret or (), signature, raw)
        except signing.SignatureError:
            raise ApiError(
                401, "invalid_signature", "The signature does not verify.", _CHALLENGE
            ) from None
        if not endpoint.inbound_user_id:
            raise ApiError(403, "no_service_account", "No service account for signed requests.")
        return endpoint.inbound_user_id.id

    def _check_service_account(self, env, user_id, route):
        """Refuse accounts that may not enqueue, or not in the endpoint's company."""
        refusal = env["integration.endpoint"]._service_account_refusal(user_id, route.company_id)
        if refusal == "not_a_service_account":
            raise ApiError(403, refusal, "The account may not enqueue messages.")
        if refusal:
            raise ApiError(403, refusal, "The account may not use this endpoint.")

    def _touch(self, key_id):
        """Record when a key was last used: at most once a minute, never waiting on a lock.

        Each worker remembers when it last recorded a key (once committed), so most requests
        skip the UPDATE.
        """
        now, cr = time.monotonic(), request.env.cr
        if now - _touched.get((cr.dbname, key_id), -TOUCH_SECONDS) < TOUCH_SECONDS:
            return
        # A serialization failure means a concurrent request has just recorded it.
        with contextlib.suppress(SerializationFailure), cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "UPDATE integration_api_key SET last_used_at = now() AT TIME ZONE 'UTC'"
                    " WHERE id IN (SELECT id FROM integration_api_key WHERE id = %s"
                    " AND (last_used_at IS NULL OR last_used_at < (now() AT TIME ZONE 'UTC')"
                    " - interval '1 minute') FOR UPDATE SKIP LOCKED)",
                    key_id,
                ),
                log_exceptions=False,
            )
        cr.postcommit.add(functools.partial(_touched.__setitem__, (cr.dbname, key_id), now))

    def _enqueue(self, user_id, route, items):
        """Enqueue as the service account in the endpoint's company (checked above)."""
        messages = request.env["integration.message"].with_user(user_id)
        messages = messages.with_company(route.company_id)
        target = QueueTarget(
            route.flow_id, route.endpoint_id, route.company_id, "inbound", route.ordering_key_path
        )
        return messages._enqueue_target(target, items)


def _summary(message, created):
    # sudo: a duplicate may have been enqueued by another account of the same endpoint; the
    # caller knows its idempotency key and gets its id and state, nothing more.
    message = message.sudo()
    return {
        "id": message.id,
        "idempotency_key": message.idempotency_key,
        "state": message.state,
        "duplicate": not created,
    }
