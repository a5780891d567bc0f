import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import config

from ..tools import environment_tag, production_guard
from .common import make_integration_users, with_encryption_key

UUID = production_guard.PRODUCTION_UUID_PARAM

# The systray shows the tag; a manager's click opens its setting.
CHECK_SYSTRAY = """
(async () => {
    const waitFor = async (selector) => {
        for (let i = 0; i < 200; i++) {
            const node = document.querySelector(selector);
            if (node) {
                return node;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`${selector} never appeared`);
    };
    const badge = await waitFor(".o_main_navbar .o_integration_environment_pill");
    const expected = %s;
    if (badge.innerText.trim() !== expected.label || !badge.classList.contains(expected.colour)) {
        throw new Error(`systray shows ${badge.innerText} (${badge.className})`);
    }
    if (expected.click) {
        badge.click();
        await waitFor(".modal .o_form_view .o_field_radio");
    }
    console.log("test successful");
})().catch((error) => console.error(error.message || error));
"""


@tagged("post_install", "-at_install")
class TestEnvironmentTag(HttpCase):
    """The environment tag of the database: who sets it, how it follows the production guard,
    that every screen shows it and every package carries it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)

    def setUp(self):
        super().setUp()
        self.patch(config, "options", dict(config.options))
        config[production_guard.PRODUCTION_DATABASE_OPTION] = None
        self.params = self.env["ir.config_parameter"].sudo()

    def set_tag(self, tag, user=None):
        wizard = self.env["integration.environment.tag"].with_user(user or self.users["manager"])
        return wizard.create({"tag": tag}).action_set()

    def test_development_until_a_manager_says_otherwise(self):
        self.assertEqual(environment_tag.current(self.env), ("development", False))
        self.assertEqual(self.set_tag("test"), {"type": "ir.actions.client", "tag": "reload"})
        self.assertEqual(environment_tag.current(self.env), ("test", False))
        with self.assertRaises(AccessError):
            self.set_tag("development", self.users["user"])
        company = self.env.company
        document = self.env["integration.package"]._export(company)
        self.assertEqual(document["environment"], "test")

    def test_production_is_the_declared_production_database(self):
        with self.assertRaisesRegex(UserError, "The server configuration must name this database"):
            self.set_tag("production")
        self.assertEqual(environment_tag.current(self.env)[0], "development")
        config[production_guard.PRODUCTION_DATABASE_OPTION] = get_db_name()
        self.set_tag("production")
        self.assertEqual(self.params.get_param(UUID), self.params.get_param("database.uuid"))
        self.assertEqual(environment_tag.current(self.env), ("production", False))
        with self.assertRaisesRegex(UserError, "it stays production"):
            self.set_tag("test")
        # A copy (another uuid: Odoo's duplicate, a restore) no longer says production.
        self.params.set_param(UUID, "uuid-of-the-original")
        self.assertEqual(environment_tag.current(self.env), ("test", True))
        described = environment_tag.describe(self.env)
        self.assertEqual(described["label"], "Test (copy of production)")
        self.assertIn("never calls production endpoints", described["detail"])
        self.assertEqual(
            self.env["integration.package"]._export(self.env.company)["environment"], "test"
        )
        # So does a neutralized one, whatever the server says.
        self.params.set_param(UUID, self.params.get_param("database.uuid"))
        self.params.set_param("database.is_neutralized", True)
        self.assertEqual(environment_tag.current(self.env), ("test", True))

    def test_every_screen_shows_it(self):
        self.set_tag("test")
        expected = {"label": "Test", "colour": "text-bg-warning", "click": False}
        self.browser_js(
            "/odoo/action-integration_core.integration_message_action",
            CHECK_SYSTRAY % json.dumps(expected),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login="int_user",
        )
        expected["click"] = True
        self.browser_js(
            "/odoo",
            CHECK_SYSTRAY % json.dumps(expected),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login="int_manager",
        )
