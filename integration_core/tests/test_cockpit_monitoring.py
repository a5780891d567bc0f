from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestCockpitMonitoring(IntegrationCase):
    def enqueue(self, payloads):
        Message = self.env["integration.message"]
        return Message.browse(
            m.id for m, _new in Message.enqueue_batch(self.flow, [{"payload": p} for p in payloads])
        )

    def set_latency(self, messages, seconds):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_message SET create_date = done_at - make_interval(secs => s)"
            " FROM unnest(%s::int[], %s::int[]) AS t(id, s) WHERE integration_message.id = t.id",
            [messages.ids, seconds],
        )
        self.env.invalidate_all()

    def test_endpoint_health_and_latency_percentiles(self):
        done = self.enqueue([{"ref": f"OK-{n}", "name": "x"} for n in range(10)])
        failed = self.enqueue([{"ref": "NO-NAME"}])
        self.run_queue()
        self.flow.paused = True
        waiting = self.enqueue([{"ref": "LATER", "name": "y"}])
        self.set_latency(done, list(range(1, 11)))  # 1 .. 10 seconds
        endpoint = self.endpoint
        endpoint.invalidate_recordset()
        self.assertEqual((endpoint.backlog_count, endpoint.failed_count), (1, 1))
        self.assertEqual(endpoint.oldest_pending_at, waiting.create_date)
        self.assertAlmostEqual(endpoint.failure_rate, 100 / 11, places=2)
        self.assertAlmostEqual(endpoint.latency_p50, 5.5)
        self.assertAlmostEqual(endpoint.latency_p95, 9.55)
        self.assertAlmostEqual(self.flow.latency_p50, 5.5)
        self.assertAlmostEqual(self.flow.latency_p95, 9.55)
        self.assertEqual(endpoint.health, "warning", "a failed message needs attention")
        failed.action_cancel()
        endpoint.invalidate_recordset()
        self.assertEqual(endpoint.health, "ok", "no message fails now")
        endpoint.sudo().write({"circuit_state": "open", "circuit_opened_at": "2026-01-01"})
        self.assertEqual(endpoint.health, "critical")

    def test_message_report_groups_by_flow_category_and_hour(self):
        done = self.enqueue([{"ref": f"R-{n}", "name": "x"} for n in range(3)])
        self.enqueue([{"ref": "NO-NAME-1"}, {"ref": "NO-NAME-2"}])
        self.run_queue()
        self.set_latency(done, [2, 4, 6])
        Report = self.env["integration.message.report"]
        by_state = dict(
            Report._read_group([("flow_id", "=", self.flow.id)], ["state"], ["__count"])
        )
        self.assertEqual(by_state, {"done": 3, "failed": 2})
        [(latency,)] = Report._read_group(
            [("flow_id", "=", self.flow.id), ("state", "=", "done")], [], ["latency_seconds:avg"]
        )
        self.assertAlmostEqual(latency, 4.0)
        failures = Report._read_group(
            [("flow_id", "=", self.flow.id)], ["category"], ["failed:sum"]
        )
        self.assertIn(("validation", 2), failures)
        hours = Report._read_group(
            [("flow_id", "=", self.flow.id)], ["received_at:hour"], ["__count"]
        )
        self.assertEqual(sum(count for _hour, count in hours), 5)

    def test_health_follows_current_failures_and_counts_inbound_successes(self):
        endpoint = self.endpoint
        self.assertEqual((endpoint.tries_count, endpoint.done_recent_count), (0, 0))
        self.assertFalse(endpoint.last_ok_at, "no traffic yet: nothing to show as success")
        self.assertEqual(endpoint.health, "idle", "no traffic is not called healthy")
        failed = self.enqueue([{"ref": f"NO-NAME-{n}"} for n in range(3)])
        self.run_queue()
        endpoint.invalidate_recordset()
        self.assertEqual((endpoint.health, endpoint.failure_rate), ("warning", 100.0))
        # The plant fixes its data: the failed messages are cancelled and new ones go through.
        failed.action_cancel()
        self.enqueue([{"ref": "FIXED", "name": "Fixed"}])
        self.run_queue()
        endpoint.invalidate_recordset()
        self.assertGreater(endpoint.failure_rate, 50, "last hour's tries mostly failed")
        self.assertEqual(endpoint.health, "ok", "but nothing fails now")
        self.assertFalse(endpoint.last_success_at, "no outbound request was ever sent")
        self.assertTrue(endpoint.last_ok_at, "an inbound message done is a success")
        self.assertEqual((endpoint.tries_count, endpoint.done_recent_count), (4, 1))
