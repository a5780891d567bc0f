from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue, trap_messages

from .common import LegacyCase

STATUS = "order.status.outbound"


@tagged("post_install", "-at_install")
class TestOpenOrders(LegacyCase):
    """Open orders taken from the legacy ERP, their status in step both ways without echo."""

    def setUp(self):
        super().setUp()
        self.send("item", self.item("GR-1", "Gear 40T"))
        self.send("partner", {"code": "C-7", "name": "Gearbox Customer", "customer": True})
        self.send("partner", {"code": "V-7", "name": "Gear Vendor", "vendor": True})

    def order(self, flow, number, status, partner):
        return {
            "order": number,
            "customer" if flow == "sale_order" else "vendor": partner,
            "status": status,
            "lines": [{"item": "GR-1", "quantity": 5, "price_unit": 12.5}],
        }

    def test_a_sales_order_status_changes_on_both_sides_without_echo(self):
        with trap_messages(self.env) as trap:
            message = self.send("sale_order", self.order("sale_order", "SO-77", "OPEN", "C-7"))
        self.assertEqual(message.state, "done", message.error)
        order = self.xref("sale.order", "SO-77")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.legacy_endpoint_id, self.legacy)
        self.assertEqual(order.order_line.product_uom_qty, 5)
        self.assertEqual(order.partner_id, self.xref("res.partner", "C-7"))
        # The legacy side releases it: Odoo confirms, and sends nothing back.
        with trap_messages(self.env) as trap:
            self.send("order.status", {"order_type": "sale", "order": "SO-77", "status": "REL"})
            self.assertEqual(order.state, "sale")
            trap.assert_nothing_queued(STATUS)
        # Odoo locks it (done): the legacy side hears CLOSED.
        with trap_messages(self.env) as trap:
            order.action_lock()
            trap.assert_queued(STATUS, {"order_type": "sale", "order": "SO-77", "status": "CLOSED"})

    def test_a_purchase_order_cancelled_in_odoo_is_sent_and_one_from_legacy_is_not(self):
        message = self.send("purchase_order", self.order("purchase_order", "PO-5", "REL", "V-7"))
        self.assertEqual(message.state, "done", message.error)
        order = self.xref("purchase.order", "PO-5")
        self.assertEqual(order.state, "purchase")
        with trap_messages(self.env) as trap:
            order.button_cancel()
            trap.assert_queued(
                STATUS, {"order_type": "purchase", "order": "PO-5", "status": "CANC"}
            )
        other = self.send("purchase_order", self.order("purchase_order", "PO-6", "OPEN", "V-7"))
        self.assertEqual(other.state, "done", other.error)
        with trap_messages(self.env) as trap:
            self.send("order.status", {"order_type": "purchase", "order": "PO-6", "status": "CANC"})
            trap.assert_nothing_queued(STATUS)
        self.assertEqual(self.xref("purchase.order", "PO-6").state, "cancel")

    def test_a_status_for_an_unknown_order_waits_and_an_unmapped_one_fails(self):
        early = self.send("order.status", {"order_type": "sale", "order": "SO-9", "status": "REL"})
        self.assertEqual(early.state, "waiting")
        self.send("sale_order", self.order("sale_order", "SO-9", "OPEN", "C-7"))
        run_queue(self.env)
        self.assertEqual(early.state, "done", early.error)
        self.assertEqual(self.xref("sale.order", "SO-9").state, "sale")
        unmapped = self.send(
            "order.status", {"order_type": "sale", "order": "SO-9", "status": "HOLD"}
        )
        self.assertEqual(unmapped.state, "failed")
        self.assertIn("HOLD is not in value map sale_status", unmapped.error)
        odd = self.send(
            "sale_order", dict(self.order("sale_order", "SO-10", "OPEN", "C-7"), order_type="RMA")
        )
        self.assertEqual(odd.state, "failed")
        self.assertIn("order_type must be sale or purchase", odd.error)
        self.assertFalse(self.xref("sale.order", "SO-10"))
