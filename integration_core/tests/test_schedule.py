"""Processing windows and freezes on the real queue: held messages are stored and wait, the
queue wakes itself at the opening, lifting releases the backlog in order, alerts keep quiet."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from ..lib.schedule import NEVER
from ..models.integration_window import DAY_FIELDS
from ..tools import cron_wakeup
from .common import IntegrationCase, make_integration_users

# A Monday, in UTC.
MONDAY = datetime(2025, 12, 1)


def hours(moment):
    return moment.hour + moment.minute / 60


class ScheduleCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.manager = cls.users["manager"]

    def window(self, target, start, end, days=range(7), tz="UTC"):
        """A window of ``target`` (flow or endpoint) made by a manager."""
        values = {day: index in days for index, day in enumerate(DAY_FIELDS)}
        values.update(start_hour=start, end_hour=end, tz=tz)
        values["flow_id" if target._name == "integration.flow" else "endpoint_id"] = target.id
        return self.env["integration.window"].with_user(self.manager).create(values)

    def closed_window(self, target):
        """A window opening in two hours (UTC), an hour long; return its opening."""
        opening = (fields.Datetime.now() + timedelta(hours=2)).replace(second=0)
        self.window(
            target, hours(opening), hours(opening + timedelta(hours=1)), [opening.weekday()]
        )
        return opening

    def freeze(self, target, reason="Cutover weekend", **values):
        """A freeze of ``target`` (flow or endpoint) set by a manager."""
        field = "flow_id" if target._name == "integration.flow" else "endpoint_id"
        return (
            self.env["integration.freeze"]
            .with_user(self.manager)
            .create(dict({field: target.id, "name": reason}, **values))
        )

    def enqueue(self, *refs, flow=None):
        Message = self.env["integration.message"]
        return Message.browse(
            [
                message.id
                for message, _created in Message.enqueue_batch(
                    flow or self.flow,
                    [{"payload": {"ref": ref, "name": f"Name {ref}"}} for ref in refs],
                )
            ]
        )

    def posted(self, record, text):
        """The chatter messages of ``record`` that say ``text``."""
        return record.message_ids.filtered(lambda m: text in (m.body or ""))

    def triggers(self, xmlid, at):
        cron = self.env.ref(xmlid)
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id), ("call_at", "=", at)])

    def timers_asked(self, at):
        """Times this process's timer was asked to wake the cron workers at, after the commit."""
        return [
            func.args[1]
            for func in self.env.cr.postcommit._funcs
            if getattr(func, "func", None) is cron_wakeup.wake_cron_workers_at
            and func.args[1] == at
        ]


@tagged("post_install", "-at_install")
class TestProcessingWindows(ScheduleCase):
    def test_outside_its_window_a_message_is_stored_and_processed_at_the_opening(self):
        opening = self.closed_window(self.flow)
        self.assertEqual(self.flow.process_from, opening)
        self.assertEqual(self.flow.hold_state, "window")
        self.assertIn("Outside its processing window", self.flow.hold_note)
        message = self.enqueue("W-1")
        self.assertEqual(self.run_queue(), 0)
        self.assertEqual((message.state, message.attempts), ("pending", 0))
        # Nobody presses anything: a runner is triggered for the opening, and the process's
        # timer wakes the cron workers then (not at their next minute's poll).
        self.assertTrue(self.triggers("integration_core.ir_cron_process_queue", opening))
        self.assertTrue(self.triggers("integration_core.ir_cron_refresh_holds", opening))
        self.assertTrue(self.timers_asked(opening))
        with freeze_time(opening):
            self.assertEqual(self.run_queue(), 1)
        self.assertEqual(message.state, "done")
        self.assertEqual(self.env["res.partner"].search([("ref", "=", "W-1")]).name, "Name W-1")

    def test_a_window_over_midnight_processes_until_it_closes_the_next_day(self):
        monday_night, tuesday_morning = MONDAY + timedelta(hours=23), MONDAY + timedelta(hours=28)
        with freeze_time(monday_night):
            self.window(self.flow, 22.0, 4.0, days=[0])  # Monday 22:00 to Tuesday 04:00
            self.assertEqual(self.flow.hold_state, "open")
            self.enqueue("M-1")
            self.assertEqual(self.run_queue(), 1)
        self.assertEqual(self.flow.process_until, tuesday_morning)
        with freeze_time(tuesday_morning - timedelta(minutes=1)):
            self.enqueue("M-2")
            self.assertEqual(self.run_queue(), 1, "03:59 on Tuesday is still Monday's night")
        with freeze_time(tuesday_morning):
            late = self.enqueue("M-3")
            self.assertEqual(self.run_queue(), 0, "closed at 04:00")
            # The hold scheduled action, woken at the close, computes the next night.
            self.env["integration.flow"]._cron_refresh_holds()
        self.assertEqual(self.flow.process_from, MONDAY + timedelta(days=7, hours=22))
        self.assertEqual(late.state, "pending")

    def test_a_flow_without_windows_follows_its_endpoints_and_its_own_replace_them(self):
        other = self.make_flow("other.flow", "integration.handler.partner")
        self.closed_window(self.endpoint)
        self.assertEqual((self.flow.hold_state, other.hold_state), ("window", "window"))
        self.assertTrue(self.flow.uses_endpoint_windows)
        self.window(other, 0.0, 24.0)  # its own: every day, all day
        self.assertEqual((self.flow.hold_state, other.hold_state), ("window", "open"))
        self.enqueue("E-1")
        self.enqueue("E-2", flow=other)
        self.assertEqual(self.run_queue(), 1)
        self.assertEqual(
            self.env["res.partner"].search([("ref", "in", ["E-1", "E-2"])]).mapped("ref"), ["E-2"]
        )

    def test_removing_the_window_opens_the_flow_and_wakes_the_queue(self):
        self.closed_window(self.flow)
        message = self.enqueue("R-1")
        before = self.env["ir.cron.trigger"].search([]).ids
        self.flow.window_ids.with_user(self.manager).unlink()
        self.assertEqual((self.flow.process_from, self.flow.process_until), (False, False))
        woken = self.env["ir.cron.trigger"].search([("id", "not in", before)])
        self.assertIn(self.env.ref("integration_core.ir_cron_process_queue"), woken.cron_id)
        self.run_queue()
        self.assertEqual(message.state, "done")


@tagged("post_install", "-at_install")
class TestFreezes(ScheduleCase):
    def test_a_freeze_holds_processing_until_lifted_and_releases_in_order(self):
        self.flow.ordering_key_path = "key"
        freeze = self.freeze(self.flow)
        self.assertEqual((self.flow.process_from, self.flow.hold_state), (NEVER, "frozen"))
        Message = self.env["integration.message"]
        messages = Message.browse(
            [
                Message.enqueue(self.flow, {"key": key, "ref": "F-1", "name": name}).id
                for key, name in [("A", "first"), ("A", "second"), ("B", "other"), ("A", "third")]
            ]
        )
        self.assertEqual(self.run_queue(), 0)
        self.assertEqual(set(messages.mapped("state")), {"pending"})
        queue = self.env.ref("integration_core.ir_cron_process_queue")
        before = self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)])
        freeze.with_user(self.manager).action_lift()
        woken = self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]) - before
        self.assertTrue(woken, "lifting wakes the queue at once")
        self.assertEqual((freeze.state, freeze.lifted_by_id), ("lifted", self.manager))
        self.assertEqual(self.flow.hold_state, "open")
        self.assertTrue(self.posted(self.flow, "Freeze lifted by"))
        self.assertEqual(self.run_queue(), 4)
        self.assertEqual(set(messages.mapped("state")), {"done"})
        tries = self.env["integration.message.attempt"].search(
            [("message_id", "in", messages.ids)], order="id"
        )
        of_key_a = [t.message_id for t in tries if t.message_id.ordering_key == "A"]
        self.assertEqual(of_key_a, list(messages.filtered(lambda m: m.ordering_key == "A")))
        self.assertEqual(self.env["res.partner"].search([("ref", "=", "F-1")]).name, "third")

    def test_a_freeze_with_an_end_lifts_itself_at_that_time(self):
        until = fields.Datetime.now().replace(second=0) + timedelta(hours=3)
        freeze = self.freeze(self.flow, date_end=until)
        self.assertEqual(self.flow.process_from, until)
        self.assertTrue(self.triggers("integration_core.ir_cron_process_queue", until))
        self.assertTrue(self.triggers("integration_core.ir_cron_refresh_holds", until))
        message = self.enqueue("T-1")
        self.assertEqual(self.run_queue(), 0)
        with freeze_time(until):
            self.env["integration.flow"]._cron_refresh_holds()
            self.assertEqual(freeze.state, "ended")
            self.assertEqual(self.run_queue(), 1)
        self.assertEqual(message.state, "done")
        self.assertTrue(self.posted(self.flow, "Freeze ended at its planned time"))

    def test_a_planned_freeze_closes_processing_at_its_start(self):
        start = fields.Datetime.now().replace(second=0) + timedelta(hours=1)
        self.freeze(self.endpoint, date_start=start, date_end=start + timedelta(days=2))
        self.assertEqual((self.flow.process_until, self.flow.hold_state), (start, "open"))
        with freeze_time(start):
            self.enqueue("P-1")
            self.assertEqual(self.run_queue(), 0)

    def test_an_endpoint_freeze_holds_every_flow_and_shows_who_until_when_and_why(self):
        until = fields.Datetime.now().replace(second=0) + timedelta(days=2)
        self.freeze(self.endpoint, reason="ERP cutover", date_end=until)
        other = self.make_flow("other.flow", "integration.handler.partner")
        self.assertEqual((self.flow.hold_state, other.hold_state), ("frozen", "frozen"))
        self.assertFalse(self.flow.freeze_is_own)
        self.assertIn(self.manager.name, other.hold_note)
        # Endpoint health
        self.assertEqual(self.endpoint.frozen_by_id, self.manager)
        self.assertEqual(
            (self.endpoint.frozen_until, self.endpoint.freeze_reason), (until, "ERP cutover")
        )
        self.assertTrue(self.posted(self.endpoint, "ERP cutover"))
        # The overview, as an integration user sees it
        self.enqueue("D-1")
        overview = self.env["integration.dashboard"].with_user(self.users["user"]).get_overview()
        [freeze] = overview["freezes"]
        self.assertEqual(freeze["target"], "TEST_SYS (all flows)")
        self.assertEqual((freeze["set_by"], freeze["reason"]), (self.manager.name, "ERP cutover"))
        self.assertEqual(freeze["until"], fields.Datetime.to_string(until))
        [row] = [r for p in overview["plants"] for r in p["endpoints"] if r["code"] == "TEST_SYS"]
        self.assertEqual((row["status_label"], row["held"], row["over_sla"]), ("Frozen", 1, 0))

    def test_the_audit_of_a_freeze_is_not_rewritten(self):
        freeze = self.freeze(self.flow)
        self.assertEqual(freeze.user_id, self.manager)
        for values in ({"user_id": self.users["user"].id}, {"state": "lifted"}):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                freeze.with_user(self.manager).write(values)
        freeze.with_user(self.manager).action_lift()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            freeze.with_user(self.manager).write({"name": "rewritten"})


@tagged("post_install", "-at_install")
class TestHeldFlowsAreNotLate(ScheduleCase):
    def rule(self, condition, threshold, **scope):
        return self.env["integration.alert.rule"].create(
            {
                "name": condition,
                "condition": condition,
                "threshold": threshold,
                "user_id": self.users["user"].id,
                **(scope or {"flow_id": self.flow.id}),
            }
        )

    def age(self, messages, minutes):
        messages.flush_recordset()
        self.env.cr.execute(
            "UPDATE integration_message SET create_date = %s WHERE id = ANY(%s)",
            [fields.Datetime.now() - timedelta(minutes=minutes), messages.ids],
        )

    def test_backlog_and_oldest_rules_do_not_fire_for_a_frozen_flow(self):
        backlog = self.rule("backlog", 1)
        oldest = self.rule("oldest_pending", 30)
        endpoint_backlog = self.rule("backlog", 1, endpoint_id=self.endpoint.id)
        Rule = self.env["integration.alert.rule"]
        freeze = self.freeze(self.flow)
        self.age(self.enqueue("L-1", "L-2"), 120)
        Rule._cron_check()
        self.assertEqual((backlog | oldest | endpoint_backlog).mapped("in_breach"), [False] * 3)
        # Lifted but not yet worked: the backlog is real, the wait counts from the lift.
        freeze.with_user(self.manager).action_lift()
        Rule._cron_check()
        self.assertTrue(backlog.in_breach and endpoint_backlog.in_breach)
        self.assertFalse(oldest.in_breach, "open for a moment only: not late")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=31)):
            Rule._cron_check()
        self.assertTrue(oldest.in_breach)

    def test_a_flow_outside_its_window_is_not_late(self):
        oldest = self.rule("oldest_pending", 30)
        self.closed_window(self.flow)
        self.age(self.enqueue("N-1"), 600)
        self.env["integration.alert.rule"]._cron_check()
        self.assertFalse(oldest.in_breach)
        self.assertEqual(oldest.last_value, 0)
