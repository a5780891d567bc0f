"""Inbound HTTP API: ``POST /integration/v1/<endpoint_code>/<flow_code>``.

The contract is documented in README.rst (External API). Every refusal is a JSON body
``{"error": {"code", "message"}}`` with a 4xx status; a temporary failure on our side is a 503.
Concurrency errors from PostgreSQL are re-raised so that Odoo replays the whole request.
"""

import json
import logging
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, fields, http
from odoo.http import request

from ..lib import signing
from ..lib.inbound_api import ApiError, RateLimiter, bearer_token, parse_messages

_logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SIGNATURE_HEADER = "X-Signature"
_rate_limiter = RateLimiter()


def _json_response(status, body, headers=None):
    return request.make_response(
        json.dumps(body),
        headers=[("Content-Type", "application/json"), *(headers or {}).items()],
        status=status,
    )


class InboundApi(http.Controller):
    @http.route(
        "/integration/v1/<string:endpoint_code>/<string:flow_code>",
        type="http",
        auth="none",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, endpoint_code, flow_code, **_params):
        """Queue the posted message(s); answer 202 with their ids (200 if all were known)."""
        try:
            status, body = self._receive(endpoint_code, flow_code)
            return _json_response(status, body)
        except ApiError as error:
            _logger.info(
                "Inbound %s/%s from %s refused: %s %s",
                endpoint_code,
                flow_code,
                request.httprequest.remote_addr,
                error.status,
                error.code,
            )
            return _json_response(error.status, error.body(), error.headers)
        except (psycopg2.OperationalError, psycopg2.IntegrityError):
            raise  # Odoo rolls back and replays the request
        except Exception:
            _logger.exception("Inbound %s/%s failed", endpoint_code, flow_code)
            error = ApiError(503, "temporarily_unavailable", "Temporary failure: retry later.")
            return _json_response(503, error.body(), {"Retry-After": "5"})

    def _receive(self, endpoint_code, flow_code):
        http_request = request.httprequest
        if http_request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST.", {"Allow": "POST"})
        env = request.env(user=SUPERUSER_ID)
        param = env["ir.config_parameter"].get_param("integration.max_request_bytes")
        max_bytes = int(param or 0) or DEFAULT_MAX_BYTES
        if (http_request.content_length or 0) > max_bytes:
            raise ApiError(413, "too_large", f"The body is over {max_bytes} bytes.")
        endpoint, flow = self._route_target(env, endpoint_code, flow_code)
        raw = http_request.get_data(cache=True)
        if len(raw) > max_bytes:
            raise ApiError(413, "too_large", f"The body is over {max_bytes} bytes.")
        user = self._authenticate(env, endpoint, raw)
        if flow.state != "active" or flow.direction != "inbound":
            raise ApiError(403, "flow_inactive", f"Flow {flow_code} does not accept messages now.")
        _rate_limiter.check(endpoint.id, endpoint.rate_limit_per_minute)
        payloads, is_batch = parse_messages(raw)
        key = http_request.headers.get("Idempotency-Key")
        if key and len(payloads) > 1:
            raise ApiError(400, "idempotency_key_with_batch", "Idempotency-Key is for one message.")
        correlation = http_request.headers.get("X-Correlation-Id")
        items = [
            {"payload": payload, "idempotency_key": key, "correlation_id": correlation}
            for payload in payloads
        ]
        as_user = env["integration.message"].with_user(user).with_company(endpoint.company_id)
        results = as_user.enqueue_batch(flow.with_user(user), items)
        body = {
            "messages": [
                {
                    "id": message.id,
                    "idempotency_key": message.idempotency_key,
                    "state": message.sudo().state,
                    "duplicate": not created,
                }
                for message, created in results
            ]
        }
        return (202 if any(created for _m, created in results) else 200), body

    def _route_target(self, env, endpoint_code, flow_code):
        endpoint = env["integration.endpoint"].search([("code", "=", endpoint_code)], limit=1)
        if not endpoint:
            raise ApiError(404, "unknown_endpoint", f"No endpoint {endpoint_code}.")
        flow = env["integration.flow"].search(
            [("endpoint_id", "=", endpoint.id), ("code", "=", flow_code)], limit=1
        )
        if not flow:
            raise ApiError(404, "unknown_flow", f"No flow {flow_code} on {endpoint_code}.")
        return endpoint, flow

    def _authenticate(self, env, endpoint, raw):
        """The service account the request speaks for (API key or HMAC signature)."""
        headers = request.httprequest.headers
        token = bearer_token(headers.get("Authorization"))
        signature = headers.get(SIGNATURE_HEADER)
        if token:
            key = env["integration.api.key"]._authenticate(token)
            if not key:
                raise ApiError(401, "invalid_api_key", "Unknown or revoked API key.", _CHALLENGE)
            if key.endpoint_id != endpoint:
                raise ApiError(403, "wrong_endpoint", "This key belongs to another endpoint.")
            self._touch(key)
            user = key.user_id
        elif signature:
            secret = endpoint._get_inbound_hmac_secret()
            try:
                if not secret:
                    raise signing.SignatureError("no inbound secret configured")
                signing.verify(secret, signature, raw)
            except signing.SignatureError:
                raise ApiError(401, "invalid_signature", "The signature does not verify.") from None
            user = endpoint.inbound_user_id
            if not user:
                raise ApiError(403, "no_service_account", "No service account for signed requests.")
        else:
            raise ApiError(
                401, "missing_credentials", "Send a Bearer API key or a signature.", _CHALLENGE
            )
        if not (user.active and user.has_group("integration_core.group_integration_api")):
            raise ApiError(403, "not_a_service_account", "The account may not enqueue messages.")
        if endpoint.company_id not in user.company_ids:
            raise ApiError(403, "company_not_allowed", "The account may not use this endpoint.")
        return user

    def _touch(self, key):
        """Record when a key was last used, at most once a minute (no write per request)."""
        now = fields.Datetime.now()
        if not key.last_used_at or now - key.last_used_at > timedelta(minutes=1):
            key.sudo().last_used_at = now


_CHALLENGE = {"WWW-Authenticate": "Bearer"}
