from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .cockpit_data import make_cockpit_data
from .common import make_integration_users, with_encryption_key


@tagged("post_install", "-at_install")
class TestCockpitDashboard(TransactionCase):
    """The overview's figures, and that it shows a caller only what the caller may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.data = make_cockpit_data(cls.env)
        cls.users["user"].write(
            {
                "company_ids": [(4, c.id) for c in cls.data["plants"]],
                "company_id": cls.data["plants"][0].id,
            }
        )

    def overview(self, user=None, companies=None):
        user = user or self.users["user"]
        companies = companies or self.data["plants"]
        dashboard = self.env["integration.dashboard"].with_user(user)
        return dashboard.with_context(allowed_company_ids=companies.ids).get_overview()

    def endpoint_rows(self, overview):
        return {row["code"]: row for plant in overview["plants"] for row in plant["endpoints"]}

    def test_figures_per_plant_and_endpoint(self):
        overview = self.overview()
        self.assertEqual([p["name"] for p in overview["plants"]], ["Dash Plant 1", "Dash Plant 2"])
        rows = self.endpoint_rows(overview)
        mes = rows["DASH_MES"]
        self.assertEqual((mes["inbound"], mes["outbound"], mes["failed"]), (3, 1, 1))
        self.assertEqual((mes["backlog"], mes["over_sla"], mes["failed_now"]), (1, 1, 1))
        self.assertGreater(mes["oldest_minutes"], 29 * 60)
        self.assertEqual((mes["status"], mes["open_exceptions"]), ("warning", 1))
        self.assertEqual((rows["DASH_IDLE"]["status_label"]), "No traffic")
        self.assertEqual(rows["DASH_WMS"]["status_label"], "Down: circuit open")
        self.assertEqual([c["code"] for c in overview["circuits"]], ["DASH_WMS"])
        self.assertEqual([f["code"] for f in overview["paused_flows"]], ["machine.event"])
        sunset = overview["sunset_flows"]
        self.assertEqual([(f["code"], f["days_left"]) for f in sunset], [("legacy.stock", 10)])

    def test_exceptions_by_category_and_severity(self):
        exceptions = self.overview()["exceptions"]
        self.assertEqual((exceptions["total"], exceptions["high"]), (2, 1))
        by_category = {row["category"]: row for row in exceptions["by_category"]}
        self.assertEqual(by_category["rejected"]["high"], 1)
        self.assertEqual(by_category["validation"]["medium"], 1)
        self.assertEqual(exceptions["by_category"][0]["category"], "rejected", "high first")
        self.data["card"].write({"state": "resolved"})
        self.assertEqual(self.overview()["exceptions"]["total"], 1, "closed cards do not count")

    def test_graphs_throughput_per_hour_and_latency_percentiles(self):
        overview = self.overview()
        throughput = overview["throughput"]
        self.assertEqual(len(throughput), 24, "every hour of the window, empty ones too")
        self.assertEqual(sum(h["inbound"] for h in throughput), 4)
        self.assertEqual(sum(h["outbound"] for h in throughput), 1)
        self.assertEqual(sum(h["failed"] for h in throughput), 2)
        latency = {row["code"]: row for row in overview["latency"]}
        self.assertEqual(latency["DASH_MES"]["count"], 3)
        self.assertEqual(latency["DASH_MES"]["p50"], 2.0)
        self.assertGreater(latency["DASH_MES"]["p99"], latency["DASH_MES"]["p50"])

    def test_a_plant_sees_only_its_own(self):
        plant1 = self.data["plants"][0]
        overview = self.overview(companies=plant1)
        self.assertEqual([p["name"] for p in overview["plants"]], ["Dash Plant 1"])
        self.assertEqual(overview["circuits"], [], "the other plant's circuit is not shown")
        self.assertEqual(overview["sunset_flows"], [])
        self.assertEqual(overview["exceptions"]["total"], 1)
        self.assertEqual(sum(h["failed"] for h in overview["throughput"]), 1)
        self.assertNotIn("DASH_WMS", {row["code"] for row in overview["latency"]})

    def test_service_accounts_and_outsiders_are_refused(self):
        with self.assertRaises(AccessError):
            self.overview(user=self.users["api"], companies=self.env.company)
        outsider = self.env["res.users"].create({"name": "Sales", "login": "dash_sales"})
        with self.assertRaises(AccessError):
            self.overview(user=outsider, companies=self.env.company)
