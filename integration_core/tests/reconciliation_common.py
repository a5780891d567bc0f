"""Fixtures of the reconciliation tests: the example connector's bins (the test-only addon
``integration_kit_example``, which the test command installs) reconciled through the kit."""

from datetime import datetime

from odoo.tests import new_test_user

from .common import IntegrationCase
from .helpers import play_inbound

AS_OF = datetime(2026, 12, 7, 6, 0, 0)


class ReconciliationCase(IntegrationCase):
    """A ``kit_bins`` endpoint connected through *Connect a system* (its statement flow has
    the example reconciler), a service account sending statements, and four bins:
    B1 = 10, B2 = 5, B3 = 4, B4 = 0 (unit values 2, 3, 4, 5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = new_test_user(
            cls.env,
            login="recon_service",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.manager = new_test_user(
            cls.env, login="recon_manager", groups="integration_core.group_integration_manager"
        )
        cls.user = new_test_user(
            cls.env, login="recon_user", groups="integration_core.group_integration_user"
        )
        wizard = cls.env["integration.connect"].create(
            {
                "system_type": "kit_bins",
                "name": "Bin system",
                "code": "BINS",
                "service_user_id": cls.service.id,
            }
        )
        cls.bins_endpoint, _secret = wizard._connect()
        cls.bins_endpoint.flow_ids.action_approve()
        cls.bins_endpoint.flow_ids.action_activate()
        cls.statement_flow = cls.bins_endpoint.flow_ids.filtered(
            lambda f: f.code == "bin.statement"
        )
        Bin = cls.env["integration.kit.example.bin"]
        cls.bins = Bin.create(
            [
                {"code": code, "quantity": quantity, "unit_value": value}
                for code, quantity, value in (
                    ("B1", 10, 2),
                    ("B2", 5, 3),
                    ("B3", 4, 4),
                    ("B4", 0, 5),
                )
            ]
        )

    def send(self, statement_id, lines, as_of=AS_OF, coverage="full", **extra):
        """A bin statement sent by the service account, then the queue; returns the message."""
        payload = {
            "message_id": extra.pop("message_id", f"{statement_id}-{extra.get('chunk', 1)}"),
            "statement_id": statement_id,
            "site": "S1",
            "scope": coverage,
            "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lines": [{"bin": code, "quantity": quantity} for code, quantity in lines],
            **extra,
        }
        return play_inbound(self.env, "BINS", "bin.statement", payload, self.service)

    def run_of(self, statement_id):
        return self.env["integration.reconciliation.run"].search(
            [("endpoint_id", "=", self.bins_endpoint.id), ("name", "=", statement_id)]
        )

    def line(self, run, key):
        return run.line_ids.filtered(lambda line: line.key == key)

    def bin(self, code):
        return self.env["integration.kit.example.bin"].search([("code", "=", code)])

    def decide(self, run, decision="approve", user=None, **values):
        """The decision wizard, as ``user`` (the manager by default), confirmed."""
        wizard = (
            self.env["integration.reconciliation.decide"]
            .with_user(user or self.manager)
            .create(dict({"run_id": run.id, "decision": decision}, **values))
        )
        return wizard.action_confirm()
