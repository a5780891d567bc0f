import base64

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.integration_core.lib import package_format
from odoo.addons.integration_core.tests.common import with_encryption_key

from .package_common import mes_plant_configuration

MANAGER = "integration_core.group_integration_manager"


@tagged("post_install", "-at_install")
class TestPackageRoutes(TransactionCase):
    """The MES adds its routing rules and its endpoints' settings to configuration packages
    (the core knows nothing of them) and they travel with the plant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = cls.env["res.company"].create({"name": "MES Package Plant 1"})
        cls.new_plant = cls.env["res.company"].create({"name": "MES Package Plant 2"})
        # Packages name a warehouse by its short name: the new plant's has another one.
        cls.env["stock.warehouse"].search([("company_id", "=", cls.new_plant.id)]).code = "MP2W"
        cls.config = mes_plant_configuration(cls.env, cls.plant, "MP1")
        cls.manager = new_test_user(
            cls.env,
            login="mes_package_manager",
            groups=MANAGER,
            company_id=cls.plant.id,
            company_ids=[(6, 0, (cls.plant | cls.new_plant).ids)],
        )

    def export(self):
        return self.env["integration.package"].with_user(self.manager)._export(self.plant)

    def template(self, code_to):
        wizard = (
            self.env["integration.plant.template"]
            .with_user(self.manager)
            .create(
                {
                    "source_company_id": self.plant.id,
                    "target_company_id": self.new_plant.id,
                    "endpoint_ids": [(6, 0, self.config["mes"].ids)],
                    "code_from": "MP1",
                    "code_to": code_to,
                }
            )
        )
        importer = self.env["integration.package.import"].browse(wizard.action_preview()["res_id"])
        return importer, {line.name: (line.action, line.details) for line in importer.line_ids}

    def test_routing_rules_and_mes_settings_in_the_package(self):
        document = self.export()
        self.assertEqual(
            set(document["modules"]), {"integration_core", "integration_mes"}, "kinds and handlers"
        )
        mes = next(e for e in document["sections"]["endpoints"] if e["code"] == "MP1_MES")
        self.assertEqual(mes["mes_overproduction_tolerance"], 5.0)
        self.assertEqual(mes["mes_quality_user"], {"login": "admin"})
        erp = next(e for e in document["sections"]["endpoints"] if e["code"] == "MP1_ERP")
        self.assertNotIn("mes_overproduction_tolerance", erp, "MES settings on MES endpoints only")
        warehouse = self.config["warehouse"]
        self.assertEqual(
            document["sections"]["mes_routes"],
            [
                {
                    "endpoint": "MP1_MES",
                    "sequence": 1,
                    "workcenter": {"code": "MP1-WELD"},
                    "picking_type": None,
                    "warehouse": None,
                },
                {
                    "endpoint": "MP1_MES",
                    "sequence": 2,
                    "workcenter": None,
                    "picking_type": {"name": warehouse.manu_type_id.name},
                    "warehouse": {"code": warehouse.code},
                },
            ],
        )
        [status] = [m for m in document["sections"]["value_maps"] if m["name"] == "order_status"]
        self.assertEqual(status["state_field"], "mrp.production.state")
        # Imported where it comes from, nothing changes.
        wizard = (
            self.env["integration.package.import"]
            .with_user(self.manager)
            .create(
                {
                    "package_file": base64.b64encode(package_format.dumps(document)),
                    "company_id": self.plant.id,
                }
            )
        )
        wizard.action_preview()
        self.assertEqual(set(wizard.line_ids.mapped("action")), {"unchanged"})

    def test_a_new_plant_gets_the_rules_whose_criteria_it_has(self):
        importer, lines = self.template("MP2")
        self.assertEqual(
            lines["MP2_MES / 1 / MP1-WELD / - / -"],
            ("skip", "work center MP1-WELD not found here"),
        )
        # The old plant's warehouse is not the new plant's.
        old_warehouse = self.config["warehouse"].code
        self.assertEqual(
            lines[f"MP2_MES / 2 / - / Manufacturing / {old_warehouse}"],
            ("skip", f"warehouse {old_warehouse} not found here"),
        )
        # With a work center of that code in the new plant, its rule comes along.
        self.env["mrp.workcenter"].with_company(self.new_plant).create(
            {"name": "Welding", "code": "MP1-WELD", "company_id": self.new_plant.id}
        )
        importer, lines = self.template("MP3")
        self.assertEqual(lines["MP3_MES / 1 / MP1-WELD / - / -"][0], "create")
        importer.action_apply()
        mes = self.env["integration.endpoint"].search([("code", "=", "MP3_MES")])
        route = self.env["integration.mes.route"].search([("endpoint_id", "=", mes.id)])
        self.assertEqual(route.workcenter_id.company_id, self.new_plant)
        self.assertEqual((mes.system_type, mes.mes_overproduction_tolerance), ("mes", 5.0))
        self.assertEqual(set(mes.flow_ids.mapped("state")), {"draft"})
