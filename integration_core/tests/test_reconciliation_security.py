from functools import partial

from odoo.tests import tagged

from .security_common import SecurityCase

DECIDE = "integration.reconciliation.decide"
RUN = "integration.reconciliation.run"
NOT_MANAGERS = ("plain", "service", "other_service", "user")


@tagged("post_install", "-at_install")
class TestReconciliationSecurityRpc(SecurityCase):
    """Approving reconciliation corrections over real XML-RPC: managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        flow = cls.env["integration.flow"].create(
            {
                "name": "Bin statements",
                "code": "bin.statement",
                "endpoint_id": cls.endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.example.bin.statement",
                "reconciler": "integration.kit.example.reconciler",
                "state": "active",
            }
        )
        cls.bin = cls.env["integration.kit.example.bin"].create(
            {"code": "SB1", "quantity": 5, "unit_value": 1}
        )
        statement = {
            "statement_id": "SEC-ST-1",
            "site": "S1",
            "scope": "partial",
            "as_of": "2026-12-07T06:00:00Z",
            "lines": [{"bin": "SB1", "quantity": 8}],
        }
        message = cls.env["integration.message"].enqueue(flow, statement)
        cls.env["integration.queue.worker"]._process_now(message)
        cls.recon_run = cls.env[RUN].search([("name", "=", "SEC-ST-1")])
        cls.line = cls.recon_run.line_ids
        cls.card = cls.line.exception_id

    def test_only_managers_approve_over_rpc(self):
        self.assertEqual((self.recon_run.state, self.line.decision), ("to_review", "open"))
        values = {"run_id": self.recon_run.id, "decision": "approve"}
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, DECIDE, "create", values), 4)
            self.assertFault(
                partial(self.rpc, role, RUN, "action_open_decision", self.recon_run.ids), 4
            )
            line_call = partial(
                self.rpc,
                role,
                "integration.reconciliation.line",
                "action_open_decision",
                self.line.ids,
            )
            self.assertFault(line_call, 4)
            card_call = partial(
                self.rpc,
                role,
                "integration.exception",
                "action_open_reconciliation_decision",
                self.card.ids,
            )
            self.assertFault(card_call, 4)
        self.assertEqual(self.bin.quantity, 5, "nothing applied")
        for role in ("plain", "service", "other_service"):
            self.assertFault(partial(self.rpc, role, RUN, "read", self.recon_run.ids, ["name"]), 4)
        wizard_id = self.rpc("manager", DECIDE, "create", values)
        done = self.rpc("manager", DECIDE, "action_confirm", [wizard_id])
        self.assertEqual(done["params"]["title"], "1 correction applied")
        self.line.invalidate_recordset()
        self.assertEqual(
            (self.line.decision, self.line.decided_by_id), ("applied", self.users["manager"])
        )
        self.bin.invalidate_recordset()
        self.assertEqual(self.bin.quantity, 8)

    def test_another_company_sees_no_run(self):
        self.users["user"].write(
            {"company_ids": [(6, 0, self.plant_b.ids)], "company_id": self.plant_b.id}
        )
        self.assertEqual(self.rpc("user", RUN, "search", []), [])
        self.assertEqual(self.rpc("user", "integration.reconciliation.line", "search", []), [])
