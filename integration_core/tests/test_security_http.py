import json
from unittest.mock import patch

from odoo.tests import get_db_name, new_test_user, tagged
from odoo.tools import config

from ..controllers import inbound
from ..lib import signing
from .common import CapturedLogs
from .security_common import SecurityCase

HMAC_SECRET = "sec-hmac-secret"


@tagged("post_install", "-at_install")
class TestSecurityHttp(SecurityCase):
    """The inbound HTTP API authenticates first and answers hostile input with a 4xx."""

    def request(self, path, body=b"{}", headers=None, method="POST", bearer=None):
        all_headers = {"Content-Type": "application/json"}
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        all_headers.update(headers or {})
        return self.opener.request(
            method, self.base_url() + path, data=body, headers=all_headers, timeout=12
        )

    def post(self, body, path="/integration/v1/SEC_A/contacts", headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request(path, data, headers, bearer=self.secret)

    def assertJson(self, response, status):
        self.assertEqual(response.status_code, status, response.text[:300])
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertNotIn("Traceback", response.text)
        return response.json()

    def assertError(self, response, status, code):
        error = self.assertJson(response, status)["error"]
        self.assertEqual(error["code"], code, error)
        return error

    def test_every_anonymous_request_gets_the_same_401(self):
        paths = [
            "/integration/v1/SEC_A/contacts",
            "/integration/v1/SEC_A/nope",
            "/integration/v1/NOPE/contacts",
            "/integration/v1/SEC_A%00/contacts",
            "/integration/v1/SEC_A/contacts%00",
            "/integration/v1/SEC_A/contacts/extra",
            "/integration/v2",
            "/integration",
        ]
        bodies = [b"{}", b"{not json", b"", json.dumps({"messages": [1] * 5000}).encode()]
        for credentials, code in (
            ({}, "missing_credentials"),
            ({"Authorization": "Bearer mik_garbage"}, "invalid_api_key"),
            ({"Authorization": "Basic Zm9vOmJhcg=="}, "missing_credentials"),
        ):
            answers = set()
            for path in paths:
                for body in bodies:
                    for content_type in ("application/json", "application/x-www-form-urlencoded"):
                        headers = dict(credentials, **{"Content-Type": content_type})
                        response = self.request(path, body, headers)
                        self.assertEqual(response.status_code, 401, (path, response.text[:200]))
                        answers.add((response.text, response.headers.get("WWW-Authenticate")))
                get = self.request(path, method="GET", headers=credentials)
                answers.add((get.text, get.headers.get("WWW-Authenticate")))
            self.assertEqual(len(answers), 1, answers)
            self.assertEqual(json.loads(answers.pop()[0])["error"]["code"], code)
        self.assertFalse(self.messages())

    def test_a_bad_signature_gets_the_same_401_for_any_endpoint(self):
        self.endpoint.write(
            {"inbound_hmac_secret": HMAC_SECRET, "inbound_user_id": self.users["service"].id}
        )
        header = signing.sign("not-the-secret", b"{}")
        answers = set()
        for path in ("SEC_A/contacts", "SEC_A/nope", "NOPE/contacts", "SEC_A%00/x"):
            response = self.request(f"/integration/v1/{path}", headers={"X-Signature": header})
            self.assertEqual(response.status_code, 401)
            answers.add(response.text)
        self.assertEqual(len(answers), 1)
        good = signing.sign(HMAC_SECRET, b"{}")
        unknown_flow = self.request("/integration/v1/SEC_A/nope", headers={"X-Signature": good})
        self.assertError(unknown_flow, 404, "unknown_flow")

    def test_authenticated_callers_get_json_404_and_400_for_bad_paths(self):
        for path in ("/integration/v1/SEC_A", "/integration/other/thing", "/integration/v1/A/B/C"):
            self.assertError(self.post({}, path=path), 404, "unknown_route")
        self.assertError(
            self.post({}, path="/integration/v1/NOPE/contacts"), 404, "unknown_endpoint"
        )
        for path in ("/integration/v1/SEC_A%00/contacts", "/integration/v1/SEC_A/contacts%00"):
            self.assertError(self.post({}, path=path), 400, "invalid_path")
        self.assertError(self.post({}, path="/integration/v1/SEC_A/drafts"), 403, "flow_inactive")
        self.assertError(
            self.post({}, path="/integration/v1/SEC_B/contacts"), 403, "wrong_endpoint"
        )
        self.assertFalse(self.messages())

    def test_hostile_keys_and_values_get_400(self):
        bad_headers = [
            {"Idempotency-Key": "a\x00b"},
            {"X-Correlation-Id": "c\x00"},
            {"Idempotency-Key": "k" * 256},
        ]
        for headers in bad_headers:
            self.assertError(self.post({"ref": "H"}, headers=headers), 400, "invalid_header")
        bodies = [
            b'{"message_id": "a\\u0000b"}',
            b'{"message_id": "\\ud800"}',
            b'{"name": "\\udfff"}',
            json.dumps({"message_id": "k" * 3000}).encode(),
            b'{"qty": 1e400}',
            b'{"qty": -1e400}',
            b'{"qty": 99999999999999999999}',
            b'{"a": ' * 65 + b"1" + b"}" * 65,
        ]
        self.inbound.ordering_key_path = "order"
        bodies += [
            json.dumps({"order": "o" * 3000}).encode(),
            b'{"order": "WO\\u0000"}',
            b'{"order": {"nested": 1}}',
        ]
        with CapturedLogs() as logs:
            for body in bodies:
                error = self.assertError(self.post(body), 400, "invalid_message")
                self.assertNotIn("index", error)
            # Deep enough for the parser to stop, or only for the limit: 400 either way.
            for depth in (969, 5000, 100_000):
                response = self.post(b'{"a": ' * depth + b"1" + b"}" * depth)
                self.assertJson(response, 400)
                self.assertIn(response.json()["error"]["code"], ("invalid_message", "too_deep"))
        self.assertFalse([line for line in logs.lines if "Traceback" in line])
        self.assertFalse(self.messages())
        self.assertEqual(self.url_open("/web/health").status_code, 200)

    def test_a_batch_with_one_bad_item_names_it_and_stores_nothing(self):
        batch = {"messages": [{"message_id": "ok-1"}, {"message_id": "ok-2"}, {"qty": 1e308 * 10}]}
        raw = json.dumps(batch).encode()  # Infinity: Python writes it, the API refuses it
        error = self.assertError(
            self.post(raw.replace(b"Infinity", b"1e400")), 400, "invalid_message"
        )
        self.assertEqual(error["index"], 2)
        self.assertIn("Message 2 of the batch", error["message"])
        error = self.assertError(self.post({"messages": [{}, "text"]}), 400, "invalid_message")
        self.assertEqual(error["index"], 1)
        self.assertFalse(self.messages())
        accepted = self.assertJson(self.post({"messages": batch["messages"][:2]}), 202)
        self.assertEqual(len(accepted["messages"]), 2)

    def test_signed_request_without_encryption_key_is_a_clear_configuration_error(self):
        self.endpoint.write(
            {"inbound_hmac_secret": HMAC_SECRET, "inbound_user_id": self.users["service"].id}
        )
        inbound._logged_misconfigurations.clear()
        raw = b'{"message_id": "s-1"}'
        with (
            patch.dict(config.options, {"integration_encryption_keys": ""}),
            patch.dict("os.environ", {"INTEGRATION_ENCRYPTION_KEYS": ""}),
            CapturedLogs() as logs,
        ):
            answers = [
                self.request(
                    "/integration/v1/SEC_A/contacts",
                    raw,
                    {"X-Signature": signing.sign(HMAC_SECRET, raw)},
                )
                for _try in range(2)
            ]
        for response in answers:
            error = self.assertError(response, 503, "server_misconfigured")
            self.assertIn("encryption key", error["message"])
            self.assertNotIn("Retry-After", response.headers)
        explained = [line for line in logs.lines if "Signed inbound requests are refused" in line]
        self.assertEqual(len(explained), 1, logs.lines)
        self.assertFalse([line for line in logs.lines if "Traceback" in line])
        self.assertFalse(self.messages())

    def test_no_secret_reaches_the_log(self):
        secrets = {
            "user password": "Pw-sec-7731-secret",
            "outbound credential": "tok-OUT-9f3a1c",
            "inbound HMAC secret": "hmac-in-51d0e2",
            "unknown key": "mik_unknown0secret",
            "API key": self.secret,
        }
        manager = new_test_user(
            self.env,
            login="sec_log_manager",
            password=secrets["user password"],
            groups="integration_core.group_integration_manager",
        )
        raw = b'{"message_id": "log-2"}'
        with CapturedLogs() as logs:
            uid = self.xmlrpc_common.authenticate(
                get_db_name(), manager.login, secrets["user password"], {}
            )
            self.xmlrpc_common.authenticate(get_db_name(), manager.login, "wrong-Pw-55", {})
            self.xmlrpc_object.execute(
                get_db_name(),
                uid,
                secrets["user password"],
                "integration.endpoint",
                "write",
                [self.endpoint.id],
                {
                    "secret": secrets["outbound credential"],
                    "inbound_hmac_secret": secrets["inbound HMAC secret"],
                    "inbound_user_id": self.users["service"].id,
                },
            )
            self.assertJson(self.post({"message_id": "log-1"}), 202)
            self.request("/integration/v1/SEC_A/contacts", bearer=secrets["unknown key"])
            good = signing.sign(secrets["inbound HMAC secret"], raw)
            bad = signing.sign("wrong-hmac", raw)
            for header in (good, bad):
                self.request("/integration/v1/SEC_A/contacts", raw, {"X-Signature": header})
            self.post(b'{"message_id": "\\u0000", "token": "' + self.secret.encode() + b'"}')
        secrets["signature"] = good.split("v1=")[1]
        self.assertTrue(logs.lines)
        for name, secret in secrets.items():
            self.assertFalse([line for line in logs.lines if secret in line], name)
