"""File drop inbound in a real folder: imported once, duplicates, rejects, crash recovery."""

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import sunset
from ..tools.file_inbound import FILE_MIN_AGE, file_flow_code
from .common import IntegrationCase

FLOW = "partner.upsert"
POLLER_LOGGER = "odoo.addons.integration_core.tools.file_inbound"


@tagged("post_install", "-at_install")
class TestFileInbound(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.file_endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP drop folder",
                "code": "FILE_ERP",
                "environment": "test",
                "transport": "file",
                "file_root": "/nonexistent",  # each test gets its own folder
            }
        )
        cls.file_flow = cls.make_flow(
            FLOW, "integration.handler.partner", endpoint=cls.file_endpoint
        )

    def setUp(self):
        super().setUp()
        self.root = Path(tempfile.mkdtemp(prefix="integration-drop-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.file_endpoint.file_root = str(self.root)

    # ------------------------------------------------------------------ helpers
    def drop(self, name, content, age=FILE_MIN_AGE + 5):
        """Write a file into in/ as a sender that finished writing ``age`` seconds ago."""
        (self.root / "in").mkdir(exist_ok=True)
        path = self.root / "in" / name
        path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
        then = time.time() - age
        os.utime(path, (then, then))
        return path

    def poll(self):
        self.env["integration.inbound.poller"]._cron_poll_files()

    def files(self, folder):
        return sorted(os.listdir(self.root / folder))

    def messages(self):
        return self.env["integration.message"].search([("flow_id", "=", self.file_flow.id)])

    def exceptions(self):
        return self.env["integration.exception"].search(
            [("endpoint_id", "=", self.file_endpoint.id)]
        )

    # ------------------------------------------------------------------ tests
    def test_flow_code_from_the_file_name(self):
        self.assertEqual(file_flow_code("partner.upsert-0001.json"), "partner.upsert")
        self.assertEqual(file_flow_code("partners-2024-01-01.csv"), "partners")
        self.assertEqual(file_flow_code("partner.upsert.json"), "partner.upsert")
        self.assertEqual(file_flow_code("partners"), "partners")
        self.assertEqual(file_flow_code("partner.upsert-0001.json.gz"), "partner.upsert")
        self.assertEqual(file_flow_code("partner.upsert.json.gz"), "partner.upsert")

    def test_a_file_is_imported_once_and_applied(self):
        content = {"ref": "F-1", "name": "From a file"}
        path = self.drop("partner.upsert-001.json", content)
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        self.poll()
        message = self.messages()
        self.assertEqual(message.idempotency_key, f"sha256:{checksum}")
        self.assertEqual(message.get_headers(), {"file_name": "partner.upsert-001.json"})
        self.assertEqual(self.files("in"), [])
        self.assertEqual(self.files("done"), ["partner.upsert-001.json"])
        record = self.env["integration.file.record"].search(
            [("endpoint_id", "=", self.file_endpoint.id)]
        )
        self.assertEqual((record.checksum, record.message_id), (checksum, message))
        self.run_queue()
        self.assertEqual(message.state, "done")
        self.assertEqual(self.env["res.partner"].search([("ref", "=", "F-1")]).name, "From a file")

    def test_the_same_content_dropped_again_is_not_imported_twice(self):
        content = {"ref": "F-2", "name": "Twice"}
        self.drop("partner.upsert-002.json", content)
        self.poll()
        self.drop("partner.upsert-002.json", content)  # same name, same content
        self.drop("partner.upsert-003.json", content)  # another name, same content
        self.poll()
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(self.files("in"), [])
        self.assertEqual(len(self.files("done")), 3, "kept for audit, none overwritten")

    def test_a_gz_file_is_imported_inflated_once_whatever_its_compression(self):
        content = json.dumps({"ref": "F-GZ", "name": "From a remote plant"}).encode()
        self.drop("partner.upsert-gz1.json.gz", gzip.compress(content))
        self.poll()
        message = self.messages()
        self.assertEqual(message.get_payload_json(), json.loads(content))
        checksum = hashlib.sha256(content).hexdigest()
        self.assertEqual(message.idempotency_key, f"sha256:{checksum}", "of the content")
        self.assertEqual(message.get_headers(), {"file_name": "partner.upsert-gz1.json.gz"})
        self.assertEqual(self.files("done"), ["partner.upsert-gz1.json.gz"])
        # The same content again, plain or compressed otherwise: already imported.
        self.drop("partner.upsert-gz2.json", content)
        self.drop("partner.upsert-gz3.json.gz", gzip.compress(content, compresslevel=1))
        self.poll()
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(len(self.files("done")), 3)
        self.run_queue()
        partner = self.env["res.partner"].search([("ref", "=", "F-GZ")])
        self.assertEqual(partner.name, "From a remote plant")

    def test_bad_gz_files_go_to_error_with_the_reason(self):
        self.env["ir.config_parameter"].sudo().set_param("integration.max_request_bytes", 65536)
        content = gzip.compress(json.dumps({"ref": "F-BAD"}).encode())
        cases = {
            "partner.upsert-bomb.json.gz": (gzip.compress(bytes(2**20)), "inflates past 65536"),
            "partner.upsert-cut.json.gz": (content[:-5], "empty or cut short"),
            "partner.upsert-plain.json.gz": (b'{"ref": "F-PLAIN"}', "not valid gzip"),
            "partner.upsert-big.json": (b" " * 70000 + b"{}", "over 65536 bytes"),
        }
        for name, (data, _reason) in cases.items():
            self.drop(name, data)
        with mute_logger(POLLER_LOGGER):
            self.poll()
        self.assertEqual(self.files("error"), sorted(cases))
        self.assertFalse(self.messages())
        for name, (_data, reason) in cases.items():
            exception = self.exceptions().filtered(lambda e, n=name: n in e.name)
            self.assertIn(reason, exception.error, name)

    def test_a_file_still_being_written_waits(self):
        self.drop("partner.upsert-004.json", {"ref": "F-4", "name": "Slow"}, age=0)
        self.poll()
        self.assertFalse(self.messages())
        self.assertEqual(self.files("in"), ["partner.upsert-004.json"])

    def test_text_files_are_kept_as_text(self):
        self.drop("partner.upsert-005.csv", b"\xef\xbb\xbfref;name\nC-5;Csv\n")  # with a BOM
        self.poll()
        self.assertEqual(self.messages().get_payload(), "ref;name\nC-5;Csv\n")

    def test_a_file_for_an_unknown_flow_goes_to_error_with_an_exception(self):
        self.drop("invoices-001.json", {"a": 1})
        with mute_logger(POLLER_LOGGER):
            self.poll()
        self.assertEqual(self.files("in"), [])
        self.assertEqual(self.files("error"), ["invoices-001.json"])
        exception = self.exceptions()
        self.assertEqual(exception.category, "validation")
        self.assertIn("invoices-001.json", exception.name)
        self.assertIn("no active inbound flow 'invoices'", exception.error)
        self.assertFalse(self.messages())

    def test_a_temporary_flow_past_its_sunset_sends_files_to_error_with_the_reason(self):
        self.file_flow.write({"lifecycle": "temporary", "sunset_date": sunset.today()})
        self.drop("partner.upsert-late.json", {"ref": "F-9", "name": "Too late"})
        self.env.flush_all()  # the import reads the flow in a cursor of its own
        with mute_logger(POLLER_LOGGER):
            self.poll()
        self.assertEqual(self.files("error"), ["partner.upsert-late.json"])
        self.assertFalse(self.messages())
        self.assertIn("reached its sunset date", self.exceptions().error)

    def test_files_out_of_the_input_limits_go_to_error_with_the_reason(self):
        code = self.file_flow.code
        cases = {
            f"{code}-nan.json": (b'{"qty": NaN}', "not a JSON number"),
            f"{code}-overflow.json": (b'{"qty": 1e400}', "not a JSON number"),
            f"{code}-deep.json": (b'{"a": ' * 65 + b"1" + b"}" * 65, "deeper than 64"),
            f"{code}-deeper.json": (b'{"a": ' * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
            f"{code}-surrogate.json": (b'{"name": "\\ud800"}', "lone surrogate"),
        }
        for name, (content, _reason) in cases.items():
            self.drop(name, content)
        with mute_logger(POLLER_LOGGER):
            self.poll()
        self.assertEqual(self.files("error"), sorted(cases))
        self.assertFalse(self.messages())
        for name, (_content, reason) in cases.items():
            exception = self.exceptions().filtered(lambda e, n=name: n in e.name)
            self.assertIn(reason, exception.error, name)

    def test_an_unreadable_file_goes_to_error_with_an_exception(self):
        self.drop("partner.upsert-006.csv", "ref;name\nC-6;Müller\n".encode("cp1252"))
        self.drop("partner.upsert-007.json", b"")
        with mute_logger(POLLER_LOGGER):
            self.poll()
        self.assertEqual(self.files("error"), ["partner.upsert-006.csv", "partner.upsert-007.json"])
        errors = self.exceptions().mapped("error")
        self.assertTrue(any("not UTF-8" in error for error in errors), errors)
        self.assertTrue(any("empty" in error for error in errors), errors)
        self.assertFalse(self.messages())

    def test_a_crash_between_commit_and_move_imports_nothing_twice(self):
        path = self.drop("partner.upsert-008.json", {"ref": "F-8", "name": "Crash"})
        body = path.read_bytes()
        # What a poll does up to its commit; then the process dies: the file stays in in/.
        with self.registry.cursor() as cr:
            self.env(cr=cr)["integration.inbound.poller"]._register_file(
                self.file_endpoint.id, path.name, body, hashlib.sha256(body).hexdigest()
            )
        self.assertEqual(self.files("in"), ["partner.upsert-008.json"])
        self.poll()
        self.assertEqual(self.files("in"), [])
        self.assertEqual(self.files("done"), ["partner.upsert-008.json"])
        self.assertEqual(len(self.messages()), 1)
        self.assertFalse(self.exceptions())
