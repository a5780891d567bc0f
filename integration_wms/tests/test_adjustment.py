from odoo.tests import tagged

from .common import WmsCase


@tagged("post_install", "-at_install")
class TestStockAdjustment(WmsCase):
    """A quantity found more or less in the WMS is an applied inventory adjustment, once."""

    def adjustment(self, message_id, **values):
        return dict(
            {
                "message_id": message_id,
                "message_type": "stock.adjustment",
                "sent_at": "2026-12-07T08:00:00Z",
                "product": "BOLT",
                "location": "WH-STOCK",
                "quantity_delta": 5,
                "reason": "CC",
            },
            **values,
        )

    def test_applied_once_with_reason_from_value_map(self):
        self.env["integration.value.map"].create(
            {
                "name": "wms_adjustment_reason",
                "endpoint_id": self.wms.id,
                "line_ids": [
                    (0, 0, {"external_value": "CC", "internal_value": "Cycle count"}),
                    (0, 0, {"external_value": "DM", "internal_value": "Damaged in storage"}),
                ],
            }
        )
        payload = self.adjustment("wms:adj:1", adjustment_id="ADJ-1")
        first = self.play("stock.adjustment", payload)
        second = self.play("stock.adjustment", payload)
        self.assertEqual(first, second)
        self.assertEqual(first.state, "done", first.error)
        self.assertEqual(self.quantity(self.bolt), 55.0)
        move = self.env["stock.move"].search(
            [("product_id", "=", self.bolt.id), ("is_inventory", "=", True)]
        )
        self.assertEqual(len(move), 1)
        self.assertEqual(move.reference, "Stock adjustment ADJ-1: Cycle count")
        self.assertEqual(move.state, "done")
        lost = self.play(
            "stock.adjustment",
            self.adjustment(
                "wms:adj:2", product="SERUM", lot="S-1", quantity_delta=-3, reason="DM"
            ),
        )
        self.assertEqual(lost.state, "done", lost.error)
        self.assertEqual(self.quantity(self.serum, lot=self.lot_s1), 7.0)
        unknown = self.play("stock.adjustment", self.adjustment("wms:adj:3", reason="ZZ"))
        self.assertEqual(unknown.state, "failed")
        self.assertIn("ZZ is not in value map wms_adjustment_reason", unknown.error)
        self.assertEqual(self.quantity(self.bolt), 55.0)

    def test_bad_adjustments_refused(self):
        message = self.play(
            "stock.adjustment",
            self.adjustment("wms:adj:bad", product="SERUM", location="WH-STOCK", unit="kg"),
        )
        self.assertEqual(message.state, "failed")
        self.assertIn("Serum is tracked by lot or serial: give its lot", message.error)
        self.assertIn("unit kg cannot measure", message.error)
        zero = self.play("stock.adjustment", self.adjustment("wms:adj:zero", quantity_delta=0))
        self.assertEqual(zero.state, "failed")
        self.assertIn("quantity_delta must not be 0", zero.error)
        unknown = self.play("stock.adjustment", self.adjustment("wms:adj:loc", location="X-9"))
        self.assertEqual((unknown.state, unknown.waiting_code), ("waiting", "X-9"))
        self.assertEqual(self.quantity(self.bolt), 50.0)
