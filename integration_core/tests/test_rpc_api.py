import json
import xmlrpc.client
from functools import partial

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
        # A service account enqueues only on the endpoints it has a key of.
        cls.env["integration.api.key"].create(
            {"name": "ERP", "endpoint_id": cls.endpoint.id, "user_id": cls.service.id}
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

    def assertFault(self, call, code, message):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            call()
        fault = raised.exception
        self.assertEqual(fault.faultCode, code)
        self.assertIn(message, fault.faultString)
        self.assertNotIn("Traceback", fault.faultString)

    def test_errors_are_clear_faults(self):
        enqueue = partial(self.xmlrpc, "erp_service", "enqueue_external", "RPC_ERP")
        self.assertFault(
            lambda: enqueue("nope", {"a": 1}), 2, "Unknown endpoint or flow: RPC_ERP/nope"
        )
        self.flow.state = "retired"
        self.assertFault(lambda: enqueue("contacts", {"a": 1}), 2, "is not active")
        self.flow.state = "active"
        self.assertFault(lambda: enqueue("contacts", "text"), 2, "Payloads must be")
        new_test_user(self.env, login="plant_planner", groups="base.group_user")
        planner = partial(self.xmlrpc, "plant_planner", "enqueue_external", "RPC_ERP", "contacts")
        self.assertFault(lambda: planner({"a": 1}), 4, "Only integration service accounts")
        self.assertFalse(
            self.env["integration.message"].search_count([("flow_id", "=", self.flow.id)])
        )

    def test_service_accounts_read_only_their_own_messages(self):
        [mine] = self.xmlrpc(
            "erp_service", "enqueue_external", "RPC_ERP", "contacts", {"ref": "C-9", "name": "N"}
        )
        self.assertEqual(self.xmlrpc("wms_service", "get_status", [mine["id"]]), [])
        self.assertEqual(len(self.xmlrpc("erp_service", "get_status", [mine["id"]])), 1)

    def test_enqueue_over_jsonrpc(self):
        enqueue = partial(self.jsonrpc, "erp_service", "enqueue_external", "RPC_ERP")
        [first] = enqueue("contacts", {"message_id": "j-1", "ref": "J"})["result"]
        self.assertEqual((first["idempotency_key"], first["duplicate"]), ("j-1", False))
        [again] = enqueue("contacts", [{"message_id": "j-1", "ref": "J"}])["result"]
        self.assertEqual((again["id"], again["duplicate"]), (first["id"], True))
        self.assertEqual(
            self.env["integration.message"].search_count([("flow_id", "=", self.flow.id)]), 1
        )
        [status] = self.jsonrpc("erp_service", "get_status", [first["id"]])["result"]
        self.assertEqual(status["state"], "pending")
        failed = self.jsonrpc("erp_service", "enqueue_external", "NOPE", "contacts", {})
        failed = failed["error"]["data"]
        self.assertEqual(failed["name"], "odoo.exceptions.UserError")
        self.assertEqual(failed["message"], "Unknown endpoint or flow: NOPE/contacts")
        new_test_user(self.env, login="plant_planner", groups="base.group_user")
        refused = self.jsonrpc("plant_planner", "enqueue_external", "RPC_ERP", "contacts", {"a": 1})
        self.assertEqual(refused["error"]["data"]["name"], "odoo.exceptions.AccessError")
