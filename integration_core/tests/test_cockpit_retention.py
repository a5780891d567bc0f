from unittest.mock import patch

from odoo.tests import tagged

from ..models.integration_message_enqueue import PAYLOAD_INLINE_LIMIT
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestCockpitRetention(IntegrationCase):
    def purge(self, **options):
        """Run the purge as the cron does, on a test cursor; return (purged, commits, progress)."""
        commits, progress = [], []
        self.env.flush_all()
        with self.registry.cursor() as cr:
            commit = type(cr).commit
            with (
                patch.object(type(cr), "commit", lambda c: commits.append(commit(c))),
                patch.object(
                    type(self.env["ir.cron"]),
                    "_notify_progress",
                    lambda s, **kw: progress.append(kw),
                ),
            ):
                purged = self.env(cr=cr)["integration.retention"]._cron_purge(**options)
        self.env.invalidate_all()
        return purged, len(commits), progress

    def age(self, messages, days):
        """Pretend ``messages`` were received and done ``days`` ago (and took 2 seconds)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_message SET"
            " create_date = done_at - make_interval(days => %s, secs => 2),"
            " done_at = done_at - make_interval(days => %s) WHERE id = ANY(%s)",
            [days, days, messages.ids],
        )
        self.env.invalidate_all()

    def enqueue(self, flow, count, prefix, **extra):
        return self.env["integration.message"].browse(
            message.id
            for message, _new in self.env["integration.message"].enqueue_batch(
                flow,
                [
                    {"payload": dict({"ref": f"{prefix}-{n}", "name": "x"}, **extra)}
                    for n in range(count)
                ],
            )
        )

    def test_retention_purges_only_eligible_messages_in_batches(self):
        self.flow.retention_days = 10
        keep_forever = self.make_flow(
            "partner.keep", "integration.handler.partner", retention_days=0
        )
        old = self.enqueue(self.flow, 5, "OLD")
        big = self.enqueue(self.flow, 1, "BIG", street="x" * PAYLOAD_INLINE_LIMIT)
        recent = self.enqueue(self.flow, 2, "NEW")
        kept_flow = self.enqueue(keep_forever, 2, "KEEP")
        failed = self.enqueue(self.flow, 1, "BAD", name=None)  # a new contact without a name
        self.run_queue()
        self.assertEqual(set(failed.mapped("state")), {"failed"})
        attachment = big.payload_attachment_id
        self.assertTrue(attachment)
        failed.action_cancel()
        self.age(old | big | kept_flow, 11)
        self.age(recent, 9)
        self.env.cr.execute(
            "UPDATE integration_message SET create_date = create_date - interval '11 days'"
            " WHERE id = ANY(%s)",
            [failed.ids],
        )
        purged, commits, progress = self.purge(batch_size=4)
        self.assertEqual(purged, 6)
        self.assertEqual(commits, 2, "one commit per batch of at most 4")
        self.assertEqual(progress, [{"done": 6, "remaining": 0}])
        existing = self.env["integration.message"].search([]).ids
        self.assertFalse(set((old | big).ids) & set(existing))
        self.assertTrue(set((recent | kept_flow | failed).ids) <= set(existing))
        self.assertFalse(attachment.exists(), "large payloads go with their message")
        self.assertFalse(
            self.env["integration.message.attempt"].search([("message_id", "in", old.ids)])
        )
        summary = self.env["integration.message.summary"].search([("flow_id", "=", self.flow.id)])
        self.assertEqual(len(summary), 1)
        self.assertEqual((summary.message_count, summary.attempt_count), (6, 6))
        self.assertEqual(summary.failed_attempt_count, 0)
        self.assertAlmostEqual(summary.latency_avg_seconds, 2.0, delta=1.5)

    def test_time_budget_leaves_the_rest_for_the_next_call(self):
        self.flow.retention_days = 1
        messages = self.enqueue(self.flow, 3, "T")
        self.run_queue()
        self.age(messages, 2)
        _purged, _commits, progress = self.purge(batch_size=1, time_budget=0)
        self.assertEqual(progress, [{"done": 0, "remaining": 3}])
        _purged, commits, progress = self.purge(batch_size=2)
        self.assertEqual(commits, 2)
        self.assertEqual(progress[-1], {"done": 3, "remaining": 0})
        summary = self.env["integration.message.summary"].search([("flow_id", "=", self.flow.id)])
        self.assertEqual(summary.message_count, 3, "batches add up in one daily row")

    def test_payload_edits_outlive_the_purged_message(self):
        self.flow.retention_days = 1
        message = self.enqueue(self.flow, 1, "EDIT", name=None)
        self.run_queue()
        edit = self.env["integration.message.edit"]._replace_payload(
            message, '{"ref": "EDIT-0", "name": "Fixed"}', "name added"
        )
        message.action_retry()
        self.run_queue()
        self.assertEqual(message.state, "done")
        self.age(message, 2)
        self.assertEqual(self.purge()[0], 1)
        self.assertFalse(message.exists())
        self.assertTrue(edit.exists())
        self.assertFalse(edit.message_id)
        self.assertEqual(
            (edit.message_ref, edit.reason), (f"partner.upsert #{message.id}", "name added")
        )
