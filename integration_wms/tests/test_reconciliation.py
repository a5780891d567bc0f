import json
from datetime import timedelta
from pathlib import Path

import jsonschema

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.integration_core.tests.helpers import play_inbound, trap_messages

SCHEMA = Path(__file__).parent.parent / "schemas" / "inventory.snapshot.json"
SNAPSHOT_FLOWS = ("inventory.snapshot", "inventory.snapshot.request")


@tagged("post_install", "-at_install")
class TestWmsReconciliation(IntegrationCase):
    """Inventory snapshots from the WMS, compared with Odoo's stock at their time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = new_test_user(
            cls.env,
            login="wms_service",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.manager = new_test_user(
            cls.env, login="wms_recon_manager", groups="integration_core.group_integration_manager"
        )
        wizard = cls.env["integration.connect"].create(
            {
                "system_type": "wms",
                "name": "Plant WMS",
                "code": "WMS1",
                "service_user_id": cls.service.id,
            }
        )
        cls.wms, _secret = wizard._connect()
        flows = cls.wms.flow_ids.filtered(lambda f: f.code in SNAPSHOT_FLOWS)
        flows.action_approve()
        flows.action_activate()
        cls.snapshot_flow = flows.filtered(lambda f: f.code == "inventory.snapshot")
        cls.warehouse = cls.env.ref("stock.warehouse0")
        cls.stock = cls.warehouse.lot_stock_id
        cls.stock.barcode = "WH-STOCK"
        Product = cls.env["product.product"]
        values = {"is_storable": True, "type": "consu"}
        cls.chair = Product.create(
            dict(values, name="Chair", default_code="FURN_8888", standard_price=10)
        )
        cls.desk = Product.create(
            dict(values, name="Desk", default_code="FURN_7777", standard_price=5)
        )
        cls.lamp = Product.create(
            dict(values, name="Lamp", default_code="FURN_LOT", standard_price=20, tracking="lot")
        )
        cls.shelf = Product.create(
            dict(values, name="Shelf", default_code="FURN_6666", standard_price=1)
        )
        cls.lot = cls.env["stock.lot"].create({"name": "LOT-1", "product_id": cls.lamp.id})
        cls.as_of = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)

    def put(self, product, quantity, lot=None):
        """Odoo holds ``quantity`` more of ``product`` in WH/Stock (no move: it was there)."""
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock, quantity, lot_id=lot
        )

    def adjust(self, product, quantity):
        """An inventory adjustment of ``product`` in WH/Stock to ``quantity``, done now."""
        quant = self.env["stock.quant"]._gather(product, self.stock, strict=True)[:1]
        quant.inventory_quantity = quantity
        quant.action_apply_inventory()

    def quantity(self, product, lot=None):
        return self.env["stock.quant"]._get_available_quantity(
            product, self.stock, lot_id=lot, strict=True
        )

    def payload(self, snapshot_id, lines, as_of=None, **extra):
        as_of = as_of or self.as_of
        return {
            "message_id": extra.pop("message_id", f"{snapshot_id}-{extra.get('chunk', 1)}"),
            "sent_at": fields.Datetime.to_string(as_of + timedelta(seconds=5)).replace(" ", "T")
            + "Z",
            "snapshot_id": snapshot_id,
            "as_of": fields.Datetime.to_string(as_of).replace(" ", "T") + "Z",
            "scope": extra.pop("scope", "full"),
            "warehouse": "WH",
            "lines": lines,
            **extra,
        }

    def send(self, snapshot_id, lines, **extra):
        payload = self.payload(snapshot_id, lines, **extra)
        return play_inbound(self.env, "WMS1", "inventory.snapshot", payload, self.service)

    def run_of(self, snapshot_id):
        return self.env["integration.reconciliation.run"].search(
            [("endpoint_id", "=", self.wms.id), ("name", "=", snapshot_id)]
        )

    def line(self, run, product):
        return run.line_ids.filtered(lambda line: line.product_id == product)

    def test_a_snapshot_with_three_differences_approved_makes_the_quants_match(self):
        self.put(self.chair, 10)
        self.put(self.desk, 5)
        self.put(self.shelf, 7)
        message = self.send(
            "SNAP-1",
            [
                {"product": "FURN_8888", "location": "WH-STOCK", "quantity": 12.0, "unit": "Units"},
                {"product": "FURN_LOT", "location": "WH-STOCK", "lot": "LOT-1", "quantity": 4},
                {"product": "FURN_6666", "location": "WH-STOCK", "quantity": 7},
            ],
        )
        run = self.run_of("SNAP-1")
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual((run.state, run.entity, run.scope), ("to_review", "stock.balance", "WH"))
        figures = {
            line.product_id.default_code: (
                line.status,
                line.difference_quantity,
                line.difference_value,
            )
            for line in run.line_ids
        }
        self.assertEqual(
            figures,
            {
                "FURN_8888": ("different", 2, 20),
                "FURN_7777": ("missing_external", -5, -25),
                "FURN_LOT": ("missing_odoo", 4, 80),
                "FURN_6666": ("matched", 0, 0),
            },
        )
        self.assertEqual(self.line(run, self.lamp).lot_id, self.lot)
        self.assertEqual(self.line(run, self.chair).location_id, self.stock)
        self.assertEqual(len(run.exception_ids), 3, "one card per cause")
        self.assertEqual(run.gross_difference_value, 125)
        wizard = (
            self.env["integration.reconciliation.decide"]
            .with_user(self.manager)
            .create({"run_id": run.id})
        )
        wizard.action_confirm()
        self.assertEqual(
            (
                self.quantity(self.chair),
                self.quantity(self.desk),
                self.quantity(self.lamp, self.lot),
            ),
            (12, 0, 4),
        )
        self.assertEqual(self.quantity(self.shelf), 7)
        moves = self.env["stock.move"].search([("integration_reconciliation_run_id", "=", run.id)])
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertTrue(all(moves.mapped("is_inventory")))
        for line in run.difference_ids:
            self.assertEqual(line.decision, "applied")
            self.assertEqual(line.decided_by_id, self.manager)
            move = line._correction_records()
            self.assertEqual(move._name, "stock.move")
            self.assertEqual(move.integration_reconciliation_line_id, line)
            self.assertEqual(move.product_id, line.product_id)
            self.assertIn("Reconciliation WMS1 SNAP-1", move.name)
        self.assertEqual(
            (run.state, set(run.exception_ids.mapped("state"))), ("done", {"resolved"})
        )

    def test_moves_done_after_the_snapshot_time_are_not_differences(self):
        self.put(self.chair, 10)
        self.put(self.desk, 2)
        self.adjust(self.desk, 5)  # before the snapshot's time: counted
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_move_line SET date = %s WHERE product_id = %s",
            [self.as_of - timedelta(hours=1), self.desk.id],
        )
        self.adjust(self.chair, 7)  # after it: Odoo had 10 at that time
        self.send(
            "SNAP-1",
            [
                {"product": "FURN_8888", "location": "WH-STOCK", "quantity": 10},
                {"product": "FURN_7777", "location": "WH-STOCK", "quantity": 5},
            ],
        )
        run = self.run_of("SNAP-1")
        self.assertEqual((run.state, run.matched_rate), ("done", 100.0))
        self.assertFalse(run.exception_ids)
        # A difference at that time corrects today's quantity by the difference only.
        self.send(
            "SNAP-2",
            [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 12}],
            scope="partial",
        )
        later = self.run_of("SNAP-2")
        self.assertEqual(
            (self.line(later, self.chair).odoo_quantity, later.different_count), (10, 1)
        )
        later._approve_lines(later.line_ids)
        self.assertEqual(self.quantity(self.chair), 9, "7 today + 2 missing at the snapshot")

    def test_an_unknown_product_parks_the_snapshot_until_it_is_known(self):
        payload = [
            {"product": "FURN_8888", "location": "WH-STOCK", "quantity": 1},
            {"product": "NEW_1", "location": "WH-STOCK", "quantity": 3},
        ]
        message = self.send("SNAP-1", payload)
        self.assertEqual(message.state, "waiting")
        self.assertEqual(
            (message.waiting_model, message.waiting_code), ("product.product", "NEW_1")
        )
        self.assertEqual(message.exception_id.category, "missing_master_data")
        self.assertFalse(self.run_of("SNAP-1"), "nothing stored while it waits")
        product = self.env["product.product"].create(
            {"name": "New chair", "is_storable": True, "standard_price": 2}
        )
        self.env["integration.xref"]._link(self.wms, "NEW_1", product)
        self.assertEqual(message.state, "pending", "resumed by the cross-reference")
        self.run_queue()
        self.assertEqual(message.state, "done", message.error)
        run = self.run_of("SNAP-1")
        self.assertEqual(self.line(run, product).status, "missing_odoo")
        self.assertEqual(message.exception_id.state, "resolved")

    def test_an_unknown_lot_still_unknown_after_the_deadline_becomes_an_exception(self):
        message = self.send(
            "SNAP-1",
            [{"product": "FURN_LOT", "location": "WH-STOCK", "lot": "LOT-X", "quantity": 1}],
        )
        self.assertEqual(
            (message.state, message.waiting_model, message.waiting_code),
            ("waiting", "stock.lot", "LOT-X"),
        )
        message.sudo().waiting_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["integration.message"]._expire_waiting()
        self.assertEqual(message.state, "failed")
        self.assertIn("Still no stock.lot LOT-X", message.error)
        self.assertEqual(
            (message.exception_id.category, message.exception_id.severity),
            ("missing_master_data", "high"),
        )

    def test_a_snapshot_older_than_one_compared_is_refused(self):
        self.put(self.chair, 10)
        self.send("SNAP-2", [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 10}])
        stale = self.send(
            "SNAP-1",
            [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 99}],
            as_of=self.as_of - timedelta(hours=1),
        )
        self.assertEqual(stale.state, "failed")
        self.assertIn("is older than statement SNAP-2", stale.error)
        self.assertIn("nothing was changed", stale.error)
        self.assertFalse(self.run_of("SNAP-1"))
        self.assertEqual(self.quantity(self.chair), 10)

    def test_the_same_snapshot_twice_is_applied_once(self):
        self.put(self.chair, 10)
        lines = [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 4}]
        first = self.send("SNAP-1", lines, chunk=1, chunks=2)
        again = self.send("SNAP-1", lines, chunk=1, chunks=2)
        self.assertEqual(again, first, "the same message_id is the same message")
        resent = self.send("SNAP-1", lines, chunk=1, chunks=2, message_id="SNAP-1-1-resent")
        self.assertEqual(resent.state, "done")
        self.send(
            "SNAP-1",
            [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 2}],
            chunk=2,
            chunks=2,
        )
        run = self.run_of("SNAP-1")
        self.assertEqual(self.line(run, self.chair).external_quantity, 6, "4 once, plus 2")
        self.assertEqual(len(run.chunk_ids), 2)

    def test_units_are_converted_and_foreign_locations_refused(self):
        self.put(self.chair, 12)
        dozen = self.env.ref("uom.product_uom_dozen")
        ok = self.send(
            "SNAP-1",
            [{"product": "FURN_8888", "location": "WH-STOCK", "quantity": 1, "unit": dozen.name}],
        )
        self.assertEqual(ok.state, "done", ok.error)
        self.assertEqual(self.line(self.run_of("SNAP-1"), self.chair).status, "matched")
        customers = self.env.ref("stock.stock_location_customers")
        customers.barcode = "CUSTOMERS"
        wrong = self.send(
            "SNAP-2",
            [
                {"product": "FURN_8888", "location": "CUSTOMERS", "quantity": 1},
                {"product": "FURN_8888", "location": "WH-STOCK", "quantity": 1, "unit": "kg"},
            ],
        )
        self.assertEqual(wrong.state, "failed")
        self.assertIn(
            "lines[0]: location CUSTOMERS is not a stock location of warehouse WH", wrong.error
        )
        self.assertIn("lines[1]: unit kg cannot measure FURN_8888", wrong.error)

    def test_snapshots_are_requested_on_schedule(self):
        self.snapshot_flow.reconcile_interval_hours = 12
        with trap_messages(self.env) as trap:
            self.env["integration.reconciliation.run"]._cron_request_statements()
        trap.assert_queued("inventory.snapshot.request", {"warehouse": "WH", "scope": "full"})

    def test_the_documented_payload_matches_its_schema(self):
        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        payload = self.payload(
            "SNAP-20261207-1",
            [
                {
                    "product": "FURN_8888",
                    "location": "WH-STOCK",
                    "lot": "LOT-1",
                    "quantity": 12.0,
                    "unit": "Units",
                }
            ],
            chunk=1,
            chunks=2,
        )
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(payload)]
        self.assertEqual(errors, [])
        entry = self.env.ref("integration_wms.catalog_inventory_snapshot")
        self.assertEqual(json.loads(entry.json_schema), schema)
        self.assertEqual(self.snapshot_flow.reconciler, "integration.wms.stock.reconciler")
