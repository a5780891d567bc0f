from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .package_common import PackageCase


@tagged("post_install", "-at_install")
class TestPlantTemplate(PackageCase):
    """New plant from this one: the plant's configuration copied to another company with new
    codes, through the package's preview and import, as drafts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_plant = cls.env["res.company"].create({"name": "Package Plant 3"})
        cls.manager.company_ids = [(4, cls.new_plant.id)]
        cls.env["integration.xref"].create(
            {
                "endpoint_id": cls.config["erp"].id,
                "model": "res.partner",
                "external_code": "C-1",
                "res_id": cls.env.user.partner_id.id,
            }
        )

    def wizard(self, endpoints=None, **values):
        """The wizard as a manager fills it in from the plant's form."""
        Template = self.env["integration.plant.template"].with_user(self.manager)
        with Form(Template.with_context(default_source_company_id=self.plant.id)) as form:
            form.target_company_id = self.new_plant
            for endpoint in endpoints or ():
                form.endpoint_ids.add(endpoint)
            for name, value in values.items():
                setattr(form, name, value)
        return form.save()

    def test_the_wizard_proposes_the_new_codes(self):
        wizard = self.wizard(code_to="PK3")
        self.assertEqual((wizard.code_from, wizard.name_from), ("PK1", "Package Plant 1"))
        self.assertEqual(wizard.name_to, "Package Plant 3")
        self.assertEqual(wizard.renames, "PK1_ERP -> PK3_ERP\nPK1_WMS -> PK3_WMS")
        wizard.code_to = "PK1"
        self.assertIn("does not contain", wizard.renames)
        with self.assertRaisesRegex(UserError, "it would not change"):
            wizard.action_preview()
        wizard.target_company_id = self.plant
        with self.assertRaisesRegex(UserError, "Choose another company"):
            wizard.action_preview()

    def test_a_new_plant_from_this_one(self):
        wizard = self.wizard(code_to="PK3", name_from="PK1", name_to="PK3")
        action = wizard.action_preview()
        importer = self.env["integration.package.import"].browse(action["res_id"])
        self.assertEqual((importer.origin, importer.company_id), ("template", self.new_plant))
        self.assertEqual(set(importer.line_ids.mapped("action")), {"create"})
        self.assertEqual(len(importer.line_ids), 13)
        importer.action_apply()
        Endpoint = self.env["integration.endpoint"]
        erp = Endpoint.search([("code", "=", "PK3_ERP")])
        self.assertEqual((erp.name, erp.company_id), ("PK3 legacy ERP", self.new_plant))
        self.assertEqual(erp.url, "https://erp.plant.example/api")
        self.assertFalse(erp.inbound_user_id, "the old plant's service account stays there")
        self.assertFalse(erp.secret_is_set or erp.sudo().inbound_hmac_ciphertext)
        self.assertFalse(erp.api_key_ids)
        self.assertFalse(self.env["integration.xref"].search([("endpoint_id", "=", erp.id)]))
        self.assertTrue(erp.activity_ids, "the secrets to enter are an activity")
        flows = Endpoint.search([("company_id", "=", self.new_plant.id)]).flow_ids
        self.assertEqual(len(flows), 3)
        self.assertEqual(set(flows.mapped("state")), {"draft"})
        self.assertEqual(flows.mapping_ids.mapped("state"), ["draft"])
        self.assertEqual(len(flows.mapping_ids.line_ids), 3)
        maps = self.env["integration.value.map"].search([("endpoint_id", "=", erp.id)])
        self.assertEqual(sorted(maps.mapped("name")), ["item_kind", "unit"])
        windows = self.env["integration.window"].search([("company_id", "=", self.new_plant.id)])
        self.assertEqual(
            sorted(windows.mapped("name")),
            ["Mon-Fri 22:00-04:00 Europe/Berlin", "Sat 06:00-12:00 UTC"],
        )
        self.assertEqual(windows.flow_id.code, "item.master", "the nightly window is the flow's")
        rules = self.env["integration.ownership"].search([("company_id", "=", self.new_plant.id)])
        self.assertEqual(rules.endpoint_id, erp)
        self.assertEqual(importer.history_id.origin, "template")
        # The source plant is as it was.
        self.assertEqual(self.config["items"].state, "active")
        self.assertEqual(
            Endpoint.search([("company_id", "=", self.plant.id)]).mapped("code"),
            ["PK1_ERP", "PK1_WMS"],
        )

    def test_one_endpoint_only(self):
        wizard = self.wizard(endpoints=self.config["wms"], code_how="prefix", code_to="NEW_")
        self.assertEqual(wizard.renames, "PK1_WMS -> NEW_PK1_WMS")
        importer = self.env["integration.package.import"].browse(wizard.action_preview()["res_id"])
        self.assertEqual(
            sorted(importer.line_ids.mapped("name")),
            [
                "NEW_PK1_WMS",
                "NEW_PK1_WMS / - / Sat 06:00-12:00 UTC",
                "NEW_PK1_WMS / stock.level",
                "res.partner / -",
            ],
        )

    def test_new_plant_from_a_company_or_an_endpoint(self):
        """The company's and the endpoint's forms open the wizard on their plant."""
        action = self.env.ref("integration_core.integration_plant_template_action")
        for model, context in (
            ("res.company", "'default_source_company_id': id"),
            ("integration.endpoint", "'default_endpoint_ids': [id]"),
        ):
            arch = self.env[model].with_user(self.manager).get_views([(False, "form")])
            form = arch["views"]["form"]["arch"]
            self.assertIn(f'name="{action.id}"', form, model)
            self.assertIn(context, form, model)
