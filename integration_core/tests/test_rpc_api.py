import json
import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRpcApi(HttpCase):
    """External systems logging in as service accounts through Odoo's XML-RPC and JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,integration_core.group_integration_api"
        cls.service = new_test_user(cls.env, login="erp_service", groups=groups)
        cls.other_service = new_test_user(cls.env, login="wms_service", groups=groups)
        cls.endpoint = cls.env["integration.endpoint"].create(
            {"name": "Legacy ERP", "code": "RPC_ERP", "environment": "test"}
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

    def xmlrpc(self, login, method, *args):
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, login, {})
        return self.xmlrpc_object.execute(
            get_db_name(), uid, login, "integration.message", method, *args
        )

    def jsonrpc(self, login, method, *args):
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, login, {})
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "service": "object",
                        "method": "execute",
                        "args": [get_db_name(), uid, login, "integration.message", method, *args],
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_enqueue_and_status_over_xmlrpc(self):
        [first] = self.xmlrpc(
            "erp_service",
            "enqueue_external",
            "RPC_ERP",
            "contacts",
            {"message_id": "x-1", "ref": "C-1", "name": "ACME"},
        )
        self.assertFalse(first["duplicate"])
        results = self.xmlrpc(
            "erp_service",
            "enqueue_external",
            "RPC_ERP",
            "contacts",
            [{"message_id": "x-1", "ref": "C-1"}, {"message_id": "x-2", "ref": "C-2", "name": "B"}],
        )
        self.assertEqual([r["duplicate"] for r in results], [True, False])
        self.assertEqual(results[0]["id"], first["id"])
        self.assertEqual(
            self.env["integration.message"].search_count([("flow_id", "=", self.flow.id)]), 2
        )
        [status] = self.xmlrpc("erp_service", "get_status", [first["id"]])
        self.assertEqual((status["id"], status["state"]), (first["id"], "pending"))

    def test_errors_are_clear_faults(self):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            self.xmlrpc("erp_service", "enqueue_external", "RPC_ERP", "nope", {"a": 1})
        self.assertIn("Unknown endpoint or flow: RPC_ERP/nope", raised.exception.faultString)
        new_test_user(self.env, login="planner", groups="base.group_user")
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc("planner", "enqueue_external", "RPC_ERP", "contacts", {"a": 1})

    def test_service_accounts_read_only_their_own_messages(self):
        [mine] = self.xmlrpc(
            "erp_service", "enqueue_external", "RPC_ERP", "contacts", {"ref": "C-9", "name": "N"}
        )
        self.assertEqual(self.xmlrpc("wms_service", "get_status", [mine["id"]]), [])
        self.assertEqual(len(self.xmlrpc("erp_service", "get_status", [mine["id"]])), 1)

    def test_enqueue_over_jsonrpc(self):
        answer = self.jsonrpc(
            "erp_service",
            "enqueue_external",
            "RPC_ERP",
            "contacts",
            {"message_id": "j-1", "ref": "J"},
        )
        self.assertEqual(answer["result"][0]["idempotency_key"], "j-1")
        again = self.jsonrpc(
            "erp_service",
            "enqueue_external",
            "RPC_ERP",
            "contacts",
            {"message_id": "j-1", "ref": "J"},
        )
        self.assertTrue(again["result"][0]["duplicate"])
        failed = self.jsonrpc("erp_service", "enqueue_external", "NOPE", "contacts", {"a": 1})
        self.assertIn("Unknown endpoint or flow", failed["error"]["data"]["message"])
