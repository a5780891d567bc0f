import json

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.integration_core.tests.common import make_integration_users, with_encryption_key
from odoo.addons.integration_core.tests.test_cockpit_browser import OPEN_EVERY_ACTION

from .common import WmsTransfersMixin, make_warehouse


@tagged("post_install", "-at_install")
class TestWmsScreens(WmsTransfersMixin, HttpCase):
    """Every action under Integration > WMS opens in each of its views, with a routed
    transfer, its message and a routing rule to show, as an integration manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        make_warehouse(cls, code="SCREEN_WMS")
        cls.manager = make_integration_users(cls.env)["manager"]
        cls.manager.write({"groups_id": [(4, cls.env.ref("stock.group_stock_manager").id)]})
        cls.receipt = cls.make_transfer(cls.warehouse.in_type_id, cls.vendor, [(cls.bolt, 5)])

    def menu_actions(self):
        root = self.env.ref("integration_wms.menu_integration_wms")
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", root.id), ("action", "!=", False)]
        )
        actions = []
        for menu in menus:
            action = menu.action
            record = (
                self.env[action.res_model]
                .with_user(self.manager)
                .search(safe_eval(action.domain or "[]"), limit=1)
            )
            views = action.view_mode.split(",")
            actions.append(
                {
                    "id": action.id,
                    "menu": menu.complete_name,
                    "target": action.target or "current",
                    "first_id": record.id,
                    "views": [view for view in views if view != "form" or record],
                }
            )
        return actions

    def test_every_wms_menu_action_opens(self):
        actions = self.menu_actions()
        self.assertEqual(
            {row["menu"] for row in actions},
            {
                "Integration/WMS/WMS Endpoints",
                "Integration/WMS/Transfers",
                "Integration/WMS/WMS Messages",
                "Integration/WMS/Routing",
                "Integration/WMS/Stock reconciliation",
            },
        )
        shown = [row for row in actions if row["menu"] != "Integration/WMS/Stock reconciliation"]
        self.assertTrue(all(row["first_id"] for row in shown), "each list has a record to open")
        self.browser_js(
            "/odoo",
            OPEN_EVERY_ACTION % json.dumps([[], actions]),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login=self.manager.login,
            timeout=180,
        )

    def test_an_inventory_user_opens_a_transfer_sent_to_the_wms(self):
        """A warehouse clerk without any integration right opens a released transfer."""
        clerk = new_test_user(self.env, login="wms_clerk", groups="stock.group_stock_user")
        action = self.env.ref("stock.action_picking_tree_all")
        self.assertTrue(self.receipt.wms_transfer)
        opened = {
            "id": action.id,
            "menu": "Inventory/Transfers",
            "target": "current",
            "first_id": self.receipt.id,
            "views": ["list", "form"],
        }
        self.browser_js(
            "/odoo",
            OPEN_EVERY_ACTION % json.dumps([[], [opened]]),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login=clerk.login,
            timeout=120,
        )
