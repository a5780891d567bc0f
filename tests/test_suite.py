from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSuite(TransactionCase):
    def test_connectors_share_one_endpoint_registry(self):
        """Every connector registers its kind of system on the core's endpoint model."""
        kinds = dict(self.env["integration.endpoint"]._fields["system_type"].selection)
        for kind in ("generic", "mes", "wms", "legacy_erp"):
            self.assertIn(kind, kinds)
