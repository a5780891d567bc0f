import io

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import flat_file
from odoo.addons.integration_core.lib.flat_file import Column, FlatFormat

BOM = FlatFormat(
    columns=(
        Column("BOMNO", "bom_code", required=True, group=True),
        Column("ITEMNO", "component", required=True),
        Column("QTY", "quantity", "decimal", required=True),
    ),
    encoding="cp1252",
    delimiter=";",
    decimal_comma=True,
    group_by="BOMNO",
)


def read(data, fmt, **kwargs):
    return list(flat_file.read_records(io.BytesIO(data), fmt, **kwargs))


@tagged("post_install", "-at_install")
class TestFlatFile(BaseCase):
    def test_legacy_dialect_with_decimal_comma_and_cp1252(self):
        fmt = FlatFormat(
            columns=(Column("ITEMNO", "code"), Column("PRICE", "price.list", "decimal")),
            encoding="cp1252",
            delimiter=";",
            decimal_comma=True,
        )
        data = 'ITEMNO;PRICE\r\nÄ-1;1.234,5\r\n"B;2";-0,25\r\n'.encode("cp1252")
        records = read(data, fmt)
        self.assertEqual(
            [flat_file.payload_of(r, fmt) for r in records],
            [{"code": "Ä-1", "price": {"list": 1234.5}}, {"code": "B;2", "price": {"list": -0.25}}],
        )
        self.assertEqual([r.line for r in records], [2, 3])

    def test_rows_grouped_by_a_key_column(self):
        data = b"BOMNO;ITEMNO;QTY\nB1;A1;1,5\nB1;A2;2\nB2;A3;1\n"
        records = read(data, BOM)
        self.assertEqual(len(records), 2)
        self.assertEqual(
            flat_file.payload_of(records[0], BOM),
            {
                "bom_code": "B1",
                "lines": [
                    {"component": "A1", "quantity": 1.5},
                    {"component": "A2", "quantity": 2.0},
                ],
            },
        )
        self.assertEqual((records[0].line, records[0].end_line, records[0].row_count), (2, 3, 2))

    def test_every_bad_row_is_reported_with_its_line_and_reading_goes_on(self):
        data = b"BOMNO;ITEMNO;QTY\nB1;A1;abc\nB2;;1\nB3;A3\nB4;A4;4\n"
        records = read(data, BOM)
        errors = [error for record in records for error in record.errors]
        self.assertEqual(
            errors,
            [
                (2, "QTY 'abc' is not a number"),
                (3, "ITEMNO is required"),
                (4, "QTY is missing (the row is too short)"),
            ],
        )
        self.assertFalse(records[-1].errors)

    def test_a_quoted_line_break_counts_its_lines(self):
        fmt = FlatFormat(columns=(Column("A", "a"), Column("B", "b")), delimiter=";")
        records = read(b'A;B\n"x\ny";1\nz;2\n', fmt)
        self.assertEqual([(r.line, r.end_line) for r in records], [(2, 3), (4, 4)])
        self.assertEqual(flat_file.payload_of(records[0], fmt), {"a": "x\ny", "b": "1"})

    def test_reading_resumes_at_a_checkpoint(self):
        data = b"BOMNO;ITEMNO;QTY\nB1;A1;1\nB1;A2;2\nB2;A3;1\nB3;A4;1\n"
        first = read(data, BOM)[0]
        rest = read(data, BOM, start=first.end_offset, start_line=first.end_line + 1)
        self.assertEqual([r.payload["bom_code"] for r in rest], ["B2", "B3"])
        self.assertEqual([r.line for r in rest], [4, 5])

    def test_fixed_width_columns(self):
        fmt = FlatFormat(
            columns=(
                Column("1", "code", start=1, width=6),
                Column("2", "quantity", "integer", start=7, width=4),
                Column("3", "date", "date", start=11, width=10),
            ),
            kind="fixed",
            header=False,
        )
        records = read(b"A-1     1207.12.2026\nB-2     xx2026-12-07\n", fmt)
        self.assertEqual(
            flat_file.payload_of(records[0], fmt),
            {"code": "A-1", "quantity": 12, "date": "2026-12-07"},
        )
        self.assertEqual(records[1].errors, [(2, "2 'xx' is not a number")])

    def test_a_header_without_a_mapped_column_refuses_the_file(self):
        with self.assertRaisesRegex(flat_file.FormatError, "no column QTY"):
            read(b"BOMNO;ITEMNO\nB1;A1\n", BOM)

    def test_a_file_in_another_encoding_is_refused_with_its_line(self):
        fmt = FlatFormat(columns=(Column("A", "a"),), encoding="utf-8-sig")
        with self.assertRaisesRegex(flat_file.FormatError, "Line 3 is not utf-8-sig text"):
            read("A\nok\nMüller\n".encode("cp1252"), fmt)

    def test_typed_values(self):
        column = Column("X", "x", "boolean")
        self.assertIs(flat_file.parse_value("J", column), True)
        self.assertIs(flat_file.parse_value("n", column), False)
        with self.assertRaisesRegex(ValueError, "not yes or no"):
            flat_file.parse_value("maybe", column)
        decimal = Column("X", "x", "decimal")
        self.assertEqual(flat_file.parse_value("12,50-", decimal, decimal_comma=True), -12.5)
        self.assertEqual(flat_file.parse_value("1,234.5", decimal), 1234.5)
        self.assertIsNone(flat_file.parse_value("  ", decimal))
