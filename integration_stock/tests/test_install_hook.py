from odoo.tests import TransactionCase, tagged

from ..hooks import pre_init_hook


@tagged("post_install", "-at_install")
class TestStockInstallHook(TransactionCase):
    """A database made before this addon had the stock reconciliation screens in
    integration_wms: installing this addon keeps those records, under its own names."""

    def test_screens_of_integration_wms_become_this_addons_records(self):
        action = self.env.ref("integration_stock.integration_reconciliation_line_action_stock")
        pivot = self.env.ref("integration_stock.integration_reconciliation_line_view_pivot_stock")
        self.env.cr.execute(
            "UPDATE ir_model_data SET module = 'integration_wms', name = name || '_old'"
            " WHERE module = 'integration_stock' AND name LIKE %s",
            ["integration_reconciliation_line_%_stock"],
        )
        self.env.cr.execute(
            "UPDATE ir_model_data SET name = replace(name, '_stock_old', '_wms')"
            " WHERE module = 'integration_wms' AND name LIKE %s",
            ["%_stock_old"],
        )
        self.env.registry.clear_cache()
        pre_init_hook(self.env)
        self.env.registry.clear_cache()
        self.assertEqual(
            self.env.ref("integration_stock.integration_reconciliation_line_action_stock"), action
        )
        self.assertEqual(
            self.env.ref("integration_stock.integration_reconciliation_line_view_pivot_stock"),
            pivot,
        )
        self.assertFalse(
            self.env["ir.model.data"].search_count(
                [("module", "=", "integration_wms"), ("name", "like", "reconciliation_line")]
            )
        )
