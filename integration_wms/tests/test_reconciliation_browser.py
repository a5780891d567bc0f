from datetime import datetime

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_core.tests.common import make_integration_users, with_encryption_key
from odoo.addons.integration_core.tests.screenshots import ScreenshotMixin


@tagged("post_install", "-at_install")
class TestWmsReconciliationBrowser(ScreenshotMixin, HttpCase):
    """The stock reconciliation report by location and product, as an integration user
    without any Inventory right sees it."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.cids = str(cls.env.company.id)
        endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Report WMS",
                "code": "WMS_REPORT",
                "system_type": "wms",
                "environment": "test",
            }
        )
        flow = cls.env["integration.flow"].create(
            {
                "name": "Snapshots",
                "code": "inventory.snapshot",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.wms.snapshot",
                "reconciler": "integration.wms.stock.reconciler",
                "state": "active",
            }
        )
        warehouse = cls.env.ref("stock.warehouse0")
        warehouse.lot_stock_id.barcode = "WH-STOCK"
        shelf = cls.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": warehouse.lot_stock_id.id, "barcode": "WH-SHELF-1"}
        )
        Product = cls.env["product.product"]
        lines = []
        for number in range(6):
            product = Product.create(
                {
                    "name": f"Chair model {number}",
                    "default_code": f"CHAIR_{number}",
                    "is_storable": True,
                    "standard_price": 10 + number,
                    "tracking": "lot" if number == 5 else "none",
                }
            )
            location = shelf if number % 2 else warehouse.lot_stock_id
            cls.env["stock.quant"]._update_available_quantity(product, location, 10)
            line = {
                "product": product.default_code,
                "location": location.barcode,
                "quantity": 10 + number % 3,
            }
            if number == 5:
                cls.env["stock.lot"].create({"name": "LOT-5", "product_id": product.id})
                line["lot"] = "LOT-5"
            lines.append(line)
        message = cls.env["integration.message"].enqueue(
            flow,
            {
                "message_id": "REPORT-1",
                "snapshot_id": "SNAP-REPORT",
                "as_of": datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "scope": "full",
                "warehouse": "WH",
                "lines": lines,
            },
        )
        cls.env["integration.queue.worker"]._process_now(message)

    def test_stock_reconciliation_report(self):
        pivot = self.capture(
            "/odoo/action-integration_stock.integration_reconciliation_line_action_stock",
            "document.querySelectorAll('.o_pivot tbody tr').length >= 3",
        )
        self.save("wms-stock-reconciliation.png", pivot)
        lines = self.capture(
            "/odoo/action-integration_core.integration_reconciliation_line_action",
            "document.querySelectorAll('.o_list_view .o_data_row').length >= 4",
        )
        self.save("wms-differences.png", lines)
