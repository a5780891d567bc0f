from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .helpers import trap_messages
from .reconciliation_common import AS_OF, ReconciliationCase

# B1 matches, B2 differs (+2), B3 is missing in the statement, B9 is missing in Odoo; B4 holds
# nothing on either side and is no line at all.
STATEMENT = [("B1", 10), ("B2", 7), ("B9", 3), ("B4", 0)]


@tagged("post_install", "-at_install")
class TestReconciliationRun(ReconciliationCase):
    """A statement becomes a run: compared with Odoo's side, its differences filed by cause."""

    def test_run_lists_matched_missing_both_ways_and_different_lines(self):
        message = self.send("ST-1", STATEMENT)
        run = self.run_of("ST-1")
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(message._result_records(), run)
        self.assertEqual(
            (run.state, run.entity, run.scope, run.coverage, run.as_of),
            ("to_review", "bins", "S1", "full", AS_OF),
        )
        figures = {
            line.key: (line.status, line.external_quantity, line.odoo_quantity)
            for line in run.line_ids
        }
        self.assertEqual(
            figures,
            {
                "B1": ("matched", 10, 10),
                "B2": ("different", 7, 5),
                "B3": ("missing_external", 0, 4),
                "B9": ("missing_odoo", 3, 0),
                "B4": ("matched", 0, 0),
            },
        )
        b2 = self.line(run, "B2")
        self.assertEqual((b2.difference_quantity, b2.unit_value), (2, 3))
        self.assertEqual((b2.external_value, b2.odoo_value, b2.difference_value), (21, 15, 6))
        self.assertEqual((b2.bin_id, b2.decision), (self.bins[1], "open"))
        self.assertEqual(self.line(run, "B3").difference_value, -16)
        self.assertFalse(self.line(run, "B1").decision, "nothing to decide for a match")
        self.assertEqual(
            (run.line_count, run.matched_count, run.missing_odoo_count),
            (5, 2, 1),
        )
        self.assertEqual(
            (run.missing_external_count, run.different_count, run.open_count), (1, 1, 3)
        )
        self.assertEqual(run.matched_rate, 40.0)
        self.assertEqual((run.external_quantity_total, run.odoo_quantity_total), (20, 19))
        self.assertEqual(run.gross_difference_value, 6 + 16 + 0)

    def test_differences_are_grouped_on_cards_by_cause(self):
        self.send("ST-1", STATEMENT + [("B3", 1)])
        run = self.run_of("ST-1")
        cards = run.exception_ids.sorted("reconciliation_cause")
        self.assertEqual(
            [(c.reconciliation_cause, c.reconciliation_line_count) for c in cards],
            [("external_less", 1), ("external_more", 1), ("missing_in_odoo", 1)],
        )
        self.assertEqual(set(cards.mapped("category")), {"reconciliation"})
        self.assertEqual(set(cards.mapped("state")), {"new"})
        more = cards.filtered(lambda c: c.reconciliation_cause == "external_more")
        self.assertEqual(more.name, "BINS/ST-1: 1 line more in Bin system than in Odoo")
        self.assertIn("1 line more in Bin system than in Odoo in statement ST-1", more.error)
        self.assertEqual(more.reconciliation_line_ids.key, "B2")
        self.assertEqual(
            (more.endpoint_id, more.flow_id), (self.bins_endpoint, self.statement_flow)
        )
        self.assertEqual(run.open_exception_count, 3)
        what, _action = more._explain()
        self.assertIn("compared another system's statement", what)

    def test_a_partial_statement_compares_only_what_it_lists(self):
        self.send("ST-P", [("B2", 5), ("B9", 1)], coverage="partial")
        run = self.run_of("ST-P")
        self.assertEqual(
            sorted((line.key, line.status) for line in run.line_ids),
            [("B2", "matched"), ("B9", "missing_odoo")],
        )

    def test_a_streamed_odoo_side_gives_the_same_run(self):
        self.statement_flow.reconciler = "integration.kit.example.stream.reconciler"
        self.send("ST-S", STATEMENT)
        run = self.run_of("ST-S")
        self.assertEqual(run.reconciler, "integration.kit.example.stream.reconciler")
        self.assertEqual(
            sorted((line.key, line.status, line.odoo_quantity) for line in run.line_ids),
            [
                ("B1", "matched", 10),
                ("B2", "different", 5),
                ("B3", "missing_external", 4),
                ("B4", "matched", 0),
                ("B9", "missing_odoo", 0),
            ],
        )

    def test_rows_of_one_key_add_up_and_a_few_thousand_lines_compare(self):
        Bin = self.env["integration.kit.example.bin"]
        Bin.create([{"code": f"K{n:05d}", "quantity": n % 7, "unit_value": 1} for n in range(3000)])
        lines = [(f"K{n:05d}", n % 7 + (1 if n % 100 == 0 else 0)) for n in range(3000)]
        lines.append(("K00001", 0))  # one key twice: its rows add up
        for chunk in range(3):
            self.send("ST-BIG", lines[chunk * 1001 : (chunk + 1) * 1001], chunk=chunk + 1, chunks=3)
        run = self.run_of("ST-BIG")
        self.assertEqual(run.state, "to_review")
        self.assertEqual(run.line_count, 3000 + 3)  # and B1, B2, B3 missing there (B4 holds 0)
        # 30 keys are one more there; Odoo holds none of 5 of them (0, 700, ... 2800).
        self.assertEqual((run.different_count, run.missing_odoo_count), (25, 5))
        self.assertEqual((run.matched_count, run.missing_external_count), (3000 - 30, 3))
        self.assertEqual(self.line(run, "K00001").external_quantity, 1)
        self.assertEqual(run.chunk_ids.mapped("row_count"), [1001, 1001, 999])


@tagged("post_install", "-at_install")
class TestReconciliationDecisions(ReconciliationCase):
    """A manager approves the corrections or ignores the differences; both are kept."""

    def test_manager_approves_selected_lines_and_a_whole_card(self):
        self.send("ST-1", STATEMENT)
        run = self.run_of("ST-1")
        b2, b9 = self.line(run, "B2"), self.line(run, "B9")
        self.decide(run, line_ids=[(6, 0, b2.ids)])
        self.assertEqual(self.bins[1].quantity, 7)
        self.assertEqual((b2.decision, b2.decided_by_id), ("applied", self.manager))
        self.assertTrue(b2.decided_at)
        adjustment = b2._correction_records()
        self.assertEqual(adjustment._name, "integration.kit.example.adjustment")
        self.assertEqual((adjustment.quantity_change, adjustment.reconciliation_line_id), (2, b2))
        self.assertIn(
            f"/odoo/integration.kit.example.adjustment/{adjustment.id}", b2.correction_links
        )
        card = b2.exception_id
        self.assertEqual(
            (card.state, card.closed_how, card.closed_by_id),
            ("resolved", "by_person", self.manager),
        )
        self.assertEqual(b9.decision, "open", "only the selected line")
        # The card of the lines missing in Odoo, decided as a whole.
        self.decide(run, exception_id=b9.exception_id.id)
        self.assertEqual(self.bin("B9").quantity, 3)
        self.assertEqual((b9.decision, b9.exception_id.state), ("applied", "resolved"))
        self.assertEqual((run.open_count, run.applied_count, run.state), (1, 2, "to_review"))
        self.assertIn("1 difference approved and applied by", run.message_ids[0].body)

    def test_ignoring_needs_a_reason_and_keeps_odoo_as_it_is(self):
        self.send("ST-1", STATEMENT)
        run = self.run_of("ST-1")
        with self.assertRaisesRegex(UserError, "Say why"):
            self.decide(run, "ignore", reason="  ")
        self.decide(run, "ignore", reason="Counted again: the bin system was wrong")
        self.assertEqual(self.bins.mapped("quantity"), [10, 5, 4, 0])
        self.assertEqual(set(run.difference_ids.mapped("decision")), {"ignored"})
        self.assertEqual(
            set(run.difference_ids.mapped("ignore_reason")),
            {"Counted again: the bin system was wrong"},
        )
        self.assertEqual((run.state, run.ignored_count, run.open_count), ("done", 3, 0))
        cards = run.exception_ids
        self.assertEqual(set(cards.mapped("state")), {"ignored"})
        self.assertEqual(cards[0].ignore_reason, "Counted again: the bin system was wrong")
        with self.assertRaisesRegex(UserError, "No difference left"):
            self.decide(run)

    def test_ignoring_a_card_from_the_exceptions_ignores_its_differences(self):
        self.send("ST-1", STATEMENT)
        run = self.run_of("ST-1")
        card = self.line(run, "B3").exception_id
        wizard = (
            self.env["integration.exception.ignore"]
            .with_user(self.manager)
            .create({"exception_ids": [(6, 0, card.ids)], "reason": "Bin B3 is being emptied"})
        )
        wizard.action_ignore()
        self.assertEqual(self.line(run, "B3").decision, "ignored")
        self.assertEqual(card.state, "ignored")
        user_wizard = (
            self.env["integration.exception.ignore"]
            .with_user(self.user)
            .create(
                {"exception_ids": [(6, 0, self.line(run, "B2").exception_id.ids)], "reason": "no"}
            )
        )
        with self.assertRaises(AccessError):
            user_wizard.action_ignore()

    def test_only_managers_decide(self):
        self.send("ST-1", STATEMENT)
        run = self.run_of("ST-1")
        for user in (self.user, self.service):
            with self.assertRaises(AccessError):
                self.decide(run, user=user)
            with self.assertRaises(AccessError):
                run.with_user(user)._approve_lines(run.line_ids)
        self.assertEqual(self.bins[1].quantity, 5)

    def test_a_newer_statement_of_the_same_key_blocks_older_corrections(self):
        self.send("ST-1", STATEMENT)
        older = self.run_of("ST-1")
        self.send("ST-2", [("B2", 8)], as_of=AS_OF + timedelta(hours=1), coverage="partial")
        with self.assertRaisesRegex(UserError, "Statement ST-2, newer than this one, compared B2"):
            self.decide(older, line_ids=[(6, 0, self.line(older, "B2").ids)])
        self.assertEqual(self.bins[1].quantity, 5, "nothing changed")
        self.decide(older, line_ids=[(6, 0, self.line(older, "B9").ids)])
        self.assertEqual(self.bin("B9").quantity, 3, "other keys are still decided")

    def test_a_newer_full_statement_supersedes_older_runs(self):
        self.send("ST-1", STATEMENT)
        older = self.run_of("ST-1")
        self.send("ST-2", STATEMENT, as_of=AS_OF + timedelta(hours=1))
        self.assertEqual((older.state, older.superseded_by_id), ("superseded", self.run_of("ST-2")))
        self.assertEqual(set(older.exception_ids.mapped("state")), {"resolved"})
        with self.assertRaisesRegex(UserError, "is superseded"):
            self.decide(older)


@tagged("post_install", "-at_install")
class TestReconciliationStatements(ReconciliationCase):
    """Chunks, staleness and schedules: how statements arrive."""

    def test_chunks_out_of_order_and_twice_are_compared_once_complete(self):
        self.send("ST-C", [("B2", 7)], chunk=2, chunks=3)
        run = self.run_of("ST-C")
        self.assertEqual(
            (run.state, run.chunks_received, run.missing_chunks), ("receiving", 1, "1, 3")
        )
        self.assertTrue(run.chunk_deadline)
        again = self.send("ST-C", [("B2", 7)], chunk=2, chunks=3, message_id="ST-C-2-resent")
        self.assertEqual(again.state, "done")
        self.send("ST-C", [("B9", 3)], chunk=3, chunks=3)
        self.assertEqual(run.state, "receiving")
        self.assertFalse(run.line_ids.filtered("status"), "not compared before the last chunk")
        self.send("ST-C", [("B1", 10)], chunk=1, chunks=3)
        self.assertEqual((run.state, run.missing_chunks), ("to_review", False))
        self.assertEqual(self.line(run, "B2").external_quantity, 7, "chunk 2 applied once")
        self.assertEqual(run.chunk_ids.mapped("number"), [1, 2, 3])
        self.assertEqual(run.different_count, 1)

    def test_a_chunk_disagreeing_with_its_statement_is_refused(self):
        self.send("ST-C", [("B2", 7)], chunk=1, chunks=2)
        wrong = self.send("ST-C", [("B9", 3)], chunk=2, chunks=3)
        self.assertEqual(wrong.state, "failed")
        self.assertIn("disagrees with its first chunk on chunks", wrong.error)
        self.assertEqual(self.run_of("ST-C").chunks_received, 1)

    def test_a_missing_chunk_expires_to_an_exception_and_may_still_arrive(self):
        self.send("ST-C", [("B2", 7)], chunk=1, chunks=2)
        run = self.run_of("ST-C")
        Run = self.env["integration.reconciliation.run"]
        self.assertEqual(Run._cron_expire_statements(), 0, "not before its deadline")
        run.chunk_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(Run._cron_expire_statements(), 1)
        self.assertEqual(run.state, "incomplete")
        card = run.exception_ids
        self.assertEqual(
            (card.category, card.severity, card.state), ("reconciliation", "high", "new")
        )
        self.assertIn("chunk(s) 2 of 2 never arrived", card.error)
        self.send("ST-C", [("B9", 3)], chunk=2, chunks=2)
        self.assertEqual(run.state, "to_review")
        self.assertEqual(card.state, "resolved")

    def test_a_statement_older_than_one_compared_is_refused(self):
        self.send("ST-NEW", STATEMENT, as_of=AS_OF + timedelta(hours=2))
        newer = self.run_of("ST-NEW")
        stale = self.send("ST-OLD", [("B2", 1)], as_of=AS_OF)
        self.assertEqual(stale.state, "failed")
        self.assertIn(
            "Statement ST-OLD as of 2026-12-07 06:00:00 is older than statement ST-NEW as of "
            "2026-12-07 08:00:00, already compared for S1: refused, nothing was changed.",
            stale.error,
        )
        self.assertEqual(stale.exception_id.category, "reconciliation")
        self.assertFalse(self.run_of("ST-OLD"), "nothing stored")
        self.assertEqual(self.line(newer, "B2").external_quantity, 7)
        self.assertEqual(self.bins[1].quantity, 5)
        # Another scope is judged on its own.
        other = self.send("ST-OTHER", [("B2", 1)], as_of=AS_OF, site="S2")
        self.assertEqual(other.state, "done", other.error)

    def test_a_flow_without_reconciler_fails_its_statements_clearly(self):
        self.statement_flow.reconciler = False
        message = self.send("ST-X", STATEMENT)
        self.assertEqual(message.state, "failed")
        self.assertIn("Flow bin.statement has no reconciler", message.error)

    def test_scheduled_statements_are_requested_every_n_hours(self):
        Run = self.env["integration.reconciliation.run"]
        self.statement_flow.reconcile_interval_hours = 6
        with trap_messages(self.env) as trap:
            self.assertEqual(Run._cron_request_statements(), 1)
        trap.assert_queued("bin.statement.request", {"site": "S1", "scope": "full"})
        requested = self.statement_flow.reconcile_requested_at
        self.assertTrue(requested)
        with trap_messages(self.env) as trap:
            self.assertEqual(Run._cron_request_statements(), 0, "not due yet")
        trap.assert_nothing_queued()
        self.statement_flow.reconcile_requested_at = requested - timedelta(hours=6, minutes=1)
        with trap_messages(self.env) as trap:
            self.assertEqual(Run._cron_request_statements(), 1)
        trap.assert_queued("bin.statement.request")
        # A reconciler that cannot ask says so on its flow, and the others go on.
        request_flow = self.bins_endpoint.flow_ids.filtered(
            lambda f: f.code == "bin.statement.request"
        )
        request_flow.state = "retired"
        self.statement_flow.reconcile_requested_at = False
        with mute_logger("odoo.addons.integration_core.models.integration_reconciliation_run"):
            self.assertEqual(Run._cron_request_statements(), 0)
        self.assertIn("not requested", self.statement_flow.message_ids[0].body)
        self.assertTrue(self.statement_flow.reconcile_requested_at, "not asked again at once")

    def test_connect_a_system_gives_the_statement_flow_its_reconciler(self):
        self.assertEqual(self.statement_flow.reconciler, "integration.kit.example.reconciler")
        selection = dict(self.env["integration.flow"]._selection_reconciler())
        self.assertIn("integration.kit.example.stream.reconciler", selection)
        self.assertNotIn("integration.reconciler", selection)
