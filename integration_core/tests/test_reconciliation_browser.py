from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import make_integration_users, with_encryption_key
from .screenshots import ScreenshotMixin

AS_OF = datetime(2026, 12, 7, 6, 0)


def make_reconciliation_data(env):
    """Two bin statements of an endpoint: an older one all matched (superseded since), and
    one with a difference of each kind, to review."""
    endpoint = env["integration.endpoint"].create(
        {"name": "Bin system", "code": "RECON_BINS", "environment": "test"}
    )
    flow = env["integration.flow"].create(
        {
            "name": "Bin statements",
            "code": "bin.statement",
            "endpoint_id": endpoint.id,
            "direction": "inbound",
            "handler": "integration.handler.example.bin.statement",
            "reconciler": "integration.kit.example.reconciler",
            "state": "active",
        }
    )
    env["integration.kit.example.bin"].create(
        [
            {"code": code, "quantity": quantity, "unit_value": value}
            for code, quantity, value in (("B1", 10, 2), ("B2", 5, 3), ("B3", 4, 4))
        ]
    )
    Message = env["integration.message"]
    statements = [
        ("ST-0", AS_OF - timedelta(days=1), [("B1", 10), ("B2", 5), ("B3", 4)]),
        ("ST-1", AS_OF, [("B1", 10), ("B2", 7), ("B9", 3)]),
    ]
    for statement_id, as_of, lines in statements:
        message = Message.enqueue(
            flow,
            {
                "statement_id": statement_id,
                "site": "S1",
                "scope": "full",
                "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "lines": [{"bin": code, "quantity": quantity} for code, quantity in lines],
            },
        )
        env["integration.queue.worker"]._process_now(message)
    return env["integration.reconciliation.run"].search(
        [("endpoint_id", "=", endpoint.id)], order="as_of"
    )


@tagged("post_install", "-at_install")
class TestReconciliationBrowser(ScreenshotMixin, HttpCase):
    """The reconciliation screens in Chromium: a run's differences in colour, a manager's
    approval, and the screenshots of the run, its list and the matched rate over time."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.older, cls.recon = make_reconciliation_data(cls.env)
        cls.cids = str(cls.env.company.id)

    def test_a_manager_approves_a_run_in_the_browser(self):
        self.assertEqual((self.older.state, self.recon.state), ("done", "to_review"))
        self.start_tour(
            f"/odoo/action-integration_core.integration_reconciliation_run_action/{self.recon.id}",
            "integration_reconciliation_decide",
            login="int_manager",
        )
        bins = self.env["integration.kit.example.bin"].search([("code", "in", ("B2", "B3", "B9"))])
        self.assertEqual(
            sorted(bins.mapped(lambda b: (b.code, b.quantity))), [("B2", 7), ("B3", 0), ("B9", 3)]
        )
        self.assertEqual(self.recon.applied_count, 3)
        self.assertEqual(
            set(self.recon.difference_ids.decided_by_id.mapped("login")), {"int_manager"}
        )

    def test_reconciliation_screenshots(self):
        form = self.capture(
            f"/odoo/action-integration_core.integration_reconciliation_run_action/{self.recon.id}",
            "document.querySelectorAll('[name=difference_ids] .o_data_row').length === 3",
            height=1300,
        )
        self.save("reconciliation-run.png", form)
        runs = self.capture(
            "/odoo/action-integration_core.integration_reconciliation_run_action",
            "document.querySelectorAll('.o_list_view .o_data_row').length === 2",
        )
        self.save("reconciliation-runs.png", runs)
        report = self.capture(
            "/odoo/action-integration_core.integration_reconciliation_report_action",
            "!!document.querySelector('.o_graph_renderer canvas')",
        )
        self.save("reconciliation-report.png", report)
        card = self.recon.exception_ids.filtered(
            lambda c: c.reconciliation_cause == "external_more"
        )
        card_form = self.capture(
            f"/odoo/action-integration_core.integration_exception_action/{card.id}",
            "document.querySelectorAll('[name=reconciliation_line_ids] .o_data_row').length === 1",
        )
        self.save("reconciliation-card.png", card_form)
        dashboard = self.capture(
            "/odoo/action-integration_core.integration_dashboard_action",
            "!!document.querySelector('.o_integration_reconciliation tr[data-run=\"ST-1\"]')",
            height=1400,
        )
        self.save("reconciliation-dashboard.png", dashboard)
