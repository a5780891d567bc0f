import json
import logging
import time
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.service import model as service_model
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged

from ..controllers import inbound
from ..lib import signing
from ..lib.inbound_api import ApiError, RateLimiter, optional_header, parse_messages
from ..tools.enqueue_errors import ConcurrentEnqueue
from .common import with_encryption_key

URL = "/integration/v1/{endpoint}/{flow}"
LOGGER = inbound.__name__
HMAC_SECRET = "shared-hmac-secret"


@tagged("post_install", "-at_install")
class TestHttpApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.service = new_test_user(
            cls.env,
            login="mes_service",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Plant MES",
                "code": "API_MES",
                "environment": "test",
                "rate_limit_per_minute": 0,
                "inbound_user_id": cls.service.id,
                "inbound_hmac_secret": HMAC_SECRET,
            }
        )
        cls.flow = cls.make_flow(cls.endpoint, "contacts")
        cls.key = cls.env["integration.api.key"].create(
            {"name": "MES server", "endpoint_id": cls.endpoint.id, "user_id": cls.service.id}
        )
        cls.secret = cls.key._issue()

    @classmethod
    def make_flow(cls, endpoint, code, direction="inbound"):
        return cls.env["integration.flow"].create(
            {
                "name": code,
                "code": code,
                "endpoint_id": endpoint.id,
                "direction": direction,
                "handler": "integration.handler.partner",
                "state": "active",
            }
        )

    def post(self, body, endpoint="API_MES", flow="contacts", headers=None, auth=True):
        """POST ``body``: a dict or list sent as JSON, bytes as they are, an iterator chunked."""
        data = json.dumps(body).encode() if isinstance(body, dict | list) else body
        all_headers = {"Content-Type": "application/json"}
        if auth:
            all_headers["Authorization"] = f"Bearer {self.secret}"
        all_headers.update(headers or {})
        url = self.base_url() + URL.format(endpoint=endpoint, flow=flow)
        return self.opener.post(url, data=data, headers=all_headers, timeout=12)

    def signed(self, body, timestamp=None, secret=HMAC_SECRET):
        raw = json.dumps(body).encode()
        header = signing.sign(secret, raw, timestamp=timestamp)
        return self.post(raw, auth=False, headers={"X-Signature": header})

    def assertJson(self, response, status):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertNotIn("Traceback", response.text)
        return response.json()

    def assertError(self, response, status, code):
        error = self.assertJson(response, status)["error"]
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])

    def assertAccepted(self, response, status=202):
        return self.assertJson(response, status)["messages"]

    def messages(self):
        return self.env["integration.message"].search([("flow_id", "=", self.flow.id)])

    def test_one_message_then_duplicates_by_header_and_by_message_id(self):
        headers = {"Idempotency-Key": "k-1", "X-Correlation-Id": "corr-1"}
        [first] = self.assertAccepted(self.post({"ref": "C-1", "name": "ACME"}, headers=headers))
        self.assertEqual((first["idempotency_key"], first["duplicate"]), ("k-1", False))
        self.assertEqual(first["state"], "pending")
        [again] = self.assertAccepted(self.post({"ref": "C-1"}, headers=headers), 200)
        self.assertEqual((again["id"], again["duplicate"]), (first["id"], True))
        [by_id] = self.assertAccepted(self.post({"message_id": "m-7", "ref": "C-2", "name": "B"}))
        [repeat] = self.assertAccepted(self.post({"message_id": "m-7", "ref": "C-2"}), 200)
        self.assertEqual((repeat["id"], repeat["idempotency_key"]), (by_id["id"], "m-7"))
        self.assertEqual(len(self.messages()), 2)
        message = self.messages().browse(first["id"])
        self.assertEqual((message.create_uid, message.correlation_id), (self.service, "corr-1"))
        worker = self.env["integration.queue.worker"]
        worker._process_claimed(worker._claim_batch(100, "test"), "test")
        self.assertEqual(message.state, "done")
        partner = self.env["res.partner"].search([("ref", "=", "C-1")])
        self.assertEqual(partner.name, "ACME")
        self.key.invalidate_recordset()
        self.assertTrue(self.key.last_used_at)

    def test_batch_reports_new_and_duplicate_messages(self):
        self.post({"message_id": "b-1", "ref": "C-3", "name": "C"})
        batch = {"messages": [{"message_id": "b-1"}, {"message_id": "b-2", "name": "D"}]}
        flags = [
            (m["idempotency_key"], m["duplicate"]) for m in self.assertAccepted(self.post(batch))
        ]
        self.assertEqual(flags, [("b-1", True), ("b-2", False)])
        self.assertEqual(len(self.assertAccepted(self.post(batch), 200)), 2)
        one = {"messages": [{"ref": "C-5"}]}
        [keyed] = self.assertAccepted(self.post(one, headers={"Idempotency-Key": "single"}))
        self.assertEqual(keyed["idempotency_key"], "single")
        self.assertEqual(len(self.messages()), 3)

    def test_duplicate_of_another_account_of_the_endpoint(self):
        groups = "base.group_user,integration_core.group_integration_api"
        other = new_test_user(self.env, login="mes_backup_service", groups=groups)
        self.endpoint.inbound_user_id = other
        [first] = self.assertAccepted(self.post({"message_id": "shared-1", "ref": "S"}))
        [again] = self.assertAccepted(self.signed({"message_id": "shared-1", "ref": "S"}), 200)
        self.assertEqual((again["id"], again["duplicate"]), (first["id"], True))

    def test_malformed_bodies_get_400(self):
        self.assertError(self.post(b"{not json"), 400, "invalid_json")
        self.assertError(self.post(b""), 400, "invalid_json")
        self.assertError(self.post(b'{"qty": NaN}'), 400, "invalid_json")
        self.assertError(self.post(b'{"name": "\xff\xfe"}'), 400, "invalid_encoding")
        self.assertError(self.post([1, 2]), 400, "not_an_object")
        self.assertError(self.post({"messages": []}), 400, "invalid_batch")
        self.assertError(self.post({"messages": [{"a": 1}, 3]}), 400, "invalid_message")
        batch = {"messages": [{"a": 1}, {"b": 2}]}
        response = self.post(batch, headers={"Idempotency-Key": "x"})
        self.assertError(response, 400, "idempotency_key_with_batch")
        long_key = {"Idempotency-Key": "k" * 300}
        self.assertError(self.post({"a": 1}, headers=long_key), 400, "invalid_header")
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        self.assertError(self.post({"a": 1}, headers=form), 415, "unsupported_media_type")
        self.assertFalse(self.messages())

    def test_unknown_targets_get_404_and_other_methods_405(self):
        self.assertError(self.post({"a": 1}, endpoint="NOPE"), 404, "unknown_endpoint")
        self.assertError(self.post({"a": 1}, flow="nope"), 404, "unknown_flow")
        self.make_flow(self.endpoint, "contacts_out", direction="outbound")
        self.assertError(self.post({"a": 1}, flow="contacts_out"), 404, "unknown_flow")
        url = self.base_url() + URL.format(endpoint="API_MES", flow="contacts")
        auth = {"Authorization": f"Bearer {self.secret}"}
        for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS"):
            response = self.opener.request(method, url, headers=auth, timeout=12)
            self.assertError(response, 405, "method_not_allowed")
            self.assertEqual(response.headers["Allow"], "POST")
            # Authentication comes first, whatever the method.
            self.assertError(
                self.opener.request(method, url, timeout=12), 401, "missing_credentials"
            )
        self.assertEqual(self.opener.head(url, headers=auth, timeout=12).status_code, 405)
        self.assertEqual(self.url_open(url, head=True).status_code, 401)

    def test_credentials(self):
        anonymous = self.post({"a": 1}, endpoint="NOPE", auth=False)
        self.assertError(anonymous, 401, "missing_credentials")
        self.assertEqual(anonymous.headers["WWW-Authenticate"], "Bearer")
        response = self.post({"a": 1}, auth=False, headers={"Authorization": "Bearer mik_bad"})
        self.assertError(response, 401, "invalid_api_key")
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        other = self.env["integration.endpoint"].create(
            {"name": "Other", "code": "API_OTHER", "environment": "test"}
        )
        self.make_flow(other, "contacts")
        self.assertError(self.post({"a": 1}, endpoint="API_OTHER"), 403, "wrong_endpoint")
        self.key.active = False
        self.assertError(self.post({"a": 1}), 401, "invalid_api_key")
        self.assertFalse(self.messages())

    def test_service_account_checks(self):
        # Each refusal follows an accepted request: what the API keeps in memory must follow.
        api_group = self.env.ref("integration_core.group_integration_api")
        self.assertAccepted(self.post({"message_id": "s-1"}))
        self.service.groups_id = [(3, api_group.id)]
        self.assertError(self.post({"a": 1}), 403, "not_a_service_account")
        self.service.groups_id = [(4, api_group.id)]
        self.assertAccepted(self.post({"message_id": "s-2"}))
        self.service.active = False
        self.assertError(self.post({"a": 1}), 403, "not_a_service_account")
        self.service.active = True
        self.assertAccepted(self.post({"message_id": "s-3"}))
        self.flow.state = "draft"
        self.assertError(self.post({"a": 1}), 403, "flow_inactive")
        self.flow.state = "active"
        self.endpoint.inbound_user_id = False
        self.assertError(self.signed({"ref": "H-1"}), 403, "no_service_account")
        self.assertEqual(set(self.messages().mapped("idempotency_key")), {"s-1", "s-2", "s-3"})

    def test_renamed_codes_apply_at_once(self):
        self.assertAccepted(self.post({"message_id": "n-1"}))
        self.flow.code = "partners"
        self.assertError(self.post({"a": 1}), 404, "unknown_flow")
        self.assertAccepted(self.post({"message_id": "n-2"}, flow="partners"))
        self.endpoint.code = "API_PLANT2"
        self.assertError(self.post({"a": 1}, flow="partners"), 404, "unknown_endpoint")
        self.assertAccepted(
            self.post({"message_id": "n-3"}, endpoint="API_PLANT2", flow="partners")
        )
        self.endpoint.active = False
        self.assertError(
            self.post({"a": 1}, endpoint="API_PLANT2", flow="partners"), 404, "unknown_endpoint"
        )
        self.assertEqual(len(self.messages()), 3)

    def test_enqueues_in_the_endpoint_company(self):
        plant = self.env["res.company"].create({"name": "Acquired plant"})
        self.assertAccepted(self.post({"message_id": "p-0"}))
        self.endpoint.company_id = plant
        self.assertError(self.post({"a": 1}), 403, "company_not_allowed")
        self.service.company_ids = [(4, plant.id)]
        [accepted] = self.assertAccepted(self.post({"ref": "P-1", "name": "Plant contact"}))
        message = self.messages().browse(accepted["id"])
        self.assertEqual((message.company_id, message.create_uid), (plant, self.service))

    def test_refusals_are_logged_without_credentials_or_body(self):
        # logging.INFO, not "INFO": Odoo renames its level 25 "INFO", which hides level 20.
        with self.assertLogs(LOGGER, logging.INFO) as logs:
            bad_key = {"Authorization": "Bearer mik_secretvalue"}
            self.post({"token": "body-secret"}, auth=False, headers=bad_key)
            header = signing.sign("wrong", b"{}")
            self.post(b"{}", auth=False, headers={"X-Signature": header})
            self.post(b'{"token": "body-secret"')
        self.assertEqual(len(logs.output), 3, logs.output)
        self.assertIn("401 invalid_api_key", logs.output[0])
        self.assertIn("'API_MES'/'contacts'", logs.output[0])
        self.assertIn("127.0.0.1", logs.output[0])
        self.assertIn("401 invalid_signature", logs.output[1])
        self.assertIn("400 invalid_json", logs.output[2])
        for secret in ("mik_secretvalue", header.split("v1=")[1], "body-secret", self.secret):
            self.assertFalse([line for line in logs.output if secret in line], secret)

    def test_hmac_signature(self):
        [accepted] = self.assertAccepted(self.signed({"ref": "H-1", "name": "Signed"}))
        self.assertEqual(self.messages().browse(accepted["id"]).create_uid, self.service)
        self.assertError(self.signed({"ref": "H-2"}, secret="wrong"), 401, "invalid_signature")
        old = int(time.time()) - 600
        self.assertError(self.signed({"ref": "H-3"}, timestamp=old), 401, "invalid_signature")
        ahead = int(time.time()) + 600
        self.assertError(self.signed({"ref": "H-3"}, timestamp=ahead), 401, "invalid_signature")
        raw = json.dumps({"ref": "H-4"}).encode()
        header = signing.sign(HMAC_SECRET, raw)
        tampered = self.post(
            raw.replace(b"H-4", b"H-5"), auth=False, headers={"X-Signature": header}
        )
        self.assertError(tampered, 401, "invalid_signature")
        garbage = self.post(raw, auth=False, headers={"X-Signature": "t=x,v1=y"})
        self.assertError(garbage, 401, "invalid_signature")
        self.assertEqual(len(self.messages()), 1)

    def test_size_limits(self):
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 100)
        self.assertError(self.post({"blob": "x" * 200}), 413, "too_large")
        chunked = iter([b'{"blob": "', b"x" * 200, b'"}'])  # no Content-Length: checked once read
        self.assertError(self.post(chunked), 413, "too_large")
        self.assertAccepted(self.post(iter([b'{"ref": "S-1",', b' "name": "Small"}'])))
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 0)
        batch = {"messages": [{"n": n} for n in range(1001)]}
        self.assertError(self.post(batch), 413, "batch_too_large")
        self.assertEqual(len(self.messages()), 1)

    def test_rate_limit(self):
        self.endpoint.rate_limit_per_minute = 2
        minute_start = 60 * 29_000_000  # a window no other test used, 15 s in
        with patch.object(inbound._rate_limiter, "_clock", lambda: minute_start + 15):
            statuses = [self.post({"message_id": f"r-{n}"}).status_code for n in range(2)]
            limited = self.post({"message_id": "r-3"})
        self.assertEqual(statuses, [202, 202])
        self.assertError(limited, 429, "rate_limited")
        self.assertEqual(limited.headers["Retry-After"], "45")
        self.assertEqual(len(self.messages()), 2)

    def patch_enqueue(self, failures):
        """Make the API's enqueue raise the given errors first, then work as usual."""
        model_class = type(self.env["integration.message"])
        real = model_class._enqueue_target
        failures = list(failures)

        def enqueue_target(model, target, items):
            if failures:
                raise failures.pop(0)
            return real(model, target, items)

        return patch.object(model_class, "_enqueue_target", enqueue_target)

    def test_concurrency_failure_is_replayed_by_odoo(self):
        with (
            self.patch_enqueue([ConcurrentEnqueue("Envoi concurrent : réessayez.")]),
            patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 2),
        ):
            [accepted] = self.assertAccepted(self.post({"message_id": "c-1", "ref": "C"}))
        self.assertEqual(self.messages().idempotency_key, "c-1")
        self.assertEqual(accepted["id"], self.messages().id)

    def test_server_failures_are_json_503(self):
        failures = [
            ConcurrentEnqueue("Envoi concurrent : réessayez."),
            RuntimeError("bug"),
            AccessError("no"),
        ]
        with (
            self.patch_enqueue(failures),
            patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1),
            self.assertLogs(LOGGER, logging.WARNING),
        ):
            gave_up = self.post({"message_id": "c-2"})
            bug = self.post({"message_id": "c-3"})
            denied = self.post({"message_id": "c-4"})
        self.assertError(gave_up, 503, "temporarily_unavailable")
        self.assertEqual(gave_up.headers["Retry-After"], "5")
        self.assertError(bug, 503, "temporarily_unavailable")
        self.assertError(denied, 403, "access_denied")
        self.assertFalse(self.messages())


@tagged("post_install", "-at_install")
class TestInboundApiParsing(BaseCase):
    def test_single_message_or_batch(self):
        self.assertEqual(parse_messages(b'{"a": 1}'), ([{"a": 1}], False))
        self.assertEqual(parse_messages(b'{"messages": [{"a": 1}]}'), ([{"a": 1}], True))
        # Another key beside "messages" makes it one message that has a messages field.
        mixed = b'{"messages": [], "b": 2}'
        self.assertEqual(parse_messages(mixed), ([{"messages": [], "b": 2}], False))
        with self.assertRaises(ApiError) as raised:
            parse_messages(b'{"messages": [{}, {}, {}]}', max_batch=2)
        self.assertEqual((raised.exception.status, raised.exception.code), (413, "batch_too_large"))

    def test_optional_header(self):
        self.assertIsNone(optional_header({}, "Idempotency-Key"))
        self.assertEqual(optional_header({"X": " a "}, "X"), "a")
        with self.assertRaises(ApiError):
            optional_header({"X": "abc"}, "X", max_length=2)

    def test_rate_limiter_counts_per_key_and_minute(self):
        now = [600.0]
        limiter = RateLimiter(clock=lambda: now[0])
        limiter.check("a", 2)
        limiter.check("a", 2)
        limiter.check("b", 2)
        limiter.check("a", 0)  # 0: no limit
        with self.assertRaises(ApiError) as raised:
            limiter.check("a", 2)
        self.assertEqual(raised.exception.headers, {"Retry-After": "60"})
        now[0] = 659.5
        with self.assertRaises(ApiError) as raised:
            limiter.check("a", 2)
        self.assertEqual(raised.exception.headers, {"Retry-After": "1"})
        now[0] = 660.0
        limiter.check("a", 2)
