from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib.errors import InvalidMessage, PermanentError
from odoo.addons.integration_core.lib.payload import PayloadReader


def problems_of(payload, read):
    """The problems ``read(reader)`` finds in ``payload`` (an empty list when none)."""
    reader = PayloadReader(payload)
    read(reader)
    try:
        reader.done()
    except InvalidMessage as error:
        return error.problems
    return []


@tagged("post_install", "-at_install")
class TestPayloadReader(BaseCase):
    def test_typed_values_by_dotted_path(self):
        reader = PayloadReader(
            {
                "id": " A-1 ",
                "order": {"qty": 2.5, "lines": [{"n": 3}, {"n": 4.0}]},
                "due": "2025-03-03",
                "at": "2025-03-03T08:00:00+01:00",
                "local": "2025-07-01T08:00:00",
                "verdict": "pass",
                "final": True,
            }
        )
        self.assertEqual(reader.text("id"), "A-1")
        self.assertEqual(reader.decimal("order.qty", positive=True), 2.5)
        self.assertEqual(reader.integer("order.lines.1.n"), 4)
        self.assertEqual([line.integer("n") for line in reader.items("order.lines")], [3, 4])
        self.assertEqual(reader.date("due"), date(2025, 3, 3))
        self.assertEqual(reader.datetime("at"), datetime(2025, 3, 3, 7, 0))
        self.assertEqual(reader.datetime("local", tz="Europe/Berlin"), datetime(2025, 7, 1, 6))
        self.assertIs(reader.enum("verdict", {"pass": True, "fail": False}), True)
        self.assertIs(reader.boolean("final"), True)
        self.assertIsNone(reader.text("absent", required=False))
        self.assertEqual(reader.decimal("absent", required=False, default=0.0), 0.0)
        self.assertEqual(reader.done("ok"), "ok")

    def test_every_problem_is_reported_together_with_path_and_value(self):
        problems = problems_of(
            {"qty": True, "n": 1.5, "state": "exploded", "lines": [{"qty": "2"}], "final": "yes"},
            lambda r: (
                r.text("id"),
                r.decimal("qty"),
                r.integer("n", minimum=1),
                r.enum("state", ["running", "idle"]),
                [line.decimal("qty") for line in r.items("lines")],
                r.boolean("final"),
            ),
        )
        self.assertEqual(
            problems,
            [
                "id must be a non-empty text",
                "qty must be a number (got True)",
                "n must be an integer of at least 1 (got 1.5)",
                "state must be one of running, idle (got 'exploded')",
                "lines[0].qty must be a number (got '2')",
                "final must be true or false (got 'yes')",
            ],
        )

    def test_dates_out_of_range_are_problems_never_overflow(self):
        for value in (
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:30:00-05:00",
            "1850-01-01T00:00Z",
        ):
            with self.subTest(value=value):
                problems = problems_of({"at": value}, lambda r: r.datetime("at"))
                self.assertEqual(len(problems), 1)
                self.assertTrue(problems[0].startswith("at must be between 1900-01-01"), problems)
                self.assertIn(repr(value), problems[0])
        bounded = problems_of(
            {"d": "2025-03-03"}, lambda r: r.date("d", latest=datetime(2024, 12, 31))
        )
        self.assertEqual(
            bounded, ["d must be between 1900-01-01 and 2024-12-31 (got '2025-03-03')"]
        )
        self.assertEqual(
            problems_of(
                {"at": "03.03.2025", "d": 20250303}, lambda r: (r.datetime("at"), r.date("d"))
            ),
            [
                "at must be an ISO 8601 date and time (got '03.03.2025')",
                "d must be an ISO 8601 date (got 20250303)",
            ],
        )

    def test_numbers_json_cannot_hold_are_problems(self):
        problems = problems_of(
            {"big": 10**400, "i": 2**70, "neg": -1, "nan": float("nan")},
            lambda r: (
                r.decimal("big"),
                r.integer("i"),
                r.decimal("neg", minimum=0),
                r.decimal("nan"),
            ),
        )
        self.assertEqual(len(problems), 4, problems)
        self.assertTrue(problems[0].startswith("big is too large"))
        self.assertTrue(problems[1].startswith("i is outside the 64-bit integer range"))
        self.assertEqual(problems[2], "neg must be at least 0 (got -1)")
        self.assertEqual(problems[3], "nan must be a number (got nan)")

    def test_invalid_message_is_a_permanent_validation_error(self):
        with self.assertRaises(InvalidMessage) as refused:
            PayloadReader([1, 2])
        self.assertIsInstance(refused.exception, PermanentError)
        self.assertEqual(refused.exception.category, "validation")
        self.assertEqual(
            str(refused.exception), "Invalid message: the payload must be a JSON object."
        )
        self.assertEqual(
            problems_of({"lines": [1]}, lambda r: r.items("lines")),
            ["lines must be a list of objects"],
        )
