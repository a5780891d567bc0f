from datetime import date, datetime, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import mapping
from odoo.addons.integration_core.lib.errors import MissingReference

LineSpec, MappingSpec = mapping.LineSpec, mapping.MappingSpec


class TableResolvers:
    """Resolvers backed by dicts: what the Odoo wrapper does with UoM, value maps and xrefs."""

    factors = {("g", "kg"): 0.001, ("kg", "g"): 1000.0, ("kg", "kg"): 1.0, ("lb", "kg"): 0.45359237}
    tables = {"status": {"10": "draft", "20": "confirmed", "90": "done", "true": "blocked"}}
    xrefs = {"product.product": {"FG-1001": 7, "A-1001": 7, "1001": 8}, "res.partner": {"C-1": 3}}
    reverse = {"product.product": {7: "FG-1001"}, "res.partner": {3: "C-1"}}
    waiting = {("res.partner", "C-NEW")}  # master data announced but not received yet

    def convert_uom(self, value, from_code, to_code):
        factor = self.factors.get((from_code, to_code))
        if factor is None:
            message = f"cannot convert {from_code} to {to_code}"
            raise mapping.MappingValueError(message, "unknown_unit")
        return value * factor

    def map_value(self, table, code):
        return self.tables.get(table, {}).get(code)

    def reverse_value_map(self, table, value):
        inverse = {internal: code for code, internal in self.tables.get(table, {}).items()}
        return inverse.get(value)

    def lookup_xref(self, model, code):
        if (model, code) in self.waiting:
            raise MissingReference(model, code)
        return self.xrefs.get(model, {}).get(code)

    def reverse_xref(self, model, record_id):
        return self.reverse.get(model, {}).get(record_id)


class BrokenResolvers(TableResolvers):
    def lookup_xref(self, model, code):
        raise ConnectionError("database went away")


class MappingCase(BaseCase):
    resolvers = TableResolvers()

    def run_lines(self, lines, payload, direction="inbound", limits=None):
        spec = MappingSpec(lines=lines)
        return mapping.evaluate(spec, payload, self.resolvers, direction, limits)

    def mapped(self, transforms, value, direction="inbound"):
        """The value one line with ``transforms`` gives for ``value``, asserting no issue."""
        result = self.run_lines(
            [LineSpec(source="v", target="t", transforms=transforms)], {"v": value}, direction
        )
        self.assertEqual(result.errors, [], f"unexpected issues for {value!r}")
        return result.values["t"]

    def rejected(self, transforms, value, code, direction="inbound"):
        """The single issue one line with ``transforms`` reports for ``value``."""
        result = self.run_lines(
            [LineSpec(source="v", target="t", transforms=transforms)], {"v": value}, direction
        )
        message = f"{mapping.short_repr(value)} should give one issue: {result.errors}"
        self.assertEqual(len(result.errors), 1, message)
        issue = result.errors[0]
        self.assertEqual((issue.code, issue.path, issue.target), (code, "v", "t"), issue)
        self.assertNotIn("t", result.values, "a failing line leaves its target out")
        return issue


@tagged("post_install", "-at_install")
class TestTextTransforms(MappingCase):
    def test_strip_upper_lower(self):
        self.assertEqual(self.mapped(["strip"], "  a-1001\t"), "a-1001")
        self.assertEqual(self.mapped(["strip", "upper"], " a-1001 "), "A-1001")
        self.assertEqual(self.mapped(["lower"], "FG-Straße"), "fg-straße")
        self.assertEqual(self.mapped(["upper"], "straße"), "STRASSE")

    def test_odoo_code_is_the_internal_reference_of_a_display_name(self):
        self.assertEqual(self.mapped(["odoo_code"], "[OD-1] Ventil [DN 25]"), "OD-1")
        self.assertEqual(self.mapped(["odoo_code"], " [ A 7 ]Flansch"), "A 7")
        for value in ("Ventil ohne Nummer", "[] Leer", "[  ] Leer", "Ventil [OD-1]"):
            issue = self.rejected(["odoo_code"], value, "missing_code")
            self.assertIn("no [internal reference]", issue.message)
        self.rejected(["odoo_code"], [7, "[OD-1] Ventil"], "wrong_type")

    def test_integer_codes_become_text(self):
        # legacy ERPs send item numbers as JSON numbers; they are codes, not quantities
        self.assertEqual(self.mapped(["strip"], 1001), "1001")

    def test_non_text_is_rejected(self):
        for value in (1.5, True, {"code": "A"}, ["A"], b"A-1001", 10**200):
            issue = self.rejected(["strip"], value, "wrong_type")
            self.assertIn("expected text", issue.message)


@tagged("post_install", "-at_install")
class TestNumberTransforms(MappingCase):
    def test_integer_accepts_whole_numbers(self):
        cases = [(42, 42), (42.0, 42), (" 42 ", 42), ("+7", 7), ("-3", -3), ("12.000", 12)]
        for value, expected in [*cases, ("1e3", 1000)]:
            self.assertEqual(self.mapped(["integer"], value), expected, value)
            self.assertIs(type(self.mapped(["integer"], value)), int)
        self.assertEqual(self.mapped(["integer"], Decimal("5")), 5)
        self.assertEqual(self.mapped(["integer"], 2**63 - 1), 2**63 - 1)

    def test_integer_rejects_fractions_text_bool_and_overflow(self):
        for value in ("1.5", 1.5, "1e-3"):
            self.assertIn(
                "whole number", self.rejected(["integer"], value, "invalid_number").message
            )
        for value in ("abc", "", "1,5", "١٢٣", "1_000", "0x10", float("nan"), float("inf")):
            self.rejected(["integer"], value, "invalid_number")
        for value in (2**63, -(2**63) - 1, "9" * 30, 1e19, 10**5000, "1e999999999"):
            self.rejected(["integer"], value, "out_of_range")
        for value in (True, False, [1], {"n": 1}, b"1"):
            self.rejected(["integer"], value, "wrong_type")

    def test_decimal_rounds_half_up_to_a_float(self):
        self.assertEqual(self.mapped([("decimal", 2)], 2.675), 2.68)  # binary float is 2.67499..
        self.assertEqual(self.mapped([("decimal", 2)], "2.665"), 2.67)
        self.assertEqual(self.mapped([("decimal", 2)], "-2.675"), -2.68)
        self.assertEqual(self.mapped([("decimal", 0)], " 2.5 "), 3.0)
        self.assertEqual(self.mapped([{"name": "decimal", "precision": 3}], 7), 7.0)
        self.assertEqual(self.mapped(["decimal"], "1.23456789"), 1.23456789)
        self.assertIs(type(self.mapped(["decimal"], 7)), float)
        self.assertEqual(str(self.mapped([("decimal", 2)], "-0.001")), "0.0", "no negative zero")

    def test_decimal_rejects_nan_inf_bool_and_huge(self):
        for value in ("NaN", float("nan"), float("inf"), "-inf", "1,5", "12 kg", Decimal("NaN")):
            self.rejected([("decimal", 2)], value, "invalid_number")
        for value in (True, [1.5], {"v": 1}, b"1.5"):
            self.rejected([("decimal", 2)], value, "wrong_type")
        self.rejected(["decimal"], "1e400", "out_of_range")
        self.rejected([("decimal", 2)], "9e999999", "out_of_range")
        self.rejected(["decimal"], 10**400, "out_of_range")


@tagged("post_install", "-at_install")
class TestDateTransforms(MappingCase):
    def test_date_parses_iso_and_custom_formats(self):
        self.assertEqual(self.mapped(["date"], "2024-03-31"), date(2024, 3, 31))
        self.assertEqual(self.mapped([("date", "%d.%m.%Y")], " 31.03.2024 "), date(2024, 3, 31))
        self.assertEqual(self.mapped(["date"], date(2024, 1, 2)), date(2024, 1, 2))

    def test_date_rejects_bad_values(self):
        for value in ("31.03.2024", "2024-02-30", "tomorrow", "2024-03-31T10:00:00"):
            self.rejected(["date"], value, "invalid_date")
        for value in (20240331, 1.5, ["2024-03-31"], True):
            self.rejected(["date"], value, "wrong_type")

    def test_datetime_iso_with_offset_becomes_naive_utc(self):
        expected = datetime(2024, 3, 31, 12, 0)
        self.assertEqual(self.mapped(["datetime"], "2024-03-31T14:00:00+02:00"), expected)
        self.assertEqual(self.mapped(["datetime"], "2024-03-31T12:00:00Z"), expected)
        # the offset in the text wins over the tz parameter, which is for naive text only
        with_tz = [("datetime", None, "America/New_York")]
        self.assertEqual(self.mapped(with_tz, "2024-03-31T12:00:00+00:00"), expected)

    def test_datetime_naive_text_is_read_in_the_given_time_zone(self):
        berlin = [{"name": "datetime", "format": "%d.%m.%Y %H:%M", "tz": "Europe/Berlin"}]
        self.assertEqual(self.mapped(berlin, "15.01.2024 08:30"), datetime(2024, 1, 15, 7, 30))
        self.assertEqual(self.mapped(berlin, "15.07.2024 08:30"), datetime(2024, 7, 15, 6, 30))
        self.assertEqual(
            self.mapped(["datetime"], "2024-07-15 08:30:00"), datetime(2024, 7, 15, 8, 30)
        )
        self.assertIsNone(self.mapped(berlin, "15.07.2024 08:30").tzinfo)

    def test_datetime_rejects_bad_values(self):
        for value in ("15.07.2024", "2024-07-15T25:00", "now", "0001-01-01T00:00:00+01:00"):
            self.rejected(["datetime"], value, "invalid_datetime")
        for value in (1721030400, {"at": "2024"}, False):
            self.rejected(["datetime"], value, "wrong_type")

    def test_outbound_formats_dates_and_odoo_utc_datetimes(self):
        self.assertEqual(
            self.mapped([("date", "%d.%m.%Y")], date(2024, 3, 31), "outbound"), "31.03.2024"
        )
        self.assertEqual(self.mapped(["date"], "2024-03-31", "outbound"), "2024-03-31")
        stored = datetime(2024, 7, 15, 6, 30)  # naive UTC, as Odoo stores it
        berlin = [("datetime", None, "Europe/Berlin")]
        self.assertEqual(self.mapped(berlin, stored, "outbound"), "2024-07-15T08:30:00+02:00")
        local = [("datetime", "%d.%m.%Y %H:%M", "Europe/Berlin")]
        self.assertEqual(self.mapped(local, "2024-01-15 07:30:00", "outbound"), "15.01.2024 08:30")
        self.rejected(["date"], "31.03.2024", "invalid_date", "outbound")
        self.rejected(["datetime"], 5, "wrong_type", "outbound")


@tagged("post_install", "-at_install")
class TestResolverTransforms(MappingCase):
    def test_uom_with_constant_units(self):
        self.assertAlmostEqual(self.mapped([("uom", "g", "kg")], 1500), 1.5)
        self.assertAlmostEqual(self.mapped([("uom", "g", "kg")], " 250 "), 0.25)
        issue = self.rejected([("uom", "oz", "kg")], 3, "unknown_unit")
        self.assertIn("oz", issue.message)
        self.rejected([("uom", "g", "kg")], "a lot", "invalid_number")
        self.rejected([("uom", "g", "kg")], True, "wrong_type")
        self.rejected([("uom", "kg", "g")], 1e306, "out_of_range")

    def test_uom_reads_the_unit_from_the_payload(self):
        spec = [
            LineSpec(
                source="qty",
                target="q",
                transforms=[{"name": "uom", "from_uom_path": "unit", "to_uom": "kg"}],
            )
        ]
        self.assertAlmostEqual(
            self.run_lines(spec, {"qty": 2, "unit": "lb"}).values["q"], 0.90718474
        )
        for payload in ({"qty": 2}, {"qty": 2, "unit": ""}, {"qty": 2, "unit": {"x": 1}}):
            issues = self.run_lines(spec, payload).errors
            self.assertEqual([issue.code for issue in issues], ["missing_unit"], payload)

    def test_value_map(self):
        self.assertEqual(self.mapped([("value_map", "status")], "20"), "confirmed")
        self.assertEqual(self.mapped([("value_map", "status")], 90), "done", "numbers are codes")
        self.assertEqual(self.mapped([("value_map", "status")], True), "blocked")
        self.assertIsNone(self.mapped([("value_map", "status")], ""))
        self.assertIn(
            "'55'", self.rejected([("value_map", "status")], "55", "unknown_value").message
        )
        self.rejected([("value_map", "status")], {"code": 10}, "wrong_type")
        self.assertEqual(self.mapped([("value_map", "status")], "done", "outbound"), "90")
        self.rejected([("value_map", "status")], "cancel", "unknown_value", "outbound")

    def test_xref_finds_the_record_and_never_guesses(self):
        self.assertEqual(
            self.mapped(["strip", "upper", ("xref", "product.product")], " a-1001 "), 7
        )
        self.assertEqual(self.mapped([("xref", "product.product")], 1001), 8)
        issue = self.rejected([("xref", "product.product")], "A-1002", "unknown_reference")
        self.assertEqual(issue.reference, ("product.product", "A-1002"))
        self.assertEqual(issue.value_repr, "'A-1002'")
        self.rejected([("xref", "product.product")], ["A-1001"], "wrong_type")

    def test_xref_of_master_data_not_received_yet_can_park(self):
        issue = self.rejected([("xref", "res.partner")], "C-NEW", "missing_reference")
        self.assertEqual(issue.reference, ("res.partner", "C-NEW"))

    def test_xref_outbound_gives_the_external_code(self):
        self.assertEqual(self.mapped([("xref", "product.product")], 7, "outbound"), "FG-1001")
        self.rejected([("xref", "product.product")], 99, "unknown_reference", "outbound")
        self.rejected([("xref", "product.product")], "7", "wrong_type", "outbound")

    def test_missing_resolvers_are_issues(self):
        spec = MappingSpec(
            lines=[LineSpec(source="v", target="t", transforms=[("xref", "res.partner")])]
        )
        for resolvers in (None, object()):
            result = mapping.evaluate(spec, {"v": "C-1"}, resolvers)
            self.assertEqual([issue.code for issue in result.errors], ["no_resolver"])

    def test_a_failing_resolver_is_not_blamed_on_the_payload(self):
        spec = MappingSpec(
            lines=[LineSpec(source="v", target="t", transforms=[("xref", "res.partner")])]
        )
        with self.assertRaises(ConnectionError):
            mapping.evaluate(spec, {"v": "C-1"}, BrokenResolvers())


@tagged("post_install", "-at_install")
class TestLines(MappingCase):
    def test_absent_null_default_and_constant(self):
        lines = [
            LineSpec(source="a", target="a"),
            LineSpec(source="b", target="b"),
            LineSpec(source="c", target="c", default="x"),
            LineSpec(source="d", target="d", default="x"),
            LineSpec(source="e", target="e", default="x"),
            LineSpec(target="f", constant="KG", transforms=["lower"]),
        ]
        result = self.run_lines(lines, {"b": None, "d": None, "e": "", "f": "no"})
        self.assertEqual(result.errors, [])
        self.assertEqual(result.values, {"b": None, "c": "x", "d": "x", "e": "", "f": "kg"})
        self.assertNotIn("a", result.values, "absent leaves the field untouched, null clears it")

    def test_required(self):
        lines = [
            LineSpec(source=key, target=key, required=True, transforms=["strip"]) for key in "abcd"
        ]
        result = self.run_lines(lines, {"b": None, "c": "   ", "d": "ok"})
        self.assertEqual(result.values, {"d": "ok"})
        found = {(issue.path, issue.code, issue.message) for issue in result.errors}
        self.assertEqual(
            found,
            {
                ("a", "required", "is required but absent"),
                ("b", "required", "is required but empty"),
                ("c", "required", "is required but empty"),
            },
        )
        with_default = [LineSpec(source="a", target="a", required=True, default="EA")]
        self.assertEqual(self.run_lines(with_default, {}).values, {"a": "EA"})

    def test_paths_with_list_indexes(self):
        payload = {
            "header": {"item": {"code": "A-1"}},
            "rows": [{"qty": 1}, {"qty": 2}],
            "0": "key",
        }
        lines = [
            LineSpec(source="header.item.code", target="code"),
            LineSpec(source="rows.1.qty", target="second"),
            LineSpec(source="rows.5.qty", target="missing"),
            LineSpec(source="0", target="digit_key"),
            LineSpec(source="header.nothing.code", target="deep_missing"),
        ]
        result = self.run_lines(lines, payload)
        self.assertEqual(result.errors, [])
        self.assertEqual(result.values, {"code": "A-1", "second": 2, "digit_key": "key"})

    def test_reading_through_a_scalar_is_a_type_issue(self):
        lines = [LineSpec(source="header.item.code", target="code", required=True)]
        issue = self.run_lines(lines, {"header": {"item": "A-1"}}).errors[0]
        self.assertEqual((issue.path, issue.code), ("header.item.code", "wrong_type"))
        self.assertEqual(self.run_lines(lines, {"header": None}).errors[0].code, "required")

    def test_every_issue_is_reported_in_one_evaluation(self):
        lines = [
            LineSpec(source="item", target="product_id", transforms=[("xref", "product.product")]),
            LineSpec(source="qty", target="qty", transforms=[("decimal", 2)]),
            LineSpec(source="date", target="date", transforms=["date"]),
            LineSpec(source="status", target="state", transforms=[("value_map", "status")]),
            LineSpec(source="note", target="note", transforms=["strip"]),
            LineSpec(source="ref", target="ref", required=True),
        ]
        payload = {
            "item": "X-9",
            "qty": "many",
            "date": "yesterday",
            "status": "77",
            "note": " ok ",
        }
        result = self.run_lines(lines, payload)
        self.assertEqual(
            [(issue.path, issue.code) for issue in result.errors],
            [
                ("item", "unknown_reference"),
                ("qty", "invalid_number"),
                ("date", "invalid_date"),
                ("status", "unknown_value"),
                ("ref", "required"),
            ],
        )
        self.assertEqual(result.values, {"note": "ok"})
        with self.assertRaises(mapping.MappingError) as caught:
            mapping.evaluate_or_raise(MappingSpec(lines=lines), payload, self.resolvers)
        self.assertEqual(caught.exception.issues, result.errors)
        self.assertIn("5 mapping issue(s)", str(caught.exception))
        self.assertEqual(
            mapping.evaluate_or_raise(MappingSpec(lines=lines[4:5]), payload), {"note": "ok"}
        )

    def test_huge_values_are_refused_and_shown_short(self):
        lines = [LineSpec(source="v", target="t")]
        issue = self.run_lines(lines, {"v": "x" * 100_001}).errors[0]
        self.assertEqual(issue.code, "too_long")
        self.assertLessEqual(len(issue.value_repr), 80)
        small = mapping.Limits(max_length=10)
        self.assertEqual(
            self.run_lines(lines, {"v": "x" * 11}, limits=small).errors[0].code, "too_long"
        )
        self.assertEqual(self.run_lines(lines, {"v": "x" * 100_000}).values["t"], "x" * 100_000)
        issue = self.rejected(["integer"], "7" * 90_000, "out_of_range")
        self.assertLessEqual(len(issue.value_repr), 80)

    def test_outbound_builds_a_nested_payload(self):
        lines = [
            LineSpec(
                source="product_id",
                target="header.item.code",
                transforms=[("xref", "product.product")],
            ),
            LineSpec(source="state", target="header.status", transforms=[("value_map", "status")]),
            LineSpec(source="date_planned", target="due", transforms=[("date", "%d.%m.%Y")]),
            LineSpec(constant="ODOO", target="header.sender"),
        ]
        record = {"product_id": 7, "state": "confirmed", "date_planned": date(2024, 3, 31)}
        result = self.run_lines(lines, record, "outbound")
        self.assertEqual(result.errors, [])
        self.assertEqual(
            result.values,
            {
                "header": {"item": {"code": "FG-1001"}, "status": "20", "sender": "ODOO"},
                "due": "31.03.2024",
            },
        )

    def test_two_lines_writing_one_target_conflict(self):
        lines = [LineSpec(source="a", target="x"), LineSpec(source="b", target="x.y")]
        issue = self.run_lines(lines, {"a": 1, "b": 2}).errors[0]
        self.assertEqual((issue.code, issue.path), ("target_conflict", "b"))

    def test_digit_parts_of_targets_build_list_items(self):
        lines = [
            LineSpec(source="ORDERNO", target="order"),
            LineSpec(source="ITEMNO", target="lines.0.item"),
            LineSpec(source="QTY", target="lines.0.quantity"),
            LineSpec(source="ALT", target="lines.1.item"),
        ]
        row = {"ORDERNO": "SO-1", "ITEMNO": "A-1", "QTY": 2, "ALT": "A-2"}
        result = self.run_lines(lines, row)
        self.assertEqual(result.errors, [])
        self.assertEqual(
            result.values,
            {"order": "SO-1", "lines": [{"item": "A-1", "quantity": 2}, {"item": "A-2"}]},
        )
        clash = [LineSpec(source="a", target="x.0"), LineSpec(source="b", target="x.y")]
        issue = self.run_lines(clash, {"a": 1, "b": 2}).errors[0]
        self.assertEqual((issue.code, issue.path), ("target_conflict", "b"))

    def test_a_bad_direction_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            mapping.evaluate(MappingSpec(), {}, direction="sideways")


def order_spec():
    return MappingSpec.from_dict(
        {
            "lines": [
                {
                    "source": "number",
                    "target": "client_order_ref",
                    "required": True,
                    "transforms": ["strip"],
                },
                {
                    "source": "customer",
                    "target": "partner_id",
                    "required": True,
                    "transforms": ["strip", "upper", ["xref", "res.partner"]],
                },
                {
                    "source": "lines",
                    "target": "order_line",
                    "required": True,
                    "children": {
                        "lines": [
                            {
                                "source": "item",
                                "target": "product_id",
                                "required": True,
                                "transforms": [["xref", "product.product"]],
                            },
                            {
                                "source": "qty",
                                "target": "product_uom_qty",
                                "default": "1",
                                "transforms": [
                                    {"name": "uom", "from_uom_path": "unit", "to_uom": "kg"}
                                ],
                            },
                            {
                                "source": "lots",
                                "target": "lot_ids",
                                "children": {
                                    "lines": [
                                        {
                                            "source": "code",
                                            "target": "name",
                                            "required": True,
                                            "transforms": ["strip"],
                                        },
                                    ]
                                },
                            },
                        ]
                    },
                },
            ]
        }
    )


@tagged("post_install", "-at_install")
class TestNestedLines(MappingCase):
    def evaluate(self, payload, limits=None):
        return mapping.evaluate(order_spec(), payload, self.resolvers, limits=limits)

    def test_an_order_with_its_lines(self):
        payload = {
            "number": " SO-1 ",
            "customer": "c-1",
            "lines": [
                {
                    "item": "FG-1001",
                    "qty": 1500,
                    "unit": "g",
                    "lots": [{"code": " L1 "}, {"code": "L2"}],
                },
                {"item": "1001", "unit": "kg"},
            ],
        }
        result = self.evaluate(payload)
        self.assertEqual(result.errors, [])
        self.assertTrue(result.ok)
        self.assertEqual(
            result.values,
            {
                "client_order_ref": "SO-1",
                "partner_id": 3,
                "order_line": [
                    {
                        "product_id": 7,
                        "product_uom_qty": 1.5,
                        "lot_ids": [{"name": "L1"}, {"name": "L2"}],
                    },
                    {"product_id": 8, "product_uom_qty": 1.0},
                ],
            },
        )

    def test_errors_at_several_indexes_are_reported_together(self):
        good = {"item": "FG-1001", "qty": 1, "unit": "kg"}
        payload = {
            "number": "SO-2",
            "customer": "C-1",
            "lines": [
                {"item": "NOPE", "qty": 1, "unit": "kg"},
                good,
                good,
                {"item": "FG-1001", "qty": "x", "unit": "kg"},
                good,
                {"qty": 1, "unit": "oz", "lots": [{"code": "L"}, {"code": "  "}, "L3"]},
                "not an object",
            ],
        }
        result = self.evaluate(payload)
        self.assertEqual(
            [(issue.path, issue.target, issue.code) for issue in result.errors],
            [
                ("lines.0.item", "product_id", "unknown_reference"),
                ("lines.3.qty", "product_uom_qty", "invalid_number"),
                ("lines.5.item", "product_id", "required"),
                ("lines.5.qty", "product_uom_qty", "unknown_unit"),
                ("lines.5.lots.1.code", "name", "required"),
                ("lines.5.lots.2", "lot_ids", "not_an_object"),
                ("lines.6", "order_line", "not_an_object"),
            ],
        )
        self.assertEqual(len(result.values["order_line"]), 7, "one row per item, even failing ones")

    def test_children_shapes(self):
        base = {"number": "SO-3", "customer": "C-1"}

        def codes(payload):
            return [(i.path, i.code) for i in self.evaluate({**base, **payload}).errors]

        self.assertEqual(codes({}), [("lines", "required")])
        self.assertEqual(codes({"lines": []}), [("lines", "required")])
        self.assertEqual(codes({"lines": None}), [("lines", "required")])
        self.assertEqual(codes({"lines": {"item": "FG-1001"}}), [("lines", "not_a_list")])
        self.assertEqual(codes({"lines": "FG-1001"}), [("lines", "not_a_list")])
        optional = [LineSpec(source="lines", target="rows", children=MappingSpec(lines=[]))]
        self.assertEqual(self.run_lines(optional, {"lines": None}).values, {"rows": []})
        self.assertEqual(self.run_lines(optional, {}).values, {})

    def test_limits_on_items_issues_and_depth(self):
        many = {"number": "SO-4", "customer": "C-1", "lines": [{"item": "?"}] * 30}
        self.assertEqual(
            self.evaluate(many, mapping.Limits(max_items=20)).errors[0].code, "too_many_items"
        )
        issues = self.evaluate(many, mapping.Limits(max_issues=10)).errors
        self.assertEqual(len(issues), 11)
        self.assertEqual(issues[-1].code, "too_many_issues")
        # a spec that contains itself (possible with plain objects) stops at max_depth
        looping = MappingSpec(lines=[])
        looping.lines.append(LineSpec(source="sub", target="sub", children=looping))
        payload = current = {}
        for _ in range(50):
            current["sub"] = [{}]
            current = current["sub"][0]
        issues = mapping.evaluate(looping, payload, limits=mapping.Limits(max_depth=5)).errors
        self.assertEqual([issue.code for issue in issues], ["too_deep"])
        self.assertEqual(issues[0].path, ".".join(["sub.0"] * 6))
        self.assertTrue(mapping.validate_spec(looping))

    def test_a_payload_that_is_not_an_object(self):
        for payload in ([], "text", None, 5):
            issue = self.evaluate(payload).errors[0]
            self.assertEqual((issue.path, issue.code), ("$", "not_an_object"))


@tagged("post_install", "-at_install")
class TestValidateSpec(MappingCase):
    def problems(self, **line):
        line.setdefault("target", "t")
        line.setdefault("source", "v")
        return mapping.validate_spec(MappingSpec(lines=[LineSpec(**line)]))

    def test_a_good_spec_has_no_problems(self):
        self.assertEqual(mapping.validate_spec(order_spec()), [])
        every = [
            ["strip"],
            ["upper"],
            ["lower"],
            ["integer"],
            [("decimal", 4)],
            [("date", "%d.%m.%Y")],
            [("datetime", "%Y-%m-%dT%H:%M:%S%z", "Europe/Berlin")],
            [("uom", "g", "kg")],
            [("value_map", "status")],
            [("xref", "res.partner")],
        ]
        for transforms in every:
            self.assertEqual(self.problems(transforms=transforms), [], transforms)

    def test_transform_problems(self):
        cases = [
            (["uper"], "unknown transform 'uper'"),
            ([("decimal", -1)], "precision must be a whole number"),
            ([("decimal", "2")], "precision must be a whole number"),
            ([("decimal", 2, 3)], "too many parameters"),
            ([{"name": "decimal", "digits": 2}], "unknown parameter 'digits'"),
            ([("date", "%d.%m")], "loses part of the value"),
            ([("date", "%Q")], "invalid"),
            ([("date", "dd.mm.yyyy")], "must be a strptime format"),
            ([("datetime", "%d.%m.%Y %I:%M")], "loses part of the value"),
            ([("datetime", None, "Mars/Olympus")], "unknown time zone"),
            ([("xref",)], "model is required"),
            ([("value_map",)], "table is required"),
            ([("uom", "g")], "exactly one of to_uom and to_uom_path"),
            (
                [{"name": "uom", "from_uom": "g", "from_uom_path": "u", "to_uom": "kg"}],
                "exactly one of from_uom",
            ),
            ([{"name": "uom", "from_uom_path": "a..b", "to_uom": "kg"}], "empty part"),
            ([42], "unknown transform"),
            ("strip", "transforms must be a list"),
        ]
        for transforms, expected in cases:
            problems = self.problems(transforms=transforms)
            self.assertEqual(len(problems), 1, (transforms, problems))
            self.assertIn(expected, problems[0], transforms)
            self.assertTrue(problems[0].startswith("line 1 ('t'): "), problems[0])

    def test_line_problems(self):
        self.assertIn("both a source and a constant", self.problems(constant="X")[0])
        self.assertIn("needs a source or a constant", self.problems(source=None)[0])
        self.assertIn("empty part", self.problems(source="header..code")[0])
        self.assertIn("target", self.problems(target="")[0])
        self.assertIn("default must be", self.problems(default={"a": 1})[0])
        self.assertIn(
            "no transforms", self.problems(children=MappingSpec(), transforms=["strip"])[0]
        )
        spec = MappingSpec(
            lines=[LineSpec(source="a", target="x"), LineSpec(source="b", target="x")]
        )
        self.assertEqual(len(mapping.validate_spec(spec)), 2)
        nested = MappingSpec(
            lines=[
                LineSpec(
                    source="lines",
                    target="order_line",
                    children=MappingSpec(
                        lines=[LineSpec(source="q", target="qty", transforms=["intger"])]
                    ),
                )
            ]
        )
        self.assertEqual(
            mapping.validate_spec(nested),
            ["line 1 ('order_line') > line 1 ('qty'): transform 1: unknown transform 'intger'"],
        )
        self.assertEqual(
            mapping.validate_spec("not a spec"), ["not a MappingSpec with a list of lines"]
        )

    def test_evaluating_a_broken_spec_reports_instead_of_crashing(self):
        spec = MappingSpec(lines=[LineSpec(source="v", target="t", transforms=["nope"]), "junk"])
        result = mapping.evaluate(spec, {"v": 1}, self.resolvers)
        self.assertEqual([issue.code for issue in result.errors], ["invalid_spec", "invalid_spec"])


# --- property tests: whatever arrives, evaluation answers with values and issues ------------


def _nest(value, depth, as_dict):
    for _ in range(depth):
        value = {"v": value} if as_dict else [value]
    return value


_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(0, 20_000).map(lambda n: 10**n),
    st.floats(),
    st.text(max_size=30),
    _ANY_TEXT,
    st.integers(0, 150_000).map(lambda n: "é" * n),
    st.sampled_from(
        [
            "  A-1001 ",
            "FG-1001",
            "10",
            "1500",
            "2024-03-31",
            "31.03.2024 14:00",
            "2024-03-31T14:00:00+02:00",
            "g",
            "kg",
            "C-NEW",
            "1e999999",
            "NaN",
            "",
        ]
    ),
    st.binary(max_size=20),
    st.decimals(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, timezone.utc])),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)
VALUES = st.one_of(JSON, st.builds(_nest, JSON, st.integers(0, 1_000), st.booleans()))
PROPERTY_TRANSFORMS = [
    ["strip", "upper", "lower"],
    ["integer"],
    [("decimal", 3)],
    ["date"],
    [("date", "%d.%m.%Y")],
    [("datetime", "%d.%m.%Y %H:%M", "Europe/Berlin")],
    ["datetime"],
    [{"name": "uom", "from_uom_path": "unit", "to_uom": "kg"}],
    [("uom", "g", "kg")],
    [("value_map", "status")],
    ["strip", ("xref", "product.product")],
    [("xref", "res.partner")],
]
PROPERTY_SPEC = MappingSpec(
    lines=[
        *(
            LineSpec(
                source=f"v{n}",
                target=f"t{n}",
                required=n % 2 == 0,
                default="1" if n % 3 else None,
                transforms=transforms,
            )
            for n, transforms in enumerate(PROPERTY_TRANSFORMS)
        ),
        LineSpec(source="deep.a.0.b", target="deep", transforms=["strip"]),
        LineSpec(
            source="lines",
            target="rows",
            children=MappingSpec(
                lines=[
                    LineSpec(source="qty", target="qty", transforms=[("decimal", 2)]),
                    LineSpec(
                        source="qty",
                        target="kg",
                        transforms=[{"name": "uom", "from_uom_path": "unit", "to_uom": "kg"}],
                    ),
                    LineSpec(
                        source="item",
                        target="product_id",
                        required=True,
                        transforms=[("xref", "product.product")],
                    ),
                    LineSpec(
                        source="lots",
                        target="lots",
                        children=MappingSpec(
                            lines=[LineSpec(source="code", target="name", transforms=["upper"])]
                        ),
                    ),
                ]
            ),
        ),
    ]
)
_ITEM = st.fixed_dictionaries({}, optional={key: VALUES for key in ("qty", "unit", "item", "lots")})
PAYLOADS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            **{f"v{n}": VALUES for n in range(len(PROPERTY_TRANSFORMS))},
            "unit": VALUES,
            "deep": VALUES,
            "lines": st.lists(_ITEM | VALUES, max_size=4) | VALUES,
        },
    ),
    VALUES,
)
KNOWN_CODES = {
    "required",
    "wrong_type",
    "invalid_number",
    "out_of_range",
    "invalid_date",
    "invalid_datetime",
    "missing_unit",
    "unknown_unit",
    "unknown_value",
    "unknown_reference",
    "missing_reference",
    "too_long",
    "too_deep",
    "too_many_items",
    "too_many_issues",
    "not_a_list",
    "not_an_object",
    "target_conflict",
}
PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@tagged("post_install", "-at_install")
class TestMappingProperties(MappingCase):
    def check(self, result):
        self.assertIsInstance(result, mapping.MappingResult)
        self.assertIsInstance(result.values, dict)
        for issue in result.errors:
            self.assertTrue(isinstance(issue.path, str) and issue.path, issue)
            self.assertIn(issue.code, KNOWN_CODES, issue)  # never "internal_error" on data
            self.assertTrue(issue.message)
            self.assertLessEqual(len(issue.value_repr), 80)

    @PROPERTY_SETTINGS
    @given(PAYLOADS, st.sampled_from(["inbound", "outbound"]))
    def test_any_payload_gives_values_and_issues_never_an_exception(self, payload, direction):
        self.check(mapping.evaluate(PROPERTY_SPEC, payload, self.resolvers, direction))

    @PROPERTY_SETTINGS
    @given(
        st.lists(st.tuples(st.sampled_from([*mapping.TRANSFORMS, "bogus"]), JSON), max_size=4), JSON
    )
    def test_any_transform_parameters_are_validated_or_reported(self, transforms, value):
        spec = MappingSpec(lines=[LineSpec(source="v", target="t", transforms=transforms)])
        problems = mapping.validate_spec(spec)
        self.assertTrue(all(isinstance(problem, str) for problem in problems))
        result = mapping.evaluate(spec, {"v": value}, self.resolvers)
        if problems:
            self.assertEqual([issue.code for issue in result.errors], ["invalid_spec"])
        else:
            self.check(result)

    def test_very_deep_nesting(self):
        deep = _nest("A-1001", 20_000, as_dict=True)
        payload = {
            "deep": deep,
            "lines": [{"item": _nest(1, 20_000, False), "lots": deep}],
            "v0": deep,
        }
        self.check(mapping.evaluate(PROPERTY_SPEC, payload, self.resolvers))
