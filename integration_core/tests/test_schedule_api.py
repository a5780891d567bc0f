"""Freezes and sunsets through the real external API and XML-RPC, per role."""

import json
from datetime import timedelta
from functools import partial

from odoo import fields
from odoo.tests import tagged

from ..lib import sunset
from .helpers import run_queue
from .http_test_server import LoopbackRequestsMixin, Reply, ScriptedHttpServer
from .security_common import SecurityCase

FLOW = "integration.flow"
FREEZE = "integration.freeze"
EXTENSION = "integration.sunset.extension"
NOT_MANAGERS = ("plain", "service", "other_service", "user")


@tagged("post_install", "-at_install")
class TestScheduleApi(LoopbackRequestsMixin, SecurityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = ScriptedHttpServer().__enter__()
        cls.addClassCleanup(cls.receiver.__exit__, None, None, None)
        cls.endpoint.write({"transport": "http", "url": cls.receiver.url})
        cls.outbound.write({"handler": "integration.handler.passthrough", "request_path": "/o"})

    def post(self, body, flow="contacts"):
        return self.url_open(
            f"/integration/v1/SEC_A/{flow}",
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.secret}"},
        )

    def assertRefused(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        error = response.json()["error"]
        self.assertEqual(error["code"], code)
        return error["message"]

    def temporary(self, flow, days):
        """``flow`` made temporary, its sunset ``days`` from today (UTC)."""
        flow.write({"lifecycle": "temporary", "sunset_date": sunset.today() + timedelta(days)})

    # ------------------------------------------------------------------ freezes
    def test_a_freeze_accepts_over_http_and_holds_processing_and_sending(self):
        freeze_id = self.rpc(
            "manager", FREEZE, "create", {"endpoint_id": self.endpoint.id, "name": "Cutover"}
        )
        response = self.post({"message_id": "fz-1", "ref": "FZ-1", "name": "Frozen"})
        self.assertEqual(response.status_code, 202, response.text)
        out = self.env["integration.message"].enqueue(self.outbound, {"order": "WO-1"})
        self.assertEqual(run_queue(self.env), 0)
        self.assertEqual(self.receiver.requests, [], "nothing is sent while frozen")
        received = self.messages(self.inbound)
        self.assertEqual((received.state, out.state), ("pending", "pending"))
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, FREEZE, "action_lift", [freeze_id]), 4)
        self.assertIs(self.rpc("manager", FREEZE, "action_lift", [freeze_id]), True)
        self.receiver.script(Reply(202))
        self.assertEqual(run_queue(self.env), 2)
        self.assertEqual((received.state, out.state), ("done", "done"))
        self.assertEqual(len(self.receiver.requests), 1)

    def test_only_managers_freeze_lift_and_configure_windows(self):
        window = {"flow_id": self.inbound.id, "start_hour": 22.0, "end_hour": 4.0, "tz": "UTC"}
        for role in NOT_MANAGERS:
            self.assertFault(
                partial(
                    self.rpc, role, FREEZE, "create", {"flow_id": self.inbound.id, "name": "x"}
                ),
                4,
            )
            self.assertFault(partial(self.rpc, role, "integration.window", "create", window), 4)
            for method in ("action_freeze", "action_lift_freeze"):
                self.assertFault(partial(self.rpc, role, FLOW, method, [self.inbound.id]), 4)
                self.assertFault(
                    partial(self.rpc, role, "integration.endpoint", method, [self.endpoint.id]), 4
                )
        self.assertFalse(self.env[FREEZE].search([]))
        action = self.rpc("manager", FLOW, "action_freeze", [self.inbound.id])
        self.assertEqual(
            (action["res_model"], action["context"]), (FREEZE, {"default_flow_id": self.inbound.id})
        )
        window_id = self.rpc("manager", "integration.window", "create", window)
        self.rpc("manager", FREEZE, "create", {"flow_id": self.inbound.id, "name": "Stock count"})
        self.assertIs(self.rpc("manager", FLOW, "action_lift_freeze", [self.inbound.id]), True)
        # Integration users read windows and freezes; service accounts read none of them.
        self.assertEqual(
            self.rpc("user", "integration.window", "read", [window_id], ["name"])[0]["name"],
            "Mon-Fri 22:00-04:00 UTC",
        )
        self.assertEqual(len(self.rpc("user", FREEZE, "search_read", [], ["state"])), 1)
        for role in ("plain", "service"):
            self.assertFault(partial(self.rpc, role, FREEZE, "search_read", [], ["state"]), 4)
            self.assertFault(
                partial(self.rpc, role, "integration.window", "read", [window_id], ["name"]), 4
            )
        # Plant B's freeze is not shown to the main company's people.
        self.env[FREEZE].create({"endpoint_id": self.endpoint_b.id, "name": "Plant B audit"})
        self.assertEqual(self.rpc("manager", FREEZE, "search_count", []), 1)

    # ------------------------------------------------------------------ sunset
    def test_from_the_sunset_date_http_answers_410_and_rpc_refuses(self):
        self.temporary(self.inbound, 1)
        self.assertEqual(
            self.post({"message_id": "s-1", "ref": "S-1", "name": "Before"}).status_code, 202
        )
        self.inbound.sunset_date = sunset.today()  # the cached route learns it at once
        message = self.assertRefused(
            self.post({"message_id": "s-2", "ref": "S-2"}), 410, "flow_sunset"
        )
        self.assertIn(
            f"SEC_A/contacts reached its sunset date ({sunset.today().isoformat()})", message
        )
        enqueue = partial(
            self.rpc, "service", "integration.message", "enqueue_external", "SEC_A", "contacts"
        )
        self.assertFault(
            partial(enqueue, {"message_id": "s-3", "ref": "S-3"}), 2, "reached its sunset date"
        )
        self.temporary(self.outbound, 0)
        outbound = partial(
            self.rpc, "manager", "integration.message", "enqueue_outbound", "SEC_A", "orders"
        )
        self.assertFault(partial(outbound, {"order": "WO-9"}), 2, "reached its sunset date")
        self.assertEqual(
            self.messages(self.inbound, self.outbound).mapped("idempotency_key"), ["s-1"]
        )
        self.assertEqual(
            run_queue(self.env), 1, "a message queued before the sunset still processes"
        )

    def test_a_manager_extends_a_flow_and_lets_messages_in_again(self):
        self.temporary(self.inbound, 0)
        new_date = fields.Date.to_string(sunset.today() + timedelta(days=30))
        values = {"flow_id": self.inbound.id, "new_date": new_date, "reason": "MES go-live moved"}
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, EXTENSION, "create", values), 4)
            self.assertFault(
                partial(self.rpc, role, FLOW, "action_extend_sunset", [self.inbound.id]), 4
            )
        self.assertFault(
            partial(
                self.rpc, "manager", FLOW, "write", [self.inbound.id], {"sunset_date": new_date}
            ),
            2,
            "Extend sunset",
        )
        self.assertFault(
            partial(self.rpc, "manager", EXTENSION, "create", dict(values, reason=" ")), 2
        )
        extension_id = self.rpc("manager", EXTENSION, "create", values)
        extension = self.env[EXTENSION].browse(extension_id)
        self.assertEqual(
            (extension.old_date, extension.user_id), (sunset.today(), self.users["manager"])
        )
        self.assertEqual(fields.Date.to_string(self.inbound.sunset_date), new_date)
        said = self.inbound.message_ids.filtered(lambda m: "MES go-live moved" in m.body)
        self.assertIn("Sunset date moved from", said.body)
        self.assertFault(
            partial(self.rpc, "manager", EXTENSION, "write", [extension_id], {"reason": "x"}), 2
        )
        self.assertEqual(
            self.post({"message_id": "e-1", "ref": "E-1", "name": "Again"}).status_code, 202
        )
        self.assertEqual(
            self.rpc("user", EXTENSION, "search_count", [("flow_id", "=", self.inbound.id)]), 1
        )
