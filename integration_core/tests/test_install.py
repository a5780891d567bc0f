from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import make_integration_users


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)

    def test_every_model_has_access_rules(self):
        """Each model of the addon is reachable through at least one ACL."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "integration_core"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        models = self.env["ir.model"].browse(model_ids)
        self.assertGreaterEqual(len(models), 6, "integration_core declares its models")
        for model in models:
            if self.env[model.model]._abstract or self.env[model.model]._transient:
                continue
            self.assertTrue(model.access_ids, f"{model.model} has access rules")

    def test_menus_resolve_for_manager(self):
        """Every integration menu visible to a manager opens a real action."""
        menus = (
            self.env["ir.ui.menu"]
            .with_user(self.users["manager"])
            .search([("id", "child_of", self.env.ref("integration_core.menu_integration_root").id)])
        )
        self.assertIn(self.env.ref("integration_core.menu_integration_endpoint"), menus)
        for menu in menus.filtered("action"):
            action = menu.action.sudo()
            self.assertTrue(action.exists(), f"menu {menu.complete_name} has an action")
            if action._name == "ir.actions.act_window":
                self.assertIn(action.res_model, self.env, f"{menu.complete_name} model exists")

    def test_user_reads_but_cannot_configure_endpoints(self):
        endpoint = self.env["integration.endpoint"].create({"name": "Plant MES", "code": "P1_MES"})
        as_user = endpoint.with_user(self.users["user"])
        self.assertEqual(as_user.name, "Plant MES")
        with self.assertRaises(AccessError):
            as_user.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["integration.endpoint"].with_user(self.users["user"]).create(
                {"name": "Other", "code": "OTHER"}
            )

    def test_endpoint_code_is_unique(self):
        self.env["integration.endpoint"].create({"name": "A", "code": "SAME"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["integration.endpoint"].create({"name": "B", "code": "SAME"})
