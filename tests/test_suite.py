from odoo.tests import TransactionCase, tagged

SUITE_ADDONS = ("integration_core", "integration_mes", "integration_wms", "integration_legacy_erp")


@tagged("post_install", "-at_install")
class TestSuite(TransactionCase):
    def test_suite_installs_every_addon(self):
        """Installing the umbrella addon brings the platform and every connector."""
        modules = self.env["ir.module.module"].search(
            [("name", "in", (*SUITE_ADDONS, "manufacturing_integration"))]
        )
        self.assertEqual(
            sorted(modules.filtered(lambda m: m.state == "installed").mapped("name")),
            sorted((*SUITE_ADDONS, "manufacturing_integration")),
        )

    def test_connectors_share_one_endpoint_registry(self):
        """Every connector registers its kind of system on the core's endpoint model."""
        kinds = dict(self.env["integration.endpoint"]._fields["system_type"].selection)
        for kind in ("generic", "mes", "wms", "legacy_erp"):
            self.assertIn(kind, kinds)
