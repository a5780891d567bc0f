"""Fixtures of the security suite: one user per role, endpoints of two companies, and calls
over real XML-RPC and JSON-RPC to the test server."""

import json
import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, new_test_user

from .common import with_encryption_key

API = "base.group_user,integration_core.group_integration_api"
ROLES = {
    "plain": "base.group_user",
    "service": API,
    "other_service": API,
    "user": "integration_core.group_integration_user",
    "manager": "integration_core.group_integration_manager",
}


def password(login):
    return login + "x" * (8 - len(login))


class SecurityCase(HttpCase):
    """Roles: a plain internal user, a service account bound to SEC_A (API key), a service
    account of Plant B bound to SEC_B, an Integration User and a Manager. SEC_A2 is an
    endpoint of the main company that no service account is bound to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant_b = cls.env["res.company"].create({"name": "Plant B"})
        cls.users = {}
        for role, groups in ROLES.items():
            extra = {}
            if role == "other_service":
                extra = {"company_id": cls.plant_b.id, "company_ids": [(6, 0, [cls.plant_b.id])]}
            cls.users[role] = new_test_user(cls.env, login=f"sec_{role}", groups=groups, **extra)
        cls.endpoint = cls.make_endpoint("SEC_A")
        cls.unbound = cls.make_endpoint("SEC_A2")
        cls.endpoint_b = cls.make_endpoint("SEC_B", company_id=cls.plant_b.id)
        cls.inbound = cls.make_flow(cls.endpoint, "contacts")
        cls.outbound = cls.make_flow(cls.endpoint, "orders", direction="outbound")
        cls.draft = cls.make_flow(cls.endpoint, "drafts", state="draft")
        cls.unbound_flow = cls.make_flow(cls.unbound, "contacts")
        cls.inbound_b = cls.make_flow(cls.endpoint_b, "contacts")
        Key = cls.env["integration.api.key"]
        cls.key = Key.create(
            {"name": "A", "endpoint_id": cls.endpoint.id, "user_id": cls.users["service"].id}
        )
        cls.secret = cls.key._issue()
        cls.key_b = Key.create(
            {
                "name": "B",
                "endpoint_id": cls.endpoint_b.id,
                "user_id": cls.users["other_service"].id,
            }
        )
        cls.secret_b = cls.key_b._issue()
        cls.uids = {}

    @classmethod
    def make_endpoint(cls, code, **values):
        return cls.env["integration.endpoint"].create(
            dict({"name": code, "code": code, "environment": "test"}, **values)
        )

    @classmethod
    def make_flow(cls, endpoint, code, direction="inbound", state="active"):
        return cls.env["integration.flow"].create(
            {
                "name": code,
                "code": code,
                "endpoint_id": endpoint.id,
                "direction": direction,
                "handler": "integration.handler.partner",
                "state": state,
            }
        )

    def uid(self, role):
        if role not in self.uids:
            login = self.users[role].login
            self.uids[role] = self.xmlrpc_common.authenticate(
                get_db_name(), login, password(login), {}
            )
        return self.uids[role]

    def rpc(self, role, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` over XML-RPC as ``role``."""
        login = self.users[role].login
        return self.xmlrpc_object.execute_kw(
            get_db_name(), self.uid(role), password(login), model, method, list(args), kwargs
        )

    def jsonrpc(self, role, model, method, *args):
        """The JSON-RPC answer (a dict with ``result`` or ``error``) of ``model.method``."""
        login = self.users[role].login
        params = {
            "service": "object",
            "method": "execute",
            "args": [get_db_name(), self.uid(role), password(login), model, method, *args],
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.json()

    def assertFault(self, call, code, text=""):
        """``call()`` fails over XML-RPC with a clear fault: no traceback, ``text`` in it.

        Codes: 2 for a UserError or ValidationError, 4 for an AccessError."""
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            call()
        fault = raised.exception
        self.assertEqual(fault.faultCode, code, fault.faultString[:500])
        self.assertIn(text, fault.faultString)
        self.assertNotIn("Traceback", fault.faultString)
        return fault.faultString

    def messages(self, *flows):
        domain = [("flow_id", "in", [flow.id for flow in flows])] if flows else []
        return self.env["integration.message"].search(domain)

    def enqueue_as_admin(self, flow, count=1, state=None):
        """Messages queued by Odoo code (superuser), optionally forced to ``state``."""
        Message = self.env["integration.message"]
        items = [{"payload": {"ref": f"R-{flow.code}-{n}"}} for n in range(count)]
        messages = Message.browse([m.id for m, _c in Message.enqueue_batch(flow, items)])
        if state:
            messages.write({"state": state})
        return messages
