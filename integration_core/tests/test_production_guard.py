import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import config

from ..tools import production_guard
from .common import make_integration_users

UUID = "integration.production_database_uuid"
NAME = "integration.production_database_name"


@tagged("post_install", "-at_install")
class TestProductionGuard(HttpCase):
    """Who may declare the production database, over XML-RPC as any external caller would,
    and what a database must agree on before it calls a production endpoint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.users["plain"] = new_test_user(cls.env, login="int_plain", groups="base.group_user")
        cls.endpoint = cls.env["integration.endpoint"].create(
            {"name": "Plant ERP", "code": "GUARD_ERP", "environment": "production"}
        )

    def setUp(self):
        super().setUp()
        self.patch(config, "options", dict(config.options))
        config[production_guard.PRODUCTION_DATABASE_OPTION] = get_db_name()
        self.params = self.env["ir.config_parameter"].sudo()
        # As a neutralized copy would be: production bound elsewhere, guard switched on.
        self.params.set_param(UUID, "uuid-of-another-database")
        self.params.set_param("database.is_neutralized", True)

    def declare(self, login):
        uid = self.xmlrpc_common.authenticate(get_db_name(), login, login, {})
        return self.xmlrpc_object.execute(
            get_db_name(),
            uid,
            login,
            "integration.endpoint",
            "action_declare_production_database",
            [self.endpoint.id],
        )

    def assert_guard_intact(self):
        self.env.invalidate_all()
        self.assertEqual(self.params.get_param(UUID), "uuid-of-another-database")
        self.assertEqual(self.params.get_param("database.is_neutralized"), "True")
        self.assertTrue(production_guard.copy_refusal(self.env))

    def test_only_a_manager_declares_the_production_database(self):
        for role in ("plain", "api", "user"):
            with self.subTest(role=role), self.assertRaises(xmlrpc.client.Fault):
                self.declare(self.users[role].login)
            self.assert_guard_intact()
            endpoint = self.endpoint.with_user(self.users[role])
            with self.assertRaisesRegex(AccessError, "Only an Integration Manager"):
                endpoint.action_declare_production_database()
            self.assert_guard_intact()
        self.assertTrue(self.declare(self.users["manager"].login))
        self.env.invalidate_all()
        self.assertEqual(self.params.get_param(UUID), self.params.get_param("database.uuid"))
        self.assertEqual(self.params.get_param(NAME), get_db_name())
        self.assertFalse(production_guard.copy_refusal(self.env))
        note = self.endpoint.message_ids[:1]
        self.assertEqual(note.author_id, self.users["manager"].partner_id, "who")
        self.assertIn(self.users["manager"].name, note.body)
        self.assertIn("UTC", note.body, "when")

    def test_a_manager_cannot_declare_a_database_the_server_does_not_name(self):
        config[production_guard.PRODUCTION_DATABASE_OPTION] = "erp_production"
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            self.declare(self.users["manager"].login)
        self.assertIn("erp_production", refused.exception.faultString)
        self.assert_guard_intact()

    def test_name_uuid_and_server_configuration_must_all_agree(self):
        self.endpoint.with_user(self.users["manager"]).action_declare_production_database()
        self.assertIsNone(production_guard.copy_refusal(self.env))
        config[production_guard.PRODUCTION_DATABASE_OPTION] = None
        self.assertIn("names no production database", production_guard.copy_refusal(self.env))
        config[production_guard.PRODUCTION_DATABASE_OPTION] = "erp_production"
        self.assertIn("'erp_production'", production_guard.copy_refusal(self.env))
        config[production_guard.PRODUCTION_DATABASE_OPTION] = get_db_name()
        self.params.set_param(NAME, "erp_production")  # copied under another name
        self.assertIn("another database name", production_guard.copy_refusal(self.env))
