from odoo.tests import tagged

from .common import WmsCase


@tagged("post_install", "-at_install")
class TestShipmentConfirmation(WmsCase):
    """What the WMS shipped validates the delivery with its packages and tracking."""

    def test_delivery_in_two_packages_with_tracking(self):
        delivery = self.make_delivery([(self.bolt, 20), (self.serum, 6)])
        message = self.play(
            "shipment.confirmation",
            self.confirmation(
                "shipment",
                delivery.name,
                1,
                [
                    {"product": "BOLT", "quantity": 12, "package": "003456789012345671"},
                    {"product": "BOLT", "quantity": 8, "package": "003456789012345688"},
                    {
                        "product": "SERUM",
                        "quantity": 6,
                        "lot": "S-1",
                        "package": "003456789012345688",
                    },
                ],
                tracking_reference="1Z999AA10123456784",
                carrier="UPS",
                weight_kg=14.5,
            ),
        )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(delivery.state, "done")
        self.assertFalse(delivery.backorder_ids)
        packed = {
            (
                line.product_id.default_code,
                line.lot_id.name or None,
                line.result_package_id.name,
            ): line.quantity
            for line in delivery.move_line_ids
        }
        self.assertEqual(
            packed,
            {
                ("BOLT", None, "003456789012345671"): 12.0,
                ("BOLT", None, "003456789012345688"): 8.0,
                ("SERUM", "S-1", "003456789012345688"): 6.0,
            },
        )
        self.assertEqual(
            (delivery.wms_tracking_ref, delivery.wms_carrier, delivery.wms_shipping_weight),
            ("1Z999AA10123456784", "UPS", 14.5),
        )
        self.assertEqual(self.quantity(self.bolt), 30.0)
        self.assertEqual(self.quantity(self.serum, lot=self.lot_s1), 4.0)

    def test_partial_shipment_backorder_or_closed(self):
        """The rest of a partial shipment goes to a backorder, which a closed shipment later
        ends without another backorder."""
        delivery = self.make_delivery([(self.bolt, 20)])
        self.play(
            "shipment.confirmation",
            self.confirmation("shipment", delivery.name, 1, [{"product": "BOLT", "quantity": 5}]),
        )
        backorder = delivery.backorder_ids
        self.assertEqual((delivery.state, backorder.move_ids.product_uom_qty), ("done", 15.0))
        message = self.play(
            "shipment.confirmation",
            self.confirmation(
                "shipment", delivery.name, 2, [{"product": "BOLT", "quantity": 10}], closed=True
            ),
        )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(backorder.state, "done")
        self.assertFalse(backorder.backorder_ids)
        self.assertEqual(self.quantity(self.bolt), 35.0)

    def test_over_shipment_and_wrong_kind_refused(self):
        delivery = self.make_delivery([(self.bolt, 5)])
        over = self.play(
            "shipment.confirmation",
            self.confirmation("shipment", delivery.name, 1, [{"product": "BOLT", "quantity": 6}]),
        )
        self.assertEqual(over.state, "failed")
        self.assertIn("more than the 5.0 Units allowed", over.error)
        as_receipt = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", delivery.name, 1, [{"product": "BOLT", "quantity": 5}]),
        )
        self.assertEqual(as_receipt.state, "failed")
        self.assertIn(f"transfer {delivery.name} is a delivery", as_receipt.error)
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(self.quantity(self.bolt), 45.0)  # 5 reserved, nothing shipped

    def test_unknown_lot_waits(self):
        delivery = self.make_delivery([(self.serum, 2)])
        message = self.play(
            "shipment.confirmation",
            self.confirmation(
                "shipment", delivery.name, 1, [{"product": "SERUM", "quantity": 2, "lot": "S-9"}]
            ),
        )
        self.assertEqual((message.state, message.waiting_model), ("waiting", "stock.lot"))
        self.assertEqual(delivery.state, "assigned")
