from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestIntegrationWmsInstall(TransactionCase):
    def test_endpoint_kind_and_menu(self):
        """The connector adds its endpoint kind and a menu that lists only those endpoints."""
        endpoints = self.env["integration.endpoint"].create(
            [
                {"name": "Connector system", "code": "T_WMS", "system_type": "wms"},
                {"name": "Other system", "code": "T_OTHER", "system_type": "generic"},
            ]
        )
        menu = self.env.ref("integration_wms.menu_integration_wms_endpoint")
        action = menu.action
        self.assertEqual(action.res_model, "integration.endpoint")
        listed = self.env["integration.endpoint"].search(safe_eval(action.domain))
        self.assertIn(endpoints[0], listed)
        self.assertNotIn(endpoints[1], listed)
