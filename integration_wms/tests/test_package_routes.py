import base64

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.integration_core.lib import package_format
from odoo.addons.integration_core.tests.common import with_encryption_key

MANAGER = "integration_core.group_integration_manager"


@tagged("post_install", "-at_install")
class TestPackageRoutes(TransactionCase):
    """The WMS adds its routing rules to configuration packages: a plant rehearsed or copied
    from its package routes its transfers to its WMS as it did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = cls.env["res.company"].create({"name": "WMS Package Plant"})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.plant.id)])
        cls.warehouse.code = "WP1"
        cls.damaged = cls.env["stock.location"].create(
            {
                "name": "Damaged",
                "location_id": cls.warehouse.lot_stock_id.id,
                "barcode": "WP1-DAMAGED",
                "company_id": cls.plant.id,
            }
        )
        cls.wms = cls.env["integration.endpoint"].create(
            {"name": "WMS", "code": "WP1_WMS", "system_type": "wms", "company_id": cls.plant.id}
        )
        Route = cls.env["integration.wms.route"]
        cls.receipts = Route.create(
            {
                "endpoint_id": cls.wms.id,
                "sequence": 1,
                "warehouse_id": cls.warehouse.id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "over_receipt_percent": 5.0,
                "damaged_location_id": cls.damaged.id,
            }
        )
        cls.rest = Route.create({"endpoint_id": cls.wms.id, "sequence": 2})
        cls.manager = new_test_user(
            cls.env,
            login="wms_package_manager",
            groups=MANAGER,
            company_id=cls.plant.id,
            company_ids=[(6, 0, cls.plant.ids)],
        )

    def importer(self, document):
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
        return wizard

    def test_routing_rules_travel_and_a_changed_tolerance_is_a_change(self):
        document = self.env["integration.package"].with_user(self.manager)._export(self.plant)
        self.assertEqual(
            document["sections"]["wms_routes"],
            [
                {
                    "endpoint": "WP1_WMS",
                    "sequence": 1,
                    "warehouse": {"code": "WP1"},
                    "picking_type": {"name": self.warehouse.in_type_id.name},
                    "over_receipt_percent": 5.0,
                    "damaged_location": {"code": "WP1-DAMAGED"},
                },
                {
                    "endpoint": "WP1_WMS",
                    "sequence": 2,
                    "warehouse": None,
                    "picking_type": None,
                    "over_receipt_percent": 0.0,
                    "damaged_location": None,
                },
            ],
        )
        self.assertEqual(set(self.importer(document).line_ids.mapped("action")), {"unchanged"})
        # A tolerance changed at the source changes the rule here; it is no new rule.
        document["sections"]["wms_routes"][0]["over_receipt_percent"] = 10.0
        wizard = self.importer(document)
        rules = wizard.line_ids.filtered(lambda line: line.section_label == "WMS routing rule")
        [line] = rules.filtered(lambda line: line.action != "unchanged")
        self.assertEqual(line.action, "change")
        self.assertIn("5.0 -> 10.0", line.details)
        wizard.action_apply()
        self.assertEqual(self.receipts.over_receipt_percent, 10.0)
        self.assertEqual(
            self.env["integration.wms.route"].search_count([("endpoint_id", "=", self.wms.id)]), 2
        )
