import json
import time

from odoo.tests import HttpCase, new_test_user, tagged

from ..lib import signing
from .common import CapturedLogs, with_encryption_key

URL = "/integration/v1/{endpoint}/{flow}"


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
                "inbound_hmac_secret": "shared-hmac-secret",
            }
        )
        cls.flow = cls.env["integration.flow"].create(
            {
                "name": "contacts",
                "code": "contacts",
                "endpoint_id": cls.endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.partner",
                "state": "active",
            }
        )
        cls.key = cls.env["integration.api.key"].create(
            {"name": "MES server", "endpoint_id": cls.endpoint.id, "user_id": cls.service.id}
        )
        cls.secret = cls.key._issue()

    def post(self, body, endpoint="API_MES", flow="contacts", headers=None, auth=True):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json"}
        if auth:
            all_headers["Authorization"] = f"Bearer {self.secret}"
        all_headers.update(headers or {})
        return self.url_open(
            URL.format(endpoint=endpoint, flow=flow), data=data, headers=all_headers
        )

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertEqual(response.json()["error"]["code"], code)
        self.assertNotIn("Traceback", response.text)

    def messages(self):
        return self.env["integration.message"].search([("flow_id", "=", self.flow.id)])

    def test_accepts_one_message_and_a_duplicate_gets_the_same_id(self):
        first = self.post({"ref": "C-1", "name": "ACME"}, headers={"Idempotency-Key": "k-1"})
        self.assertEqual(first.status_code, 202, first.text)
        [accepted] = first.json()["messages"]
        self.assertEqual((accepted["idempotency_key"], accepted["duplicate"]), ("k-1", False))
        again = self.post({"ref": "C-1", "name": "ACME"}, headers={"Idempotency-Key": "k-1"})
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["messages"][0]["id"], accepted["id"])
        self.assertTrue(again.json()["messages"][0]["duplicate"])
        by_message_id = self.post({"message_id": "m-7", "ref": "C-2", "name": "B"})
        repeat = self.post({"message_id": "m-7", "ref": "C-2", "name": "B"})
        self.assertEqual(by_message_id.status_code, 202)
        self.assertEqual(repeat.status_code, 200)
        self.assertEqual(len(self.messages()), 2)
        message = self.messages().filtered(lambda m: m.idempotency_key == "k-1")
        self.assertEqual(message.create_uid, self.service)
        worker = self.env["integration.queue.worker"]
        worker._process_claimed(worker._claim_batch(100, "test"), "test")
        self.assertEqual(message.state, "done")

    def test_batch_reports_new_and_duplicate_messages(self):
        self.post({"message_id": "b-1", "ref": "C-3", "name": "C"})
        response = self.post(
            {
                "messages": [
                    {"message_id": "b-1", "ref": "C-3"},
                    {"message_id": "b-2", "ref": "C-4", "name": "D"},
                ]
            }
        )
        self.assertEqual(response.status_code, 202)
        flags = [(m["idempotency_key"], m["duplicate"]) for m in response.json()["messages"]]
        self.assertEqual(flags, [("b-1", True), ("b-2", False)])
        self.assertEqual(len(self.messages()), 2)

    def test_bad_input_gets_a_clear_4xx(self):
        self.assertError(self.post(b"{not json"), 400, "invalid_json")
        self.assertError(self.post(b"\xff\xfe"), 400, "invalid_encoding")
        self.assertError(self.post([1, 2]), 400, "not_an_object")
        self.assertError(self.post({"messages": []}), 400, "invalid_batch")
        self.assertError(self.post({"messages": [{"a": 1}, 3]}), 400, "invalid_message")
        self.assertError(
            self.post({"messages": [{"a": 1}, {"b": 2}]}, headers={"Idempotency-Key": "x"}),
            400,
            "idempotency_key_with_batch",
        )
        self.assertError(self.post({"a": 1}, endpoint="NOPE"), 404, "unknown_endpoint")
        self.assertError(self.post({"a": 1}, flow="nope"), 404, "unknown_flow")
        get = self.url_open(URL.format(endpoint="API_MES", flow="contacts"))
        self.assertError(get, 405, "method_not_allowed")
        self.assertFalse(self.messages())

    def test_credentials(self):
        self.assertError(self.post({"a": 1}, auth=False), 401, "missing_credentials")
        response = self.post({"a": 1}, auth=False, headers={"Authorization": "Bearer mik_bad"})
        self.assertError(response, 401, "invalid_api_key")
        self.assertEqual(response.headers.get("WWW-Authenticate"), "Bearer")
        other = self.env["integration.endpoint"].create(
            {"name": "Other", "code": "API_OTHER", "environment": "test"}
        )
        self.env["integration.flow"].create(
            {
                "name": "c",
                "code": "contacts",
                "endpoint_id": other.id,
                "direction": "inbound",
                "handler": "integration.handler.noop",
                "state": "active",
            }
        )
        self.assertError(self.post({"a": 1}, endpoint="API_OTHER"), 403, "wrong_endpoint")
        self.key.active = False
        self.assertError(self.post({"a": 1}), 401, "invalid_api_key")
        self.assertFalse(self.messages())

    def test_refusals_are_logged_without_the_key(self):
        with CapturedLogs() as logs:
            self.post({"a": 1}, auth=False, headers={"Authorization": "Bearer mik_secretvalue"})
        refusals = [line for line in logs.lines if "refused" in line]
        self.assertEqual(len(refusals), 1)
        self.assertIn("invalid_api_key", refusals[0])
        self.assertFalse([line for line in logs.lines if "mik_secretvalue" in line])

    def signed(self, body, timestamp=None, secret="shared-hmac-secret"):
        raw = json.dumps(body).encode()
        header = signing.sign(secret, raw, timestamp=timestamp)
        return self.post(raw, auth=False, headers={"X-Signature": header})

    def test_hmac_signature(self):
        self.assertEqual(self.signed({"ref": "H-1", "name": "Signed"}).status_code, 202)
        self.assertError(self.signed({"ref": "H-2"}, secret="wrong"), 401, "invalid_signature")
        old = int(time.time()) - 600
        self.assertError(self.signed({"ref": "H-3"}, timestamp=old), 401, "invalid_signature")
        raw = json.dumps({"ref": "H-4"}).encode()
        header = signing.sign("shared-hmac-secret", raw)
        tampered = self.post(
            raw.replace(b"H-4", b"H-5"), auth=False, headers={"X-Signature": header}
        )
        self.assertError(tampered, 401, "invalid_signature")
        self.assertEqual(len(self.messages()), 1)

    def test_inactive_flow_size_limit_and_rate_limit(self):
        self.flow.state = "draft"
        self.assertError(self.post({"a": 1}), 403, "flow_inactive")
        self.flow.state = "active"
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 100)
        self.assertError(self.post({"blob": "x" * 200}), 413, "too_large")
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 0)
        self.endpoint.rate_limit_per_minute = 2
        statuses = [
            self.post({"message_id": f"r-{n}", "ref": f"R-{n}"}).status_code for n in range(2)
        ]
        limited = self.post({"message_id": "r-3", "ref": "R-3"})
        self.assertError(limited, 429, "rate_limited")
        self.assertTrue(0 < int(limited.headers["Retry-After"]) <= 60)
        # Two accepted at most, unless the minute turned between requests.
        self.assertEqual(statuses, [202, 202])
        self.assertLessEqual(len(self.messages()), 2)
