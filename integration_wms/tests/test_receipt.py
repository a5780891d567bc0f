from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue

from .common import WmsCase


@tagged("post_install", "-at_install")
class TestReceiptConfirmation(WmsCase):
    """What the WMS received validates the receipt, as Odoo does it."""

    def test_partial_receipt_with_lots_damaged_and_backorder(self):
        receipt = self.make_receipt([(self.bolt, 20), (self.serum, 10)])
        message = self.play(
            "receipt.confirmation",
            self.confirmation(
                "receipt",
                receipt.name,
                1,
                [
                    {
                        "product": "BOLT",
                        "quantity": 12,
                        "damaged": [{"quantity": 2, "reason": "CRUSHED"}],
                        "short": [{"quantity": 6, "reason": "NOT_SHIPPED"}],
                    },
                    {
                        "product": "SERUM",
                        "quantity": 6,
                        "lots": [
                            {"lot": "S-7", "quantity": 4, "expiration_date": "2027-06-30"},
                            {"lot": "S-1", "quantity": 2},
                        ],
                    },
                ],
            ),
        )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(receipt.state, "done")
        done = {
            (
                line.product_id.default_code,
                line.lot_id.name or None,
                line.location_dest_id,
            ): line.quantity
            for line in receipt.move_line_ids
        }
        self.assertEqual(
            done,
            {
                ("BOLT", None, self.stock): 12.0,
                ("BOLT", None, self.damaged): 2.0,
                ("SERUM", "S-7", self.stock): 4.0,
                ("SERUM", "S-1", self.stock): 2.0,
            },
        )
        lot = self.env["stock.lot"].search([("name", "=", "S-7")])
        self.assertEqual(str(lot.expiration_date.date()), "2027-06-30")
        backorder = receipt.backorder_ids
        self.assertEqual(
            sorted((m.product_id.default_code, m.product_uom_qty) for m in backorder.move_ids),
            [("BOLT", 6.0), ("SERUM", 4.0)],
        )
        self.assertEqual(backorder.wms_transfer, receipt.name)
        self.assertEqual(self.quantity(self.bolt), 62.0)
        self.assertEqual(self.quantity(self.bolt, self.damaged), 2.0)

    def test_closed_receipt_leaves_no_backorder(self):
        receipt = self.make_receipt([(self.bolt, 20)])
        message = self.play(
            "receipt.confirmation",
            self.confirmation(
                "receipt", receipt.name, 1, [{"product": "BOLT", "quantity": 15}], closed=True
            ),
        )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.backorder_ids)
        self.assertEqual(receipt.move_ids.quantity, 15.0)

    def test_over_receipt_within_tolerance_only(self):
        """10 % more than ordered is accepted; more is refused and nothing is written."""
        receipt = self.make_receipt([(self.bolt, 20)])
        refused = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", receipt.name, 1, [{"product": "BOLT", "quantity": 23}]),
        )
        self.assertEqual(refused.state, "failed")
        self.assertIn("more than the 22.0 Units allowed", refused.error)
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(self.quantity(self.bolt), 50.0)
        accepted = self.play(
            "receipt.confirmation",
            dict(
                self.confirmation(
                    "receipt",
                    receipt.name,
                    1,
                    [{"product": "BOLT", "quantity": 22, "over": [{"quantity": 2, "reason": "X"}]}],
                ),
                message_id="wms:receipt:again",
            ),
        )
        self.assertEqual(accepted.state, "done", accepted.error)
        self.assertEqual(self.quantity(self.bolt), 72.0)

    def test_bad_quantities_refused_with_every_problem(self):
        receipt = self.make_receipt([(self.bolt, 20), (self.serum, 5)])
        message = self.play(
            "receipt.confirmation",
            self.confirmation(
                "receipt",
                receipt.name,
                1,
                [
                    {"product": "SERUM", "quantity": 5},
                    {"product": "SCAN", "quantity": 1, "lots": [{"lot": "N1", "quantity": 1}]},
                    {"product": "BOLT", "quantity": 1, "unit": "kg"},
                ],
            ),
        )
        self.assertEqual(message.state, "failed")
        self.assertIn("Serum is tracked by lot or serial: list its lots", message.error)
        self.assertIn("Scanner is not on transfer", message.error)
        self.assertIn("unit kg cannot measure [BOLT] Bolt", message.error)
        self.assertEqual(receipt.state, "assigned")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "N1")]))

    def test_done_or_cancelled_transfer_refused(self):
        receipt = self.make_receipt([(self.bolt, 5)])
        self.play(
            "receipt.confirmation",
            self.confirmation("receipt", receipt.name, 1, [{"product": "BOLT", "quantity": 5}]),
        )
        self.assertEqual(receipt.state, "done")
        late = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", receipt.name, 2, [{"product": "BOLT", "quantity": 1}]),
        )
        self.assertEqual(late.state, "failed")
        self.assertIn(f"transfer {receipt.name} is already done in Odoo", late.error)
        cancelled = self.make_receipt([(self.bolt, 5)])
        cancelled.action_cancel()
        refused = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", cancelled.name, 1, [{"product": "BOLT", "quantity": 5}]),
        )
        self.assertEqual(refused.state, "failed")
        self.assertIn("is already cancelled in Odoo", refused.error)
        self.assertEqual(self.quantity(self.bolt), 55.0)

    def test_duplicates_applied_once_and_gaps_wait(self):
        """The same message twice is one message; another message with a sequence already
        applied does nothing; a later sequence waits for the one before it."""
        receipt = self.make_receipt([(self.bolt, 30)])
        first = self.confirmation("receipt", receipt.name, 1, [{"product": "BOLT", "quantity": 10}])
        third = self.confirmation("receipt", receipt.name, 3, [{"product": "BOLT", "quantity": 5}])
        waiting = self.play("receipt.confirmation", third)
        self.assertEqual(waiting.state, "waiting")
        self.play("receipt.confirmation", first)
        again = self.play("receipt.confirmation", first)
        self.assertEqual(
            again,
            self.env["integration.message"].search([("idempotency_key", "=", first["message_id"])]),
        )
        replayed = self.play("receipt.confirmation", dict(first, message_id="wms:resent:1"))
        self.assertEqual(replayed.state, "done")
        self.assertEqual(self.quantity(self.bolt), 60.0)
        self.assertEqual(waiting.state, "waiting")
        self.play(
            "receipt.confirmation",
            self.confirmation("receipt", receipt.name, 2, [{"product": "BOLT", "quantity": 8}]),
        )
        waiting.invalidate_recordset()
        self.assertEqual(waiting.state, "done", waiting.error)
        self.assertEqual(self.quantity(self.bolt), 73.0)
        chain = self.env["stock.picking"].search([("wms_transfer", "=", receipt.name)], order="id")
        self.assertEqual(
            [(p.state, p.move_ids.quantity) for p in chain],
            [("done", 10.0), ("done", 8.0), ("done", 5.0), ("assigned", 7.0)],
        )

    def test_unknown_product_waits_then_resumes(self):
        """An unknown product parks the confirmation until a cross-reference names it."""
        receipt = self.make_receipt([(self.bolt, 5)])
        message = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", receipt.name, 1, [{"product": "NUT", "quantity": 5}]),
        )
        self.assertEqual((message.state, message.waiting_code), ("waiting", "NUT"))
        self.assertEqual(receipt.state, "assigned")
        self.env["integration.xref"].create(
            {
                "endpoint_id": self.wms.id,
                "model": "product.product",
                "external_code": "NUT",
                "res_id": self.bolt.id,
            }
        )
        run_queue(self.env)
        message.invalidate_recordset()
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(receipt.state, "done")

    def test_unknown_transfer_waits_then_expires_to_an_exception(self):
        message = self.play(
            "receipt.confirmation",
            self.confirmation("receipt", "WH/IN/NOPE", 1, [{"product": "BOLT", "quantity": 1}]),
        )
        self.assertEqual((message.state, message.waiting_model), ("waiting", "stock.picking"))
        self.env.cr.execute(
            "UPDATE integration_message SET waiting_deadline = now() - interval '1 minute'"
            " WHERE id = %s",
            [message.id],
        )
        self.env["integration.message"].invalidate_model()
        self.env["integration.message"]._expire_waiting()
        message.invalidate_recordset()
        self.assertEqual(message.state, "failed")
        exception = self.env["integration.exception"].search(
            [("integration_message_ids", "in", message.ids)]
        )
        self.assertEqual(exception.category, "missing_master_data")

    def test_damaged_goods_need_a_damaged_goods_location(self):
        self.route.damaged_location_id = False
        receipt = self.make_receipt([(self.bolt, 10)])
        message = self.play(
            "receipt.confirmation",
            self.confirmation(
                "receipt",
                receipt.name,
                1,
                [{"product": "BOLT", "quantity": 8, "damaged": [{"quantity": 2, "reason": "X"}]}],
            ),
        )
        self.assertEqual(message.state, "failed")
        self.assertIn("names no damaged-goods location", message.error)
        self.assertEqual(receipt.state, "assigned")
