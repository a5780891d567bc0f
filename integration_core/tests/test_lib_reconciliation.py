import tracemalloc
from datetime import datetime, timezone

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib.errors import InvalidMessage
from odoo.addons.integration_core.lib.reconciliation import Statement, ranges_text, row_batches

AS_OF = datetime(2026, 12, 7, 6, 0)


@tagged("post_install", "-at_install")
class TestStatement(BaseCase):
    def test_a_statement_header_is_checked_whole(self):
        statement = Statement("S-1", "stock", "WH", "full", AS_OF, chunk=2, chunks=3)
        self.assertEqual((statement.chunk, statement.chunks), (2, 3))
        with self.assertRaises(InvalidMessage) as refused:
            Statement(" ", "stock", "", "some", AS_OF.replace(tzinfo=timezone.utc), 4, 3)
        problems = refused.exception.problems
        self.assertEqual(
            problems,
            [
                "statement_id: a non-empty text is required",
                "scope: a non-empty text is required",
                "coverage: one of full, partial, not 'some'",
                "as_of: a naive UTC date-time is required",
                "chunk: a whole number from 1 to chunks (3)",
            ],
        )
        with self.assertRaisesRegex(InvalidMessage, "chunks: a whole number from 1 to 10000"):
            Statement("S-1", "stock", "WH", "full", AS_OF, chunk=1, chunks=0)
        with self.assertRaisesRegex(InvalidMessage, "chunk: a whole number"):
            Statement("S-1", "stock", "WH", "full", AS_OF, chunk=True, chunks=1)


@tagged("post_install", "-at_install")
class TestRowBatches(BaseCase):
    def test_rows_of_a_key_add_up_within_a_batch(self):
        rows = [
            {"key": "A", "quantity": 1, "name": None},
            {"key": "B", "quantity": 2.5},
            {"key": "A", "quantity": 3, "name": "Bin A"},
        ]
        self.assertEqual(
            list(row_batches(rows)),
            [[{"key": "A", "quantity": 4.0, "name": "Bin A"}, {"key": "B", "quantity": 2.5}]],
        )

    def test_batches_are_bounded_whatever_the_number_of_rows(self):
        rows = ({"key": f"K{n}", "quantity": n} for n in range(25))
        self.assertEqual([len(batch) for batch in row_batches(rows, size=10)], [10, 10, 5])
        tracemalloc.start()
        try:
            for batch in row_batches({"key": f"K{n}", "quantity": 1} for n in range(200_000)):
                self.assertLessEqual(len(batch), 1000)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertLess(peak, 5 * 1024 * 1024, "one batch in memory, not 200,000 rows")

    def test_an_unfit_row_is_refused_with_its_position(self):
        for row, text in (
            ({"key": "", "quantity": 1}, "row 2: key must be a text"),
            ({"key": "K", "quantity": "1"}, "row 2: quantity must be a number, not '1'"),
            ({"key": "K", "quantity": True}, "row 2: quantity must be a number"),
            ({"key": "K", "quantity": float("nan")}, "row 2: quantity must be a finite number"),
            ("K", "row 2: an object is required"),
        ):
            with self.assertRaisesRegex(InvalidMessage, text):
                list(row_batches([{"key": "A", "quantity": 1}, row]))

    def test_chunk_numbers_read_as_ranges(self):
        self.assertEqual(ranges_text([7, 1, 2, 3, 5, 8]), "1-3, 5, 7-8")
        self.assertEqual(ranges_text([4]), "4")
        self.assertEqual(ranges_text([]), "")
