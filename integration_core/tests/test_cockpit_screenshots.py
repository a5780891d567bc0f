from odoo.tests import HttpCase, tagged

from .browser_capture import capture, save
from .cockpit_data import make_cockpit_data
from .common import make_integration_users, with_encryption_key

PNG_LIMIT = 300 * 1024


@tagged("post_install", "-at_install")
class TestCockpitScreenshots(HttpCase):
    """The README's screenshots, taken in Chromium on demo-like data: each screen must show
    its content, and each image must stay small."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.data = make_cockpit_data(cls.env)
        plants = cls.data["plants"]
        cls.users["user"].write(
            {"company_ids": [(4, c.id) for c in plants], "company_id": plants[0].id}
        )
        cls.cids = "-".join(str(c.id) for c in plants)

    def capture(self, url, ready, height=800):
        """A PNG of ``url`` seen by an integration user, small enough for the README."""
        image = capture(self, url, ready, "int_user", cids=self.cids, height=height)
        self.assertLess(len(image), PNG_LIMIT, f"{url}: keep README images small")
        return image

    def test_readme_screenshots(self):
        dashboard = self.capture(
            "/odoo/action-integration_core.integration_dashboard_action",
            "!!document.querySelector('.o_integration_latency .o_latency_row')",
            height=1180,
        )
        save("dashboard.png", dashboard)
        kanban = self.capture(
            "/odoo/action-integration_core.integration_exception_action",
            "document.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)').length >= 3",
        )
        save("exceptions-kanban.png", kanban)
        card = self.capture(
            f"/odoo/action-integration_core.integration_exception_action/{self.data['card'].id}",
            "!!document.querySelector('.o_form_view .alert-danger')",
        )
        save("exception-card.png", card)
