"""Enqueuing wakes the queue's scheduled action: trigger rows, then one notification."""

import select
import uuid

import psycopg2

from odoo import sql_db
from odoo.tests import tagged

from ..tools import cron_wakeup
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestQueueTrigger(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("integration_core.ir_cron_process_queue")

    def listener(self):
        """A connection to ``postgres`` listening as Odoo's cron workers do."""
        _name, info = sql_db.connection_info_for("postgres")
        connection = psycopg2.connect(**info)
        connection.autocommit = True
        self.addCleanup(connection.close)
        connection.cursor().execute("LISTEN cron_trigger")
        return connection

    def received(self, connection, expected):
        """Payloads of ``expected`` received within 5 s (other databases' are ignored)."""
        payloads = []
        for _try in range(50):
            if select.select([connection], [], [], 0.1)[0]:
                connection.poll()
                payloads += [n.payload for n in connection.notifies if n.payload in expected]
                connection.notifies.clear()
            if len(payloads) >= len(expected):
                break
        return payloads

    def terminate(self, connection, pid):
        cursor = connection.cursor()
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _try in range(50):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if not cursor.fetchone()[0]:
                return
            select.select([], [], [], 0.1)
        self.fail(f"backend {pid} still runs")

    def triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def wake_ups(self):
        return [
            func
            for func in self.env.cr.postcommit._funcs
            if getattr(func, "func", None) is cron_wakeup.wake_cron_workers
        ]

    def test_enqueue_adds_a_trigger_and_one_wake_up_per_transaction(self):
        before = self.triggers()
        messages = self.env["integration.message"]
        messages.enqueue(self.flow, {"message_id": "t-1"})
        messages.enqueue_batch(self.flow, [{"payload": {"message_id": "t-2"}}])
        messages.enqueue(self.flow, {"message_id": "t-1"})  # a duplicate: nothing to wake for
        new = self.triggers() - before
        self.assertEqual(len(new), 2)
        self.env.cr.execute(
            "SELECT bool_and(call_at <= clock_timestamp() AT TIME ZONE 'UTC')"
            " FROM ir_cron_trigger WHERE id = ANY(%s)",
            [new.ids],
        )
        self.assertTrue(self.env.cr.fetchone()[0], "due at once")
        [wake_up] = self.wake_ups()
        listener = self.listener()
        wake_up()  # what the commit runs
        self.assertEqual(self.received(listener, [self.env.cr.dbname]), [self.env.cr.dbname])

    def test_inactive_queue_action_is_not_triggered(self):
        self.cron.active = False
        before = self.triggers()
        self.env["integration.message"].enqueue(self.flow, {"message_id": "t-3"})
        self.assertFalse(self.triggers() - before)
        self.assertFalse(self.wake_ups())

    def test_wake_up_keeps_its_connection_and_reconnects_when_it_is_gone(self):
        names = [f"wake-{uuid.uuid4().hex[:8]}-{n}" for n in range(3)]
        listener = self.listener()
        cron_wakeup.wake_cron_workers(names[0])
        kept = cron_wakeup._state["connection"]
        cron_wakeup.wake_cron_workers(names[1])
        self.assertIs(cron_wakeup._state["connection"], kept)
        # The server ends the kept connection (restart, idle timeout): the next one reconnects.
        self.terminate(listener, kept.get_backend_pid())
        cron_wakeup.wake_cron_workers(names[2])
        self.assertIsNot(cron_wakeup._state["connection"], kept)
        self.assertEqual(self.received(listener, names), names)

    def run_as_first_runner(self, batch_size):
        self.env.flush_all()
        with self.registry.cursor() as cr:
            worker = self.env(cr=cr, context={"cron_id": self.cron.id})["integration.queue.worker"]
            worker._work_queue(max_batches=1, batch_size=batch_size)
        self.env.invalidate_all()

    def test_a_full_batch_wakes_the_other_runners(self):
        second = self.env.ref("integration_core.ir_cron_process_queue_2")
        messages = self.env["integration.message"]
        for n in range(3):
            messages.enqueue(self.flow, {"ref": f"R-{n}", "name": f"Runner {n}"})
        first_triggers, second_triggers = (
            self.triggers(),
            self.env["ir.cron.trigger"].search([("cron_id", "=", second.id)]),
        )
        self.run_as_first_runner(batch_size=2)  # 2 of 3: a backlog
        woken = self.env["ir.cron.trigger"].search([("cron_id", "=", second.id)])
        self.assertEqual(len(woken - second_triggers), 1)
        self.assertFalse(self.triggers() - first_triggers, "a runner does not wake itself")
        self.run_as_first_runner(batch_size=2)  # the last one: no backlog left
        again = self.env["ir.cron.trigger"].search([("cron_id", "=", second.id)])
        self.assertEqual(again, woken)
