from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_open_integration_app(self):
        """A manager opens the Integration app from the home menu and sees the endpoints."""
        self.env["integration.endpoint"].create({"name": "Tour endpoint", "code": "TOUR_EP"})
        self.start_tour("/odoo", "integration_core_open_app", login="admin")
