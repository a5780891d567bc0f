import os
import tempfile
import xmlrpc.client
from functools import partial

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .security_common import SecurityCase

MESSAGE = "integration.message"
ENDPOINT = "integration.endpoint"
NOT_MANAGERS = ("plain", "service", "other_service", "user")


@tagged("post_install", "-at_install")
class TestSecurityRpc(SecurityCase):
    """The privilege holes of issue 12, each called over real XML-RPC per role."""

    def test_nobody_creates_messages_directly(self):
        for role in ROLES_ALL:
            for flow in (self.inbound, self.outbound, self.draft, self.inbound_b):
                values = {
                    "flow_id": flow.id,
                    "endpoint_id": flow.endpoint_id.id,
                    "company_id": flow.company_id.id,
                    "direction": flow.direction,
                    "idempotency_key": f"direct-{role}-{flow.id}",
                    "payload": "{}",
                }
                create = partial(self.rpc, role, MESSAGE, "create", values)
                self.assertFault(create, 4)
        self.assertFalse(self.messages())
        with self.assertRaises(AccessError) as raised:
            self.env[MESSAGE].create({"flow_id": self.inbound.id})
        self.assertIn("only through the enqueue API", str(raised.exception))

    def test_nobody_writes_or_deletes_messages_directly(self):
        message = self.enqueue_as_admin(self.inbound, state="failed")
        changes = [
            {"payload": '{"ref": "forged"}'},
            {"state": "done"},
            {"company_id": self.plant_b.id},
            {"next_attempt_at": False},
        ]
        for role in ROLES_ALL:
            for values in changes:
                write = partial(self.rpc, role, MESSAGE, "write", [message.id], values)
                self.assertFault(write, 4)
            self.assertFault(partial(self.rpc, role, MESSAGE, "unlink", [message.id]), 4)
            self.assertFault(partial(self.rpc, role, MESSAGE, "copy", message.id), 4)
        message.invalidate_recordset()
        self.assertEqual((message.state, message.company_id), ("failed", self.env.company))
        self.assertEqual(message.get_payload_json(), {"ref": "R-contacts-0"})
        self.assertFalse(message.edit_ids)
        # Not even superuser code moves a message to another company or flow.
        with self.assertRaises(UserError):
            message.write({"company_id": self.plant_b.id})

    def test_cancel_and_retry_only_for_integration_users_and_managers(self):
        messages = self.enqueue_as_admin(self.inbound, count=4, state="failed")
        for role in ("plain", "service", "other_service"):
            for action in ("action_cancel", "action_retry"):
                call = partial(self.rpc, role, MESSAGE, action, messages[:1].ids)
                self.assertFault(call, 4)
        messages.invalidate_recordset()
        self.assertEqual(set(messages.mapped("state")), {"failed"})
        self.assertIs(self.rpc("user", MESSAGE, "action_cancel", messages[0].ids), True)
        self.assertIs(self.rpc("user", MESSAGE, "action_retry", messages[1].ids), True)
        self.assertIs(self.rpc("manager", MESSAGE, "action_cancel", messages[2].ids), True)
        messages.invalidate_recordset()
        self.assertEqual(messages.mapped("state"), ["cancelled", "pending", "cancelled", "failed"])
        self.assertTrue(messages[1].next_attempt_at)

    def test_actions_keep_to_the_callers_companies(self):
        [message_b] = self.enqueue_as_admin(self.inbound_b, state="failed")
        self.assertFault(partial(self.rpc, "user", MESSAGE, "action_retry", [message_b.id]), 4)
        message_b.invalidate_recordset()
        self.assertEqual(message_b.state, "failed")

    def test_secrets_rotation_and_connection_test(self):
        for role in NOT_MANAGERS:
            rotate = partial(self.rpc, role, ENDPOINT, "action_rotate_secrets", [self.endpoint.id])
            self.assertFault(rotate, 4)
        done = self.rpc("manager", ENDPOINT, "action_rotate_secrets", [self.endpoint.id])
        self.assertEqual(done["params"]["title"], "Secrets rotated")
        folder = tempfile.mkdtemp(prefix="sec-drop-")
        self.addCleanup(os.rmdir, folder)
        self.endpoint.write({"transport": "file", "file_root": folder})
        for role in ("plain", "service", "other_service"):
            test = partial(self.rpc, role, ENDPOINT, "action_test_connection", [self.endpoint.id])
            self.assertFault(test, 4)
        for role in ("user", "manager"):
            answer = self.rpc(role, ENDPOINT, "action_test_connection", [self.endpoint.id])
            self.assertEqual(answer["params"]["title"], "Connection works")
        for role in NOT_MANAGERS:
            issue = partial(self.rpc, role, "integration.api.key", "action_issue_secret")
            self.assertFault(partial(issue, [self.key.id]), 4)
        self.assertEqual(self.env["integration.api.key"]._match(self.secret).id, self.key.id)

    def test_service_accounts_are_bound_to_their_endpoints(self):
        enqueue = partial(self.rpc, "service", MESSAGE, "enqueue_external")
        [accepted] = enqueue("SEC_A", "contacts", {"message_id": "b-1", "ref": "B1"})
        self.assertFalse(accepted["duplicate"])
        refused = partial(enqueue, "SEC_A2", "contacts", {"message_id": "b-2"})
        self.assertFault(refused, 4, "may not enqueue on this flow")
        self.assertFault(partial(enqueue, "SEC_A", "orders", {"a": 1}), 2, "is not inbound")
        self.assertFault(partial(enqueue, "SEC_A", "drafts", {"a": 1}), 2, "is not active")
        # Another company's service account does not even see the endpoint.
        other = partial(self.rpc, "other_service", MESSAGE, "enqueue_external")
        self.assertFault(partial(other, "SEC_A", "contacts", {"a": 1}), 2, "Unknown endpoint")
        [from_b] = other("SEC_B", "contacts", {"message_id": "b-3", "ref": "B3"})
        self.assertEqual(self.env[MESSAGE].browse(from_b["id"]).company_id, self.plant_b)
        # The signed-request service account of an endpoint is bound to it as well.
        self.unbound.inbound_user_id = self.users["service"]
        [signed] = enqueue("SEC_A2", "contacts", {"message_id": "b-4"})
        self.assertEqual(self.env[MESSAGE].browse(signed["id"]).endpoint_id, self.unbound)
        for role in ("plain", "user"):
            call = partial(self.rpc, role, MESSAGE, "enqueue_external", "SEC_A", "contacts", {})
            self.assertFault(call, 4, "Only integration service accounts")
        self.assertEqual(len(self.messages()), 3)

    def test_managers_queue_outbound_messages_over_rpc(self):
        payload = {"message_id": "o-1", "order": "WO-1"}
        [queued] = self.rpc("manager", MESSAGE, "enqueue_outbound", "SEC_A", "orders", payload)
        message = self.env[MESSAGE].browse(queued["id"])
        self.assertEqual((message.direction, message.state), ("outbound", "pending"))
        self.assertTrue(message.next_attempt_at, "claimable by the queue")
        self.assertEqual(message.create_uid, self.users["manager"])
        [again] = self.rpc("manager", MESSAGE, "enqueue_outbound", "SEC_A", "orders", payload)
        self.assertEqual((again["id"], again["duplicate"]), (queued["id"], True))
        # Odoo-side scripts may also call the Python API with the flow's id.
        [[batch_id, created]] = self.rpc(
            "manager", MESSAGE, "enqueue_batch", self.outbound.id, [{"payload": {"n": 2}}]
        )
        self.assertTrue(created)
        self.assertEqual(self.env[MESSAGE].browse(batch_id).flow_id, self.outbound)
        one = self.rpc("manager", MESSAGE, "enqueue", self.outbound.id, {"n": 3})
        self.assertEqual(self.env[MESSAGE].browse(one).payload_size, 7)
        inbound = partial(self.rpc, "manager", MESSAGE, "enqueue_outbound", "SEC_A", "contacts")
        self.assertFault(partial(inbound, {}), 2, "is not outbound")
        draft = partial(self.rpc, "manager", MESSAGE, "enqueue_batch", self.draft.id)
        self.assertFault(partial(draft, [{"payload": {}}]), 2, "is not active")
        for role in NOT_MANAGERS:
            call = partial(self.rpc, role, MESSAGE, "enqueue_outbound", "SEC_A", "orders", {})
            self.assertFault(call, 4)
            batch = partial(self.rpc, role, MESSAGE, "enqueue_batch", self.outbound.id)
            self.assertFault(partial(batch, [{"payload": {}}]), 4)
        self.assertEqual(len(self.messages(self.outbound)), 3)

    def test_manager_without_email_sets_a_credential(self):
        manager = new_test_user(
            self.env,
            login="sec_manager_no_mail",
            groups="integration_core.group_integration_manager",
            email=False,
        )
        self.users = dict(self.users, no_mail=manager)
        write = self.rpc("no_mail", ENDPOINT, "write", [self.endpoint.id], {"secret": "pw"})
        self.assertIs(write, True)
        self.assertTrue(self.endpoint.secret_is_set)
        self.assertEqual(self.endpoint._get_secret(), "pw")
        note = self.endpoint.message_ids.filtered(lambda m: "Credential changed" in m.body)
        self.assertEqual(note.author_id, manager.partner_id)

    def test_buttons_answer_xmlrpc_callers(self):
        flow = self.outbound
        for method in ("action_pause", "action_resume", "action_retire", "action_reset_to_draft"):
            self.assertIs(self.rpc("manager", "integration.flow", method, [flow.id]), True)
        self.assertEqual(flow.state, "draft")
        for method in ("action_pause", "action_retire", "action_activate"):
            call = partial(self.rpc, "user", "integration.flow", method, [self.inbound.id])
            self.assertFault(call, 4)
        self.assertEqual((self.inbound.state, self.inbound.paused), ("active", False))


ROLES_ALL = ("plain", "service", "other_service", "user", "manager")


@tagged("post_install", "-at_install")
class TestHostileRpcInput(SecurityCase):
    """Bad input over RPC: a clear fault, nothing stored, whatever the content."""

    def enqueue(self, payloads, idempotency_key=None):
        extra = {"idempotency_key": idempotency_key} if idempotency_key else {}
        return self.rpc(
            "service", MESSAGE, "enqueue_external", "SEC_A", "contacts", payloads, **extra
        )

    def assertRefused(self, payloads, text, idempotency_key=None):
        fault = self.assertFault(lambda: self.enqueue(payloads, idempotency_key), 2, text)
        self.assertFalse(self.messages())
        return fault

    def assertRefusedOverJson(self, payloads, text, *extra):
        """XML cannot carry NUL or lone surrogates at all: those come over JSON-RPC."""
        answer = self.jsonrpc(
            "service", MESSAGE, "enqueue_external", "SEC_A", "contacts", payloads, *extra
        )
        error = answer["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn(text, error["message"])
        self.assertFalse(self.messages())
        return error["message"]

    def test_keys(self):
        self.assertRefusedOverJson({"message_id": "a\x00b"}, "NUL character")
        self.assertRefused({"message_id": "k" * 3000}, "longer than 255")
        self.assertRefused({"message_id": "k"}, "longer than 255", idempotency_key="x" * 256)
        self.assertRefused({"message_id": {"nested": 1}}, "string or an integer")
        self.inbound.ordering_key_path = "order"
        self.assertRefused({"order": "o" * 3000}, "ordering key is longer than 255")
        self.assertRefusedOverJson({"order": "WO\x1b"}, "control character")
        self.assertRefusedOverJson({"order": "WO\x00"}, "NUL character")
        self.assertRefusedOverJson({"a": 1}, "control character", "\x00")
        self.assertRefusedOverJson({"name": "a\x00"}, "NUL character")
        [ok] = self.enqueue({"message_id": "m" * 255, "order": "o" * 255})
        self.assertEqual(ok["idempotency_key"], "m" * 255)

    def test_numbers_types_and_depth(self):
        self.assertRefused({"qty": float("nan")}, "not a JSON number")
        self.assertRefused({"qty": float("inf")}, "not a JSON number")
        when = xmlrpc.client.DateTime("20260101T10:00:00")
        self.assertRefused({"at": when}, "only JSON values")
        self.assertRefused({"blob": xmlrpc.client.Binary(b"\x00\x01")}, "only JSON values")
        deep = {}
        for _level in range(200):
            deep = {"a": deep}
        self.assertRefused(deep, "deeper than 64 levels")

    def test_a_bad_item_is_named_and_nothing_is_stored(self):
        batch = [{"message_id": "ok-1"}, {"message_id": "ok-2"}, {"message_id": "k" * 300}]
        fault = self.assertRefused(batch, "Message 2 of the batch")
        self.assertIn("longer than 255", fault)
        batch[2] = {"message_id": "bad\x07"}
        error = self.assertRefusedOverJson(batch, "Message 2 of the batch")
        self.assertIn("control character", error)

    def test_surrogates_over_jsonrpc(self):
        self.assertRefusedOverJson({"message_id": "\ud800"}, "lone surrogate")
        self.assertRefusedOverJson({"name": "x\udfff"}, "lone surrogate")

    def test_the_python_api_applies_the_same_limits(self):
        Message = self.env[MESSAGE]
        items = [{"payload": {"ok": 1}}, {"payload": {"q": float("nan")}}]
        with self.assertRaisesRegex(ValidationError, "Message 1 of the batch: .*not a JSON number"):
            Message.enqueue_batch(self.inbound, items)
        with self.assertRaisesRegex(ValidationError, "at most 1000 messages"):
            Message.enqueue_batch(self.inbound, [{"payload": {}}] * 1001)
        with self.assertRaisesRegex(ValidationError, "Sequence must be an integer"):
            Message.enqueue(self.inbound, {"a": 1}, sequence="3")
        with self.assertRaisesRegex(ValidationError, "NUL character"):
            Message.enqueue(self.outbound, "csv;with\x00nul")
        self.assertFalse(self.messages())
