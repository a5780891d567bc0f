import json
from datetime import timedelta
from pathlib import Path

import jsonschema

from odoo import fields
from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import trap_messages
from odoo.addons.integration_core.tools.echo import applied_from

from .common import WmsCase

SCHEMAS = Path(__file__).parent.parent / "schemas"


@tagged("post_install", "-at_install")
class TestTransferOrders(WmsCase):
    """Transfers go down to their WMS when ready, changed or cancelled."""

    def assert_schema(self, message):
        schema = json.loads((SCHEMAS / f"{message.flow_id.code}.json").read_text())
        jsonschema.validate(message.get_payload_json(), schema)

    def test_receipt_released_when_ready(self):
        """A confirmed receipt is ready at once: its transfer order has partner, date, lines."""
        with trap_messages(self.env) as trap:
            receipt = self.make_receipt([(self.bolt, 20), (self.serum, 5)], origin="PO0042")
        self.assertEqual(receipt.state, "assigned")
        message = trap.assert_queued(
            "transfer_order.release",
            {
                "transfer": receipt.name,
                "sequence": 1,
                "operation": "receipt",
                "warehouse": "WH",
                "origin": "PO0042",
                "priority": "normal",
                "partner": {"code": "ACME", "name": "Acme Supplies", "city": "Lyon"},
                "destination_location": "WH-STOCK",
            },
        )
        lines = message.get_payload_json()["lines"]
        self.assertEqual(
            [(line["product"], line["quantity"], line["unit"]) for line in lines],
            [("BOLT", 20.0, "Units"), ("SERUM", 5.0, "Units")],
        )
        self.assertEqual(message.idempotency_key, f"odoo:{receipt.name}:1")
        self.assertEqual(message.ordering_key, receipt.name)
        self.assertEqual((receipt.wms_endpoint_id, receipt.wms_transfer), (self.wms, receipt.name))
        self.assert_schema(message)

    def test_delivery_released_with_reserved_lots_and_carrier(self):
        """A delivery waits until its stock is reserved; its order names the reserved lots,
        the ship-to address, the carrier and the priority."""
        with trap_messages(self.env) as trap:
            delivery = self.make_delivery(
                [(self.serum, 4), (self.scanner, 1)],
                wms_carrier="DHL",
                wms_carrier_service="Express",
                priority="1",
                move_type="one",
            )
            self.assertNotEqual(delivery.state, "assigned")
            trap.assert_nothing_queued("transfer_order.release")
            serial = self.env["stock.lot"].create({"name": "SN-9", "product_id": self.scanner.id})
            self.env["stock.quant"]._update_available_quantity(
                self.scanner, self.stock, 1, lot_id=serial
            )
            delivery.action_assign()
        self.assertEqual(delivery.state, "assigned")
        message = trap.assert_queued(
            "transfer_order.release",
            {
                "transfer": delivery.name,
                "operation": "delivery",
                "priority": "urgent",
                "carrier": "DHL",
                "carrier_service": "Express",
                "ship_to": {"code": "BRIGHT", "street": "1 Main St", "city": "Gent"},
                "source_location": "WH-STOCK",
            },
        )
        lots = {line["product"]: line["lots"] for line in message.get_payload_json()["lines"]}
        self.assertEqual(lots["SERUM"], [{"lot": "S-1", "quantity": 4.0}])
        self.assertEqual(lots["SCAN"], [{"lot": "SN-9", "quantity": 1.0}])
        self.assert_schema(message)

    def test_update_and_cancel_follow_in_sequence(self):
        """A change of date or quantity sends the order again; a cancellation says so; each
        message carries the transfer's next sequence number."""
        receipt = self.make_receipt([(self.bolt, 20)])
        with trap_messages(self.env) as trap:
            receipt.scheduled_date = fields.Datetime.now() + timedelta(days=3)
            receipt.move_ids.product_uom_qty = 25
            receipt.action_cancel()
        updates = trap.of("transfer_order.update")
        self.assertEqual([m.get_payload_json()["sequence"] for m in updates], [2, 3])
        self.assertEqual(updates[-1].get_payload_json()["lines"][0]["quantity"], 25.0)
        cancel = trap.assert_queued(
            "transfer_order.cancel", {"transfer": receipt.name, "sequence": 4}
        )
        for message in updates | cancel:
            self.assert_schema(message)

    def test_changes_applied_from_the_wms_are_not_sent_back(self):
        receipt = self.make_receipt([(self.bolt, 20)])
        with trap_messages(self.env) as trap:
            applied_from(receipt, self.wms).scheduled_date = fields.Datetime.now()
        trap.assert_nothing_queued()

    def test_routing_per_operation_type(self):
        """Deliveries of the warehouse go to a second WMS by an earlier rule; a transfer no
        rule routes stays in Odoo."""
        wizard = self.env["integration.connect"].create(
            {"system_type": "wms", "name": "3PL", "code": "WMS_3PL", "environment": "test"}
        )
        third_party, _secret = wizard._connect()
        third_party.flow_ids.action_approve()
        third_party.flow_ids.action_activate()
        self.env["integration.wms.route"].create(
            {
                "sequence": 1,
                "endpoint_id": third_party.id,
                "picking_type_id": self.warehouse.out_type_id.id,
            }
        )
        delivery = self.make_delivery([(self.bolt, 5)])
        receipt = self.make_receipt([(self.bolt, 5)])
        self.assertEqual(delivery.wms_endpoint_id, third_party)
        self.assertEqual(receipt.wms_endpoint_id, self.wms)
        self.route.active = False
        with trap_messages(self.env) as trap:
            other = self.make_receipt([(self.bolt, 5)])
        trap.assert_nothing_queued()
        self.assertFalse(other.wms_transfer)

    def test_internal_transfer_released(self):
        shelf = self.env["stock.location"].create(
            {"name": "Shelf A", "location_id": self.stock.id, "barcode": "WH-SHELF-A"}
        )
        with trap_messages(self.env) as trap:
            move = self.make_transfer(
                self.warehouse.int_type_id,
                self.customer,
                [(self.bolt, 7)],
                location_id=self.stock.id,
                location_dest_id=shelf.id,
            )
        message = trap.assert_queued(
            "transfer_order.release",
            {
                "transfer": move.name,
                "operation": "internal",
                "source_location": "WH-STOCK",
                "destination_location": "WH-SHELF-A",
            },
        )
        self.assert_schema(message)
