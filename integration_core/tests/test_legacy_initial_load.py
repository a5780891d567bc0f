"""Initial loads: a large extract in committed batches that resume without duplicates."""

import gzip
import hashlib
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..tools import flat_inbound
from .common import make_integration_users
from .legacy_common import LegacyFileCase


@tagged("post_install", "-at_install")
class TestInitialLoad(LegacyFileCase):
    def make_load(self, rows=25, batch_rows=10):
        table_rows = self.rows("items", rows)
        self.path = self.legacy.write_extract(
            self.root, "items", table_rows, "items-full", subfolder="initial"
        )
        return self.env["integration.initial.load"].create(
            {
                "flow_id": self.items_flow.id,
                "file_path": f"initial/{self.path.name}",
                "batch_rows": batch_rows,
            }
        )

    def run_batch(self):
        self.env.flush_all()
        self.env["integration.initial.load"]._cron_run()
        self.env.invalidate_all()

    def keys(self):
        return self.messages(self.items_flow).mapped("idempotency_key")

    def test_a_load_runs_in_batches_with_progress_and_a_summary(self):
        load = self.make_load()
        load.action_start()
        self.assertEqual(load.state, "running")
        self.assertEqual(len(load.checksum), 64)
        self.run_batch()
        self.assertEqual((load.rows_read, load.messages_created), (10, 10))
        self.assertEqual(load.checkpoint_line, 12, "header and ten rows read")
        self.assertTrue(0 < load.progress < 100)
        self.run_batch()
        self.run_batch()
        self.assertEqual(load.state, "done")
        self.assertEqual((load.rows_read, load.messages_created, load.refused_count), (25, 25, 0))
        self.assertEqual(load.progress, 100.0)
        self.assertEqual(len(set(self.keys())), 25)
        self.run_batch()  # nothing left to run
        self.assertEqual(len(self.keys()), 25)

    def test_a_batch_above_the_queue_batch_limit_is_queued_in_pieces(self):
        load = self.make_load(rows=1200, batch_rows=1500)
        load.action_start()
        self.run_batch()
        self.assertEqual((load.state, load.messages_created, load.refused_count), ("done", 1200, 0))

    def test_an_interrupted_load_resumes_where_it_stopped_and_creates_nothing_twice(self):
        load = self.make_load()
        load.action_start()
        self.run_batch()
        # The server dies in the middle of the second batch: its messages and its checkpoint
        # are rolled back together.
        real = flat_inbound.queue_records

        def crash_after_queueing(*args, **kwargs):
            real(*args, **kwargs)
            raise KeyboardInterrupt("server stopped")

        with patch.object(flat_inbound, "queue_records", crash_after_queueing):
            with self.assertRaises(KeyboardInterrupt):
                self.run_batch()
        self.env.invalidate_all()
        self.assertEqual((load.state, load.rows_read, load.checkpoint_line), ("running", 10, 12))
        self.assertEqual(len(self.keys()), 10)
        # After the restart the next run goes on from the checkpoint.
        self.run_batch()
        self.assertEqual(load.rows_read, 20)
        # Even a checkpoint lost (set back to the start) creates nothing twice.
        load.write({"checkpoint_offset": 0, "checkpoint_line": 0})
        self.run_batch()
        self.run_batch()
        self.run_batch()
        self.assertEqual(load.state, "done")
        self.assertEqual(len(self.keys()), 25)
        self.assertEqual(len(set(self.keys())), 25)

    def test_refused_rows_are_summed_up_with_their_lines(self):
        rows = self.rows("items", 12)
        rows[2]["PRICE"] = "n/a"  # line 4
        rows[10]["DESCR"] = ""  # line 12
        path = self.legacy.write_extract(self.root, "items", rows, "full", subfolder="initial")
        load = self.env["integration.initial.load"].create(
            {"flow_id": self.items_flow.id, "file_path": str(path), "batch_rows": 5}
        )
        load.action_start()
        for _batch in range(3):
            self.run_batch()
        self.assertEqual(load.state, "done")
        self.assertEqual((load.rows_read, load.messages_created, load.refused_count), (12, 10, 2))
        self.assertEqual(load.refused_rows, "4: PRICE 'n/a' is not a number\n12: DESCR is required")

    def test_a_changed_extract_fails_the_load_and_can_be_resumed_once_restored(self):
        load = self.make_load()
        load.action_start()
        self.run_batch()
        path = self.path
        content = path.read_bytes()
        with open(path, "ab") as stream:
            stream.write(b"A-999;late;ST;G1;1;1;1;2026-01-01T00:00:00Z\r\n")
        self.run_batch()
        self.assertEqual(load.state, "failed")
        self.assertIn("The extract changed", load.error)
        with open(path, "wb") as stream:
            stream.write(content)
        load.action_start()
        self.run_batch()
        self.run_batch()
        self.assertEqual((load.state, len(self.keys())), ("done", 25))

    def test_an_extract_outside_the_drop_folder_is_refused(self):
        load = self.make_load()
        for outside in ("/etc/passwd", "../../etc/passwd", str(self.path.parent.parent.parent)):
            load.file_path = outside
            with self.assertRaisesRegex(UserError, "must lie in the drop folder"):
                load.action_start()
        self.assertEqual(load.state, "draft")

    def test_a_compressed_extract_loads_as_the_plain_one(self):
        load = self.make_load(rows=12, batch_rows=5)
        packed = self.path.with_name(self.path.name + ".gz")
        packed.write_bytes(gzip.compress(self.path.read_bytes()))
        load.file_path = f"initial/{packed.name}"
        load.action_start()
        for _batch in range(3):
            self.run_batch()
        self.assertEqual((load.state, load.messages_created), ("done", 12))
        self.assertEqual(load.checksum, hashlib.sha256(self.path.read_bytes()).hexdigest())

    def test_only_managers_start_or_cancel_a_load(self):
        users = make_integration_users(self.env)
        load = self.make_load()
        as_user = load.with_user(users["user"])
        self.assertEqual(as_user.state, "draft", "users read loads")
        with self.assertRaises(AccessError):
            as_user.action_start()
        with self.assertRaises(AccessError):
            as_user.action_cancel()
        load.with_user(users["manager"]).action_cancel()
        self.assertEqual(load.state, "cancelled")


@tagged("post_install", "-at_install")
class TestInitialLoadScreens(HttpCase):
    def test_the_initial_loads_and_file_formats_menus_open(self):
        make_integration_users(self.env)
        for action in ("integration_initial_load_action", "integration_file_format_action"):
            self.browser_js(
                f"/odoo/action-integration_core.{action}",
                "console.log('test successful')",
                ready="!!document.querySelector('.o_view_nocontent, .o_list_renderer')",
                login="int_manager",
            )
