from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestQueue(IntegrationCase):
    def partners(self, ref):
        return self.env["res.partner"].with_context(active_test=False).search([("ref", "=", ref)])

    def test_enqueue_is_idempotent_and_effect_happens_once(self):
        """The same message delivered twice gives one message and one contact."""
        Message = self.env["integration.message"]
        payload = {"message_id": "m-1", "ref": "C-1", "name": "ACME"}
        first = Message.enqueue(self.flow, payload)
        second = Message.enqueue(self.flow, dict(payload, name="ACME again"))
        self.assertEqual(first, second)
        self.assertEqual(Message.search_count([("flow_id", "=", self.flow.id)]), 1)
        self.run_queue()
        self.assertEqual(first.state, "done")
        self.assertEqual(len(self.partners("C-1")), 1)
        self.assertEqual(self.partners("C-1").name, "ACME")
        self.assertEqual(first._result_records(), self.partners("C-1"))
        third = Message.enqueue(self.flow, payload)
        self.assertEqual(third, first, "a late redelivery of a done message is still a duplicate")
        self.run_queue()
        self.assertEqual(len(self.partners("C-1")), 1)

    def test_batch_reports_created_and_duplicates_in_order(self):
        Message = self.env["integration.message"]
        existing = Message.enqueue(self.flow, {"ref": "C-0", "name": "Zero"}, idempotency_key="k0")
        results = Message.enqueue_batch(
            self.flow,
            [
                {"payload": {"ref": "C-1", "name": "One"}, "idempotency_key": "k1"},
                {"payload": {"ref": "C-0", "name": "Zero"}, "idempotency_key": "k0"},
                {"payload": {"ref": "C-1", "name": "One"}, "idempotency_key": "k1"},
                {"payload": {"ref": "C-2", "name": "Two"}},
            ],
        )
        self.assertEqual([created for _m, created in results], [True, False, False, True])
        self.assertEqual(results[1][0], existing)
        self.assertEqual(results[0][0], results[2][0])
        self.assertEqual(Message.search_count([("flow_id", "=", self.flow.id)]), 3)

    def test_a_batch_is_stored_and_processed_in_the_order_sent(self):
        """Two versions of one record in one batch: the later one is applied last."""
        results = self.env["integration.message"].enqueue_batch(
            self.flow,
            [
                {"payload": {"ref": "C-7", "name": f"Version {n}"}, "ordering_key": "C-7"}
                for n in (1, 2, 3)
            ],
        )
        messages = [message for message, _created in results]
        self.assertEqual([m.id for m in messages], sorted(m.id for m in messages))
        self.run_queue()
        self.assertEqual(self.partners("C-7").name, "Version 3")

    def test_one_failure_does_not_undo_its_batch_mates(self):
        Message = self.env["integration.message"]
        good = Message.enqueue(self.flow, {"ref": "G-1", "name": "Good"})
        bad = Message.enqueue(self.flow, {"ref": "B-1"})  # new contact without a name
        good2 = Message.enqueue(self.flow, {"ref": "G-2", "name": "Good too"})
        self.run_queue(max_batches=1)
        self.assertEqual((good | good2).mapped("state"), ["done", "done"])
        self.assertEqual(bad.state, "failed")
        self.assertIn("needs a name", bad.error)
        self.assertEqual(bad.error_kind, "permanent")
        self.assertTrue(self.partners("G-1") and self.partners("G-2"))
        self.assertFalse(self.partners("B-1"))
        self.assertEqual(bad.exception_id.category, "validation")
        self.assertEqual(bad.attempt_ids.outcome, "failed")
        # The batch was first tried under one savepoint, undone, then redone one by one.
        self.assertEqual((len(self.partners("G-1")), len(self.partners("G-2"))), (1, 1))
        self.assertEqual((good | good2).attempt_ids.mapped("outcome"), ["done", "done"])

    def test_failures_of_one_cause_share_one_exception_that_resolves_itself(self):
        Message = self.env["integration.message"]
        bad = Message.browse()
        for number in range(3):
            bad |= Message.enqueue(self.flow, {"ref": f"NEW-{number}"})
        self.run_queue()
        exception = bad.exception_id
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.message_count, 3)
        self.assertEqual(exception.state, "new")
        # Someone creates the contacts and links them; the retried messages then update them.
        for number in range(3):
            partner = self.env["res.partner"].create({"name": f"Made by hand {number}"})
            self.env["integration.xref"]._link(self.endpoint, f"NEW-{number}", partner)
        exception.action_retry()
        self.run_queue()
        self.assertEqual(set(bad.mapped("state")), {"done"})
        self.assertEqual(exception.state, "resolved")

    def test_order_is_kept_per_key_while_other_keys_proceed(self):
        self.flow.ordering_key_path = "order"
        Message = self.env["integration.message"]
        first_a = Message.enqueue(self.flow, {"order": "A", "ref": "A-1"})  # fails: no name
        second_a = Message.enqueue(self.flow, {"order": "A", "ref": "A-2", "name": "A two"})
        first_b = Message.enqueue(self.flow, {"order": "B", "ref": "B-1", "name": "B one"})
        second_b = Message.enqueue(self.flow, {"order": "B", "ref": "B-2", "name": "B two"})
        self.assertEqual(first_a.ordering_key, "A")
        self.run_queue()
        self.assertEqual(first_a.state, "failed")
        self.assertEqual(second_a.state, "pending", "blocked behind the failed message of key A")
        self.assertEqual((first_b | second_b).mapped("state"), ["done", "done"])
        self.assertLess(first_b.done_at, second_b.done_at + timedelta(microseconds=1))
        self.assertLess(first_b.attempt_ids.id, second_b.attempt_ids.id)
        first_a.action_cancel()
        self.run_queue()
        self.assertEqual(second_a.state, "done")

    def test_sequence_orders_messages_of_one_key(self):
        Message = self.env["integration.message"]
        later = Message.enqueue(
            self.flow, {"ref": "S-1", "name": "second"}, ordering_key="WO1", sequence=2
        )
        earlier = Message.enqueue(
            self.flow, {"ref": "S-1", "name": "first"}, ordering_key="WO1", sequence=1
        )
        self.run_queue()
        self.assertLess(earlier.attempt_ids.id, later.attempt_ids.id)
        self.assertEqual(self.partners("S-1").name, "second")

    def test_expired_lease_is_recovered_and_applied_once(self):
        """A worker that died after claiming leaves a message that is retried exactly once."""
        message = self.env["integration.message"].enqueue(
            self.flow, {"ref": "L-1", "name": "Lease"}
        )
        self.env.flush_all()
        worker = self.env["integration.queue.worker"]
        claimed = worker._claim_batch(10, "dead-worker")
        self.assertEqual(claimed, message.ids)
        message.invalidate_recordset()
        self.assertEqual(message.state, "processing")
        self.assertEqual(self.run_queue(), 0, "a live lease is not taken over")
        self.env.cr.execute(
            "UPDATE integration_message SET lease_until = now() AT TIME ZONE 'UTC'"
            " - interval '1 second' WHERE id = %s",
            [message.id],
        )
        self.assertEqual(self.run_queue(), 1)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.attempts, 2)
        self.assertEqual(len(self.partners("L-1")), 1)
        # The dead worker wakes up: its lease is gone, it processes nothing.
        outcomes = worker._process_claimed(claimed, "dead-worker")
        self.assertEqual(outcomes, [])
        self.assertEqual(len(self.partners("L-1")), 1)

    def test_paused_or_inactive_flow_keeps_its_messages_pending(self):
        message = self.env["integration.message"].enqueue(self.flow, {"ref": "P-1", "name": "P"})
        self.flow.action_pause()
        self.run_queue()
        self.assertEqual(message.state, "pending")
        self.flow.action_resume()
        self.run_queue()
        self.assertEqual(message.state, "done")

    def test_cancel_and_retry_rules(self):
        message = self.env["integration.message"].enqueue(self.flow, {"ref": "X-1"})
        self.run_queue()
        self.assertEqual(message.state, "failed")
        message.action_cancel()
        self.assertEqual(message.state, "cancelled")
        self.assertEqual(message.exception_id.state, "resolved")
        with self.assertRaises(UserError):
            message.action_retry()

    def test_large_payload_lives_in_an_attachment_with_its_checksum(self):
        big = {"ref": "BIG-1", "name": "Big", "blob": "x" * 300_000}
        message = self.env["integration.message"].enqueue(self.flow, big)
        self.assertFalse(message.payload)
        self.assertTrue(message.payload_attachment_id)
        self.assertEqual(message.get_payload_json(), big)
        self.assertEqual(len(message.payload_checksum), 64)
        self.run_queue()
        self.assertEqual(message.state, "done")

    def test_claim_uses_partial_indexes(self):
        """The claim query finds its messages through the pending-state partial indexes (in
        due order, or per flow), whatever the history: never a whole-table index or scan.

        A test database is too small for the planner to prefer an index on its own: sequential
        scans are discouraged, so the plan shows which index the query can use at all."""
        Worker = self.env["integration.queue.worker"]
        query = Worker._claim_query(100, "explain")
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        try:
            self.env.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", query))
            plan = self.env.cr.fetchone()[0][0]["Plan"]
        finally:
            self.env.cr.execute("RESET enable_seqscan")
        candidates = [
            name
            for node in _plan_nodes(plan["Plans"][0])  # the CTE choosing the candidates
            if node.get("Relation Name") == "integration_message"
            for name in _indexes_read(node)
        ]
        pending = {"integration_message_claim_idx", "integration_message_flow_claim_idx"}
        blockers = "integration_message_ordering_idx"  # the ordering key's earlier messages
        self.assertTrue(pending & set(candidates), candidates)
        self.assertLessEqual(set(candidates), pending | {blockers}, candidates)

    def test_get_status(self):
        message = self.env["integration.message"].enqueue(self.flow, {"ref": "ST", "name": "S"})
        self.run_queue()
        status = self.env["integration.message"].get_status([message.id, 0])
        self.assertEqual(len(status), 1)
        self.assertEqual(status[0]["state"], "done")
        self.assertTrue(status[0]["done_at"])
        self.assertLessEqual(
            fields.Datetime.from_string(status[0]["done_at"]), fields.Datetime.now()
        )


def _plan_nodes(node):
    """``node`` of an EXPLAIN (FORMAT JSON) plan and every node under it."""
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def _indexes_read(node):
    """The indexes a scan node reads rows through (a bitmap scan: those of its bitmap nodes),
    else its node type (a sequential scan)."""
    if node.get("Index Name"):
        return [node["Index Name"]]
    bitmaps = [n["Index Name"] for n in _plan_nodes(node) if n["Node Type"] == "Bitmap Index Scan"]
    return bitmaps or [node["Node Type"]]
