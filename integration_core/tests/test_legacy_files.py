"""Legacy flat files through the drop folder: one message per row, bad rows by line number."""

import gzip
import os
import time

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.file_inbound import FILE_MIN_AGE
from .legacy_common import BOM_COLUMNS, LegacyFileCase

POLLER_LOGGER = "odoo.addons.integration_core.tools.file_inbound"


@tagged("post_install", "-at_install")
class TestLegacyFiles(LegacyFileCase):
    def exceptions(self):
        return self.env["integration.exception"].search(
            [("endpoint_id", "=", self.file_endpoint.id)]
        )

    def test_a_cp1252_extract_with_decimal_commas_becomes_one_message_per_row(self):
        rows = self.rows("items", 5)
        rows[0]["DESCR"] = "Schraube Ø8 – verzinkt"
        rows[0]["PRICE"] = 1234.5  # written 1234,5
        path = self.extract("items", rows)
        self.assertIn(b"1234,5", path.read_bytes())
        self.assertIn("Ø8".encode("cp1252"), path.read_bytes())
        self.poll_files()
        messages = self.messages(self.items_flow)
        self.assertEqual(len(messages), 5)
        first = messages[0]
        self.assertEqual(
            first.get_payload_json(),
            {
                "default_code": "A-000001",
                "name": "Schraube Ø8 – verzinkt",
                "uom": "KG",
                "weight": 0.25,
                "list_price": 1234.5,
                "updated_at": "2026-01-05T06:01:00Z",
            },
        )
        self.assertEqual(first.get_headers(), {"file_name": path.name, "line": 2})
        self.assertEqual(self.folder("done"), [path.name])
        self.assertFalse(self.exceptions())
        self.run_queue()
        self.assertEqual(set(messages.mapped("state")), {"done"})

    def test_a_compressed_extract_is_read_as_the_plain_one(self):
        plain = self.extract("items", self.rows("items", 3), stamp="plain")
        packed = plain.with_name(plain.name.replace("plain", "packed") + ".gz")
        packed.write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()
        os.utime(packed, (time.time() - FILE_MIN_AGE - 5,) * 2)
        self.poll_files()
        messages = self.messages(self.items_flow)
        self.assertEqual(len(messages), 3)
        self.assertEqual(messages[2].get_payload_json()["default_code"], "A-000003")
        self.assertEqual(self.folder("done"), [packed.name])

    def test_the_same_file_dropped_twice_creates_nothing_twice(self):
        rows = self.rows("items", 4)
        first = self.extract("items", rows, stamp="1")
        self.poll_files()
        self.extract("items", rows, stamp="2")  # same content, another name
        first_again = self.extract("items", rows, stamp="1")  # same name again
        self.assertEqual(first_again, first)
        self.poll_files()
        self.assertEqual(len(self.messages(self.items_flow)), 4)
        self.assertEqual(len(self.folder("done")), 3)
        self.assertEqual(self.folder("in"), [])

    def bad_extract(self):
        rows = self.rows("items", 6)
        rows[1]["PRICE"] = "zwölf"  # line 3
        rows[4]["ITEMNO"] = ""  # line 6
        return self.extract("items", rows)

    @mute_logger(POLLER_LOGGER)
    def test_all_or_nothing_refuses_the_file_and_names_every_bad_line(self):
        self.assertEqual(self.items_format.row_policy, "all_or_nothing")
        path = self.bad_extract()
        self.poll_files()
        self.assertFalse(self.messages(self.items_flow))
        self.assertEqual(self.folder("error"), [path.name])
        exception = self.exceptions()
        self.assertEqual(len(exception), 1)
        self.assertIn("2 bad rows: nothing of the file was applied", exception.error)
        self.assertIn("line 3: PRICE 'zwölf' is not a number", exception.error)
        self.assertIn("line 6: ITEMNO is required", exception.error)

    def test_good_rows_are_applied_and_the_bad_ones_reported_once(self):
        self.items_format.row_policy = "good_rows"
        path = self.bad_extract()
        self.poll_files()
        messages = self.messages(self.items_flow)
        self.assertEqual([m.get_headers()["line"] for m in messages], [2, 4, 5, 7])
        self.assertEqual(self.folder("done"), [path.name])
        exception = self.exceptions()
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.flow_id, self.items_flow)
        self.assertIn("2 bad rows in", exception.name)
        self.assertIn("line 3: PRICE 'zwölf' is not a number", exception.error)
        self.assertIn("line 6: ITEMNO is required", exception.error)
        # The same file dropped again: nothing new, no second exception.
        self.bad_extract()
        self.poll_files()
        self.assertEqual(len(self.messages(self.items_flow)), 4)
        self.assertEqual(len(self.exceptions()), 1)

    def test_bom_lines_grouped_into_one_message_per_bom(self):
        bom_format = self.make_format("Legacy BOM lines", BOM_COLUMNS, group_by="BOMNO")
        flow = self.make_flow(
            "boms",
            "integration.handler.noop",
            endpoint=self.file_endpoint,
            file_format_id=bom_format.id,
        )
        self.extract("bom_lines", self.rows("bom_lines", 7), flow_code="boms")
        self.poll_files()
        messages = self.messages(flow)
        self.assertEqual(len(messages), 3)  # three lines per BOM: 3 + 3 + 1
        self.assertEqual(
            messages[0].get_payload_json(),
            {
                "bom_code": "B-00001",
                "product": "A-000001",
                "lines": [
                    {"component": "A-001001", "quantity": 1.0, "uom": "ST"},
                    {"component": "A-001002", "quantity": 1.5, "uom": "ST"},
                    {"component": "A-001003", "quantity": 2.0, "uom": "ST"},
                ],
            },
        )
        self.assertEqual([m.get_headers()["line"] for m in messages], [2, 5, 8])

    @mute_logger(POLLER_LOGGER)
    def test_a_file_without_the_mapped_columns_is_refused_with_the_reason(self):
        path = self.extract("partners", self.rows("partners", 2), flow_code="items")
        self.poll_files()
        self.assertFalse(self.messages(self.items_flow))
        self.assertEqual(self.folder("error"), [path.name])
        self.assertIn("The header row has no column ITEMNO", self.exceptions().error)

    @mute_logger(POLLER_LOGGER)
    def test_a_file_in_another_encoding_than_its_format_says_is_refused_with_the_line(self):
        self.items_format.encoding = "utf-8-sig"
        path = self.extract("items", self.rows("items", 2))  # Windows-1252: Ø is not UTF-8
        self.poll_files()
        self.assertFalse(self.messages(self.items_flow))
        self.assertEqual(self.folder("error"), [path.name])
        self.assertIn("Line 2 is not utf-8-sig text", self.exceptions().error)

    def test_a_flow_without_a_format_still_takes_one_json_document_per_file(self):
        flow = self.make_flow("notes", "integration.handler.noop", endpoint=self.file_endpoint)
        (self.root / "in").mkdir(exist_ok=True)
        self.extract("items", [], flow_code="notes")
        self.poll_files()
        self.assertEqual(len(self.messages(flow)), 1)
