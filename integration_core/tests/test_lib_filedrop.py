import gzip
import hashlib
import os
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import compression, filedrop
from odoo.addons.integration_core.lib.input_limits import InputError


@tagged("post_install", "-at_install")
class TestFileDrop(BaseCase):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="filedrop-test-")
        self.addCleanup(tmp.cleanup)
        self.root = Path(tmp.name)
        self.folders = filedrop.ensure_layout(self.root)
        self.inbox = self.folders["in"]

    def drop(self, name, data=b"data", mtime=None):
        path = self.inbox / name
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    def test_ensure_layout_creates_the_four_folders_idempotently(self):
        (self.folders["done"] / "kept.csv").write_bytes(b"x")
        folders = filedrop.ensure_layout(self.root)
        self.assertEqual(set(folders), {"in", "done", "error", "out"})
        for name, folder in folders.items():
            self.assertEqual(folder, self.root / name)
            self.assertTrue(folder.is_dir())
        self.assertTrue((self.folders["done"] / "kept.csv").exists())

    def test_write_atomic_writes_the_file_and_leaves_no_temp(self):
        path = filedrop.write_atomic(self.folders["out"], "order-1.json", b'{"a": 1}')
        self.assertEqual(path, self.folders["out"] / "order-1.json")
        self.assertEqual(path.read_bytes(), b'{"a": 1}')
        self.assertEqual(os.listdir(self.folders["out"]), ["order-1.json"])

    def test_write_atomic_is_readable_by_others_per_umask(self):
        path = filedrop.write_atomic(self.folders["out"], "order-1.json", b"x")
        umask = os.umask(0)
        os.umask(umask)
        self.assertEqual(path.stat().st_mode & 0o777, 0o666 & ~umask)

    def test_write_atomic_never_shows_a_partial_file(self):
        seen_before_rename = []
        real_replace = os.replace

        def replace_and_look(src, dst):
            self.assertTrue(Path(src).exists(), "the content is written under a temp name")
            seen_before_rename.append(filedrop.ready_files(self.inbox))
            return real_replace(src, dst)

        with patch.object(filedrop.os, "replace", side_effect=replace_and_look):
            filedrop.write_atomic(self.inbox, "big.csv", b"x" * 100_000)
        self.assertEqual(seen_before_rename, [[]])
        self.assertEqual(filedrop.ready_files(self.inbox), [self.inbox / "big.csv"])

    def test_failed_write_leaves_nothing_behind(self):
        with patch.object(filedrop.os, "fsync", side_effect=OSError("disk full")):
            with self.assertRaises(OSError):
                filedrop.write_atomic(self.inbox, "order.csv", b"partial")
        self.assertEqual(os.listdir(self.inbox), [])
        self.assertEqual(filedrop.ready_files(self.inbox), [])

    def test_write_atomic_replaces_a_previous_attempt(self):
        filedrop.write_atomic(self.folders["out"], "order-1.json", b"first try")
        path = filedrop.write_atomic(self.folders["out"], "order-1.json", b"second try")
        self.assertEqual(path.read_bytes(), b"second try")

    def test_write_atomic_refuses_names_that_escape_or_hide(self):
        for name in ("../escape.csv", "sub/file.csv", ".hidden", "upload.tmp", "", ".."):
            with self.subTest(name=name):
                with self.assertRaises(ValueError):
                    filedrop.write_atomic(self.inbox, name, b"x")
        self.assertFalse((self.root / "escape.csv").exists())

    def test_ready_files_sorted_by_mtime_then_name(self):
        now = time.time() - 100
        self.drop("c.csv", mtime=now)
        self.drop("b.csv", mtime=now + 10)
        self.drop("a.csv", mtime=now + 10)
        self.drop("d.csv", mtime=now - 10)
        names = [path.name for path in filedrop.ready_files(self.inbox)]
        self.assertEqual(names, ["d.csv", "c.csv", "a.csv", "b.csv"])

    def test_ready_files_skips_temporary_hidden_and_folders(self):
        for name in (".hidden.csv", "upload.csv.tmp", "x.PART", "y.filepart", "z.csv~"):
            self.drop(name)
        (self.inbox / "subfolder").mkdir()
        (self.inbox / "subfolder" / "nested.csv").write_bytes(b"x")
        self.drop("real.csv")
        self.assertEqual(filedrop.ready_files(self.inbox), [self.inbox / "real.csv"])

    def test_ready_files_waits_for_files_still_being_written(self):
        path = self.drop("fresh.csv")
        self.assertEqual(filedrop.ready_files(self.inbox, min_age=60), [])
        old = time.time() - 120
        os.utime(path, (old, old))
        self.assertEqual(filedrop.ready_files(self.inbox, min_age=60), [path])

    def test_sha256_file_matches_content_across_chunks(self):
        data = os.urandom(2 * 1024 * 1024 + 123)
        path = self.drop("large.bin", data)
        self.assertEqual(filedrop.sha256_file(path), hashlib.sha256(data).hexdigest())
        empty = self.drop("empty.bin", b"")
        self.assertEqual(filedrop.sha256_file(empty), hashlib.sha256(b"").hexdigest())

    def test_read_content_inflates_gz_files_within_the_limit(self):
        content = b'{"ref": "C-1", "name": "Compressed"}'
        self.assertEqual(filedrop.read_content(self.drop("a.json", content), 100), content)
        for name in ("a.json.gz", "b.JSON.GZ"):
            path = self.drop(name, gzip.compress(content))
            self.assertEqual(filedrop.read_content(path, 100), content)
        with self.assertRaisesRegex(InputError, "The file is over 10 bytes"):
            filedrop.read_content(self.drop("c.json", content), 10)
        spaces = gzip.compress(b" " * 101 + b"{}")  # 25 bytes
        with self.assertRaisesRegex(InputError, "inflates past 100 bytes"):
            filedrop.read_content(self.drop("c.json.gz", spaces), 100)
        with self.assertRaisesRegex(InputError, "compressed content is over 10 bytes"):
            filedrop.read_content(self.drop("c.json.gz", spaces), 10)
        with self.assertRaisesRegex(InputError, "not valid gzip"):
            filedrop.read_content(self.drop("d.json.gz", content), 100)

    def test_a_gz_bomb_is_read_no_further_than_one_piece(self):
        bomb = gzip.compress(bytes(2**20)) * 200  # 200 kB that inflate to 200 MiB
        path = self.drop("bomb.json.gz", bomb)
        with self.assertRaises(compression.TooLarge) as raised:
            filedrop.read_content(path, 2**20)
        self.assertEqual(raised.exception.inflated, 2**20 + 1)
        self.assertEqual(raised.exception.consumed, compression.CHUNK)
        self.assertGreater(len(bomb), 3 * compression.CHUNK)

    def test_move_to_done_and_error(self):
        done = filedrop.move_to(self.drop("ok.csv", b"ok"), "done")
        error = filedrop.move_to(self.drop("bad.csv", b"bad"), "error")
        self.assertEqual(done, self.folders["done"] / "ok.csv")
        self.assertEqual(error, self.folders["error"] / "bad.csv")
        self.assertEqual(done.read_bytes(), b"ok")
        self.assertEqual(filedrop.ready_files(self.inbox), [])

    def test_move_to_creates_the_target_folder(self):
        self.folders["done"].rmdir()
        moved = filedrop.move_to(self.drop("ok.csv"), "done")
        self.assertTrue(moved.exists())

    def test_move_to_never_overwrites(self):
        moved = [filedrop.move_to(self.drop("orders.csv", b"v%d" % i), "done") for i in range(4)]
        self.assertEqual(len(set(moved)), 4)
        self.assertEqual([path.read_bytes() for path in moved], [b"v0", b"v1", b"v2", b"v3"])
        self.assertEqual(moved[0].name, "orders.csv")
        for path in moved[1:]:
            self.assertRegex(path.name, r"^orders-\d{8}T\d{12}Z(-\d+)?\.csv$")

    def test_move_to_keeps_nothing_when_the_source_is_gone(self):
        with self.assertRaises(FileNotFoundError):
            filedrop.move_to(self.inbox / "vanished.csv", "done")
        self.assertEqual(os.listdir(self.folders["done"]), [])

    def test_move_to_only_done_or_error(self):
        path = self.drop("ok.csv")
        for subfolder in ("out", "in", "../elsewhere", ""):
            with self.subTest(subfolder=subfolder):
                with self.assertRaises(ValueError):
                    filedrop.move_to(path, subfolder)
        self.assertTrue(path.exists())
