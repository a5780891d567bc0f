import json

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_core.tests.test_cockpit_browser import OPEN_EVERY_ACTION


@tagged("post_install", "-at_install")
class TestLegacyScreens(HttpCase):
    def test_every_legacy_erp_menu_opens(self):
        """Each action of Integration > Legacy ERP opens in each of its views."""
        root = self.env.ref("integration_legacy_erp.menu_integration_legacy_erp")
        endpoint = self.env["integration.endpoint"].create(
            {"name": "Old ERP", "code": "SCREEN_ERP", "system_type": "legacy_erp"}
        )
        product = self.env["product.product"].create({"name": "Bolt"})
        self.env["integration.legacy.match"].create(
            {
                "endpoint_id": endpoint.id,
                "kind": "item",
                "external_code": "B-1",
                "legacy_name": "Bolt",
                "reasons": "similar name: Bolt",
                "product_candidate_ids": [(6, 0, product.ids)],
            }
        )
        actions = []
        for menu in self.env["ir.ui.menu"].search(
            [("id", "child_of", root.id), ("action", "!=", False)]
        ):
            action = menu.action
            record = self.env[action.res_model].search([], limit=1)
            views = action.view_mode.split(",")
            actions.append(
                {
                    "id": action.id,
                    "menu": menu.complete_name,
                    "target": "current",
                    "first_id": record.id,
                    "views": [view for view in views if view != "form" or record],
                }
            )
        self.assertEqual(len(actions), 6)
        self.browser_js(
            "/odoo",
            OPEN_EVERY_ACTION % json.dumps([[], actions]),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login="admin",
            timeout=120,
        )
