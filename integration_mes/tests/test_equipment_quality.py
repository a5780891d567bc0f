from odoo.tests import tagged

from .common import MesCase


@tagged("post_install", "-at_install")
class TestEquipmentEvents(MesCase):
    def event(self, message_id, state, start, end=None, reason=None, work_center="WELD"):
        return self.receive(
            "equipment.event",
            {
                "message_id": message_id,
                "sent_at": start,
                "work_center": work_center,
                "state": state,
                "reason": reason,
                "start": start,
                "end": end,
            },
        )

    def logs(self):
        return self.env["mrp.workcenter.productivity"].search(
            [("workcenter_id", "=", self.plant["welding"].id)], order="date_start"
        )

    def test_events_become_time_logs_with_their_loss_and_close_each_other(self):
        welding = self.plant["welding"]
        self.event("ev-1", "running", "2025-03-03T06:00:00Z", "2025-03-03T08:00:00Z")
        self.event(
            "ev-2", "idle", "2025-03-03T08:00:00Z", "2025-03-03T08:15:00Z", "Setup and Adjustments"
        )
        self.event("ev-3", "down", "2025-03-03T09:00:00Z", reason="Spindle jam")
        self.run_queue()
        running, idle, down = self.logs()
        self.assertEqual((running.loss_type, running.duration), ("productive", 120))
        self.assertEqual((idle.loss_id, idle.duration), (self.env.ref("mrp.block_reason2"), 15))
        self.assertEqual(down.loss_id, self.env.ref("mrp.block_reason1"))
        self.assertFalse(down.date_end)
        self.assertEqual(welding.working_state, "blocked")
        # Back up: the open breakdown ends when the next event starts; a redelivery changes nothing.
        self.event("ev-4", "running", "2025-03-03T09:45:00Z")
        self.receive(
            "equipment.event",
            {
                "message_id": "ev-4",
                "work_center": "WELD",
                "state": "running",
                "start": "2025-03-03T09:45:00Z",
            },
            idempotency_key="ev-4-again",
        )
        self.run_queue()
        self.assertEqual(len(self.logs()), 4)
        self.assertEqual(down.duration, 45)
        if "maintenance.request" in self.env:
            request = self.env["maintenance.request"].search([("name", "like", "Spindle jam")])
            self.assertEqual(request.maintenance_type, "corrective")

    def test_unknown_work_center_or_state_is_an_exception(self):
        unknown = self.event("ev-9", "running", "2025-03-03T06:00:00Z", work_center="NOPE")
        bad_state = self.event("ev-10", "exploded", "2025-03-03T06:00:00Z")
        self.run_queue()
        self.assertEqual((unknown.state, bad_state.state), ("failed", "failed"))
        self.assertIn("Unknown work center NOPE", unknown.error)
        self.assertIn("state must be one of running, idle, down", bad_state.error)
        self.assertFalse(self.logs())


@tagged("post_install", "-at_install")
class TestQualityResults(MesCase):
    def quality(self, message_id, lot, verdict, work_order=None, sequence=None, value=7.9):
        payload = {
            "message_id": message_id,
            "sent_at": "2025-03-03T10:00:00Z",
            "lot": lot,
            "test": "Weld seam tensile",
            "value": value,
            "unit": "kN",
            "result": verdict,
        }
        if work_order:
            payload.update(work_order=work_order, sequence=sequence)
        return self.receive("quality.result", payload)

    def test_results_are_recorded_on_the_lot_and_a_failure_alerts_the_quality_team(self):
        inspector = self.env["res.users"].create({"name": "Ines Inspector", "login": "ines"})
        self.mes.mes_quality_user_id = inspector
        order = self.make_order(4)
        # The failed test (sequence 2) arrives before the run that made its lot (sequence 1).
        failed = self.quality("q-2", "F-7", "fail", order.name, 2, value=3.1)
        self.result(order, 1, produced=4, lot="F-7", final=True)
        passed = self.quality("q-3", "P-100", "pass")
        self.run_queue()
        self.assertEqual((failed.state, passed.state), ("done", "done"), failed.error)
        results = self.env["integration.mes.quality.result"].search([], order="message_id")
        bad, good = results
        lot = self.lot(self.plant["frame"], "F-7")
        self.assertEqual((bad.lot_id, bad.production_id, bad.passed), (lot, order, False))
        self.assertEqual((bad.value, bad.unit), (3.1, "kN"))
        self.assertEqual(
            (good.lot_id.name, good.passed, good.exception_id),
            ("P-100", True, good.exception_id.browse()),
        )
        exception = bad.exception_id
        self.assertEqual((exception.category, exception.severity), ("quality", "high"))
        self.assertEqual(exception.user_id, inspector)
        self.assertIn("Weld seam tensile failed on lot F-7", exception.error)
        self.assertEqual(exception.activity_ids.user_id, inspector)
        self.assertEqual(exception.state, "new")
        self.assertIn("failed quality test", exception.explanation)
        self.assertIn("Quality team", exception.suggested_action)
        self.assertEqual(order.mes_work_order_id.last_sequence, 2)

    def test_unknown_lot_is_an_exception(self):
        unknown = self.quality("q-9", "NO-SUCH-LOT", "fail")
        self.run_queue()
        self.assertEqual(unknown.state, "failed")
        self.assertIn("Unknown lot NO-SUCH-LOT", unknown.error)
        self.assertFalse(self.env["integration.mes.quality.result"].search([]))
