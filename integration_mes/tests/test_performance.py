from odoo.tests import tagged

from .common import MesCase


@tagged("post_install", "-at_install")
class TestPerformance(MesCase):
    def setUp(self):
        super().setUp()
        self.order = self.make_order(10)
        self.frame, self.tube, self.paint = (self.plant[k] for k in ("frame", "tube", "paint"))
        self.p100 = self.lot(self.paint, "P-100")

    def consume(self, tubes, paint, lot="P-100"):
        return [
            {"product": "TUBE", "quantity": tubes},
            {"product": "PAINT", "quantity": paint, "lot": lot},
        ]

    def test_partial_results_then_final_complete_the_order(self):
        first = self.result(
            self.order,
            1,
            produced=4,
            lot="F-1",
            consumed=self.consume(8, 2),
            scrap=[{"product": "TUBE", "quantity": 1, "reason": "Bent"}],
        )
        self.run_queue()
        self.assertEqual(first.state, "done", first.error)
        work_order = self.order.mes_work_order_id
        done, backorder = work_order.production_ids.sorted("id")
        self.assertEqual((done.state, done.qty_produced), ("done", 4))
        self.assertEqual((backorder.state, backorder.product_qty), ("confirmed", 6))
        self.assertEqual(backorder.mes_work_order_id, work_order)
        final = self.result(
            self.order, 2, produced=6, lot="F-2", final=True, consumed=self.consume(12, 3, "P-101")
        )
        self.run_queue()
        self.assertEqual(final.state, "done", final.error)
        self.assertEqual(set(work_order.production_ids.mapped("state")), {"done"})
        self.assertEqual(work_order.state, "completed")
        self.assertEqual(work_order.last_sequence, 2)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 4)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-2")), 6)
        self.assertEqual(self.on_hand(self.tube), 100 - 8 - 1 - 12)
        self.assertEqual(self.on_hand(self.paint, self.p100), 18)
        self.assertEqual(self.on_hand(self.paint, self.lot(self.paint, "P-101")), 17)
        scrap = work_order.performance_ids.scrap_ids
        self.assertEqual((scrap.product_id, scrap.scrap_qty, scrap.state), (self.tube, 1, "done"))
        self.assertEqual(scrap.scrap_reason_tag_ids.name, "Bent")

    def assertUntouched(self, order):
        """No effect at all: the order still waits for its 10 frames, stock as it was."""
        self.assertEqual(order.mes_work_order_id.production_ids, order)
        self.assertEqual((order.state, order.qty_produced), ("confirmed", 0))
        self.assertFalse(order.mes_work_order_id.performance_ids)
        self.assertFalse(self.env["stock.scrap"].search([("production_id", "=", order.id)]))
        self.assertEqual(self.on_hand(self.tube), 100)
        self.assertEqual(self.on_hand(self.paint, self.p100), 20)
        self.assertFalse(self.lot(self.frame, "F-1"))
        self.assertEqual(order.mes_work_order_id.last_sequence, 0)

    def test_a_result_delivered_twice_is_applied_once(self):
        first = self.result(self.order, 1, produced=4, lot="F-1", consumed=self.consume(8, 2))
        # The same message again under another delivery key (e.g. through another transport).
        again = self.result(
            self.order,
            1,
            produced=4,
            lot="F-1",
            consumed=self.consume(8, 2),
            idempotency_key="redelivered-1",
        )
        # And the same sequence number again under a new message id: a no-op, not an error.
        same_sequence = self.result(self.order, 1, produced=4, lot="F-1", message_id="mes-resent-1")
        self.run_queue()
        self.assertEqual((first | again | same_sequence).mapped("state"), ["done"] * 3)
        work_order = self.order.mes_work_order_id
        self.assertEqual(len(work_order.performance_ids), 1)
        self.assertEqual(work_order._produced_quantity(), 4)
        self.assertEqual(self.on_hand(self.tube), 92)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 4)

    def test_a_gap_waits_for_the_missing_result_then_both_apply_in_order(self):
        second = self.result(self.order, 2, produced=3, lot="F-2", consumed=self.consume(6, 1.5))
        self.run_queue()
        self.assertEqual(second.state, "waiting")
        self.assertEqual(
            (second.waiting_model, second.waiting_code),
            ("integration.sequence", f"{self.order.mes_work_order_id.name}#1"),
        )
        self.assertUntouched(self.order)
        first = self.result(self.order, 1, produced=4, lot="F-1", consumed=self.consume(8, 2))
        self.run_queue()
        self.assertEqual(first.state, "done", first.error)
        self.assertEqual(second.state, "done", second.error)
        work_order = self.order.mes_work_order_id
        self.assertEqual(work_order.performance_ids.mapped("sequence"), [1, 2])
        self.assertEqual(work_order._produced_quantity(), 7)
        self.assertEqual(work_order._open_production().product_qty, 3)
        self.assertEqual(self.on_hand(self.tube), 86)
        self.assertEqual(second.exception_id.state, "resolved")

    def test_a_gap_past_the_flow_deadline_becomes_an_exception(self):
        self.flows["production.performance"].waiting_deadline_minutes = 0
        second = self.result(self.order, 2, produced=3, lot="F-2")
        self.run_queue()
        self.assertEqual(second.state, "waiting")
        self.env.cr.execute(
            "UPDATE integration_message SET waiting_deadline = now() AT TIME ZONE 'UTC'"
            " - interval '1 minute' WHERE id = %s",
            [second.id],
        )
        second.invalidate_recordset()
        self.env["integration.message"]._expire_waiting()
        self.assertEqual(second.state, "failed")
        self.assertIn(f"{self.order.mes_work_order_id.name}#1", second.error)
        self.assertEqual(second.exception_id.severity, "high")
        self.assertUntouched(self.order)

    def test_a_result_for_an_order_not_released_yet_waits_for_the_release(self):
        draft = self.make_order(5, confirm=False)
        early = self.result(
            draft, 1, produced=5, lot="F-9", final=True, consumed=self.consume(10, 2.5)
        )
        self.run_queue()
        self.assertEqual(early.state, "waiting")
        self.assertEqual((early.waiting_model, early.waiting_code), ("mrp.production", draft.name))
        self.assertEqual(early.exception_id.category, "missing_master_data")
        draft.action_confirm()
        early.invalidate_recordset()
        self.assertEqual(early.state, "pending")
        self.run_queue()
        self.assertEqual(early.state, "done", early.error)
        self.assertEqual((draft.state, draft.qty_produced), ("done", 5))
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-9")), 5)

    def test_over_production_is_refused_without_any_effect(self):
        over = self.result(
            self.order,
            1,
            produced=11,
            lot="F-1",
            consumed=self.consume(22, 5),
            scrap=[{"product": "TUBE", "quantity": 1}],
        )
        self.run_queue()
        self.assertEqual(over.state, "failed")
        self.assertIn("over-production: 11.0 Units produced in all, 10.0 planned", over.error)
        self.assertEqual(over.exception_id.category, "validation")
        self.assertUntouched(self.order)

    def test_over_production_within_the_tolerance_is_applied(self):
        self.mes.mes_overproduction_tolerance = 10
        within = self.result(self.order, 1, produced=11, lot="F-1", consumed=self.consume(22, 5))
        self.run_queue()
        self.assertEqual(within.state, "done", within.error)
        self.assertEqual((self.order.state, self.order.qty_produced), ("done", 11))
        self.assertEqual(self.order.mes_work_order_id.state, "completed")
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 11)

    def test_unknown_components_and_lots_are_refused_together(self):
        bad = self.result(
            self.order,
            1,
            produced=4,
            lot="F-1",
            consumed=[
                {"product": "TUBE", "quantity": 8},
                {"product": "BOLT-X", "quantity": 4},
                {"product": "PAINT", "quantity": 2, "lot": "P-999"},
                {"product": "PAINT", "quantity": 1},
            ],
        )
        self.run_queue()
        self.assertEqual(bad.state, "failed")
        self.assertIn("BOLT-X is not a component of order", bad.error)
        self.assertIn("unknown lot P-999 of [PAINT] Paint", bad.error)
        self.assertIn("[PAINT] Paint is tracked by lot: report its lot", bad.error)
        self.assertUntouched(self.order)

    def test_results_for_done_or_cancelled_orders_are_refused(self):
        self.result(self.order, 1, produced=10, lot="F-1", final=True, consumed=self.consume(20, 5))
        self.run_queue()
        self.assertEqual(self.order.state, "done")
        late = self.result(self.order, 2, produced=1, lot="F-1")
        cancelled_order = self.make_order(3)
        cancelled_order.action_cancel()
        for_cancelled = self.result(cancelled_order, 1, produced=3, lot="F-3")
        self.run_queue()
        self.assertEqual((late.state, for_cancelled.state), ("failed", "failed"))
        self.assertIn("is already done in Odoo", late.error)
        self.assertIn("was cancelled in Odoo", for_cancelled.error)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 10)
        self.assertFalse(self.lot(self.frame, "F-3"))

    def test_a_bare_completion_after_the_full_quantity_is_a_no_op(self):
        self.result(self.order, 1, produced=10, lot="F-1", consumed=self.consume(20, 5))
        closing = self.result(self.order, 2, final=True)
        self.run_queue()
        self.assertEqual(closing.state, "done", closing.error)
        self.assertEqual(self.order.mes_work_order_id.last_sequence, 2)

    def test_a_final_result_short_of_the_plan_closes_the_order(self):
        self.result(self.order, 1, produced=4, lot="F-1", consumed=self.consume(8, 2))
        short = self.result(self.order, 2, final=True)
        self.run_queue()
        self.assertEqual(short.state, "done", short.error)
        productions = self.order.mes_work_order_id.production_ids.sorted("id")
        self.assertEqual(productions.mapped("state"), ["done", "cancel"])
        self.assertEqual(self.order.mes_work_order_id.state, "completed")

    def test_scrapped_frames_and_operation_times(self):
        weld = self.order.workorder_ids
        applied = self.result(
            self.order,
            1,
            produced=5,
            lot="F-1",
            final=True,
            consumed=self.consume(10, 2.5),
            scrap=[{"product": "FRAME", "quantity": 1, "lot": "F-1", "reason": "Crack"}],
            operations=[
                {
                    "operation_id": str(weld.operation_id.id),
                    "start": "2025-03-03T06:00:00Z",
                    "end": "2025-03-03T07:30:00+00:00",
                }
            ],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 4)
        self.assertEqual(weld.duration, 90)
        self.assertEqual(weld.state, "done")

    def test_malformed_results_are_refused_with_every_problem_named(self):
        bad = self.receive(
            "production.performance",
            {"message_id": "bad-1", "sequence": 0, "produced": [{"quantity": -2}], "final": "yes"},
        )
        not_json_object = self.receive("production.performance", "[1, 2]")
        self.run_queue()
        self.assertEqual((bad.state, not_json_object.state), ("failed", "failed"))
        for problem in (
            "work_order must be a non-empty text",
            "sequence must be an integer of at least 1",
            "final must be true or false",
            "produced[0].quantity must be positive",
        ):
            self.assertIn(problem, bad.error)
        self.assertIn("must be a JSON object", not_json_object.error)

    def test_consumption_is_what_the_mes_reported_not_the_bill_of_materials(self):
        applied = self.result(
            self.order, 1, produced=4, lot="F-1", consumed=[{"product": "TUBE", "quantity": 9}]
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        self.assertEqual(self.on_hand(self.tube), 91)
        self.assertEqual(self.on_hand(self.paint), 40, "paint was not reported: none used")
        backorder = self.order.mes_work_order_id._open_production()
        self.assertEqual(backorder.move_raw_ids.mapped("product_uom_qty"), [12, 3])

    def test_a_unit_code_of_the_mes_is_read_through_its_cross_reference(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self.env["integration.xref"]._link(self.mes, "DZN", dozen)
        applied = self.result(
            self.order,
            1,
            produced=4,
            lot="F-1",
            consumed=[{"product": "TUBE", "quantity": 0.75, "uom": "DZN"}],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        self.assertEqual(self.on_hand(self.tube), 91, "0.75 dozen is 9 tubes")

    def test_results_out_of_order_in_one_batch_still_apply(self):
        second = self.result(self.order, 2, produced=6, lot="F-2", final=True)
        first = self.result(self.order, 1, produced=4, lot="F-1")
        self.run_queue()
        self.assertEqual((first.state, second.state), ("done", "done"), second.error)
        self.assertEqual(self.order.mes_work_order_id.state, "completed")
        self.assertEqual(self.order.mes_work_order_id._produced_quantity(), 10)

    def test_the_sweep_wakes_a_result_whose_predecessor_was_applied_elsewhere(self):
        second = self.result(self.order, 2, produced=6, lot="F-2")
        self.run_queue()
        self.assertEqual(second.state, "waiting")
        Message = self.env["integration.message"]
        Message._resume_available()
        self.assertEqual(second.state, "waiting", "result 1 is still missing")
        # A concurrent worker applied result 1 while this one was parking result 2.
        work_order = self.order.mes_work_order_id
        self.env["integration.sequence.gate"]._lock(work_order.endpoint_id, work_order.name).write(
            {"last_sequence": 1}
        )
        Message._resume_available()
        second.invalidate_recordset()
        self.assertEqual(second.state, "pending")
