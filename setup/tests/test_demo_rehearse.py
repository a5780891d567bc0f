"""``demo.py --rehearse``: what it asks of a package before any database is made."""

import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

SETUP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SETUP))

import demo_rehearse  # noqa: E402

ENDPOINTS = [
    {"code": "PLANT1_MES", "system_type": "mes"},
    {"code": "PLANT2_WMS", "system_type": "wms"},
    {"code": "PLANT2_ERP", "system_type": "legacy_erp"},
]


class TestRehearsePackage(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())

    def write(self, name, document):
        path = self.folder / name
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        return path

    def refused(self, path):
        """The exit status and message of reading ``path`` as a package it refuses."""
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as stop:
            demo_rehearse.read_package(path)
        return stop.exception.code, stderr.getvalue()

    def test_a_package_with_the_three_endpoints_is_read(self):
        path = self.write("plant.json", {"sections": {"endpoints": ENDPOINTS}})
        self.assertEqual(
            json.loads(demo_rehearse.read_package(path))["sections"]["endpoints"], ENDPOINTS
        )

    def test_a_missing_kind_is_named(self):
        path = self.write("plant.json", {"sections": {"endpoints": ENDPOINTS[:2]}})
        code, message = self.refused(path)
        self.assertEqual(code, 2)
        self.assertIn("legacy_erp (PLANT2_ERP)", message)
        self.assertNotIn("wms (", message)

    def test_an_endpoint_under_another_code_is_named(self):
        other = [dict(ENDPOINTS[0], code="SITE9_MES"), *ENDPOINTS[1:]]
        code, message = self.refused(self.write("plant.json", {"sections": {"endpoints": other}}))
        self.assertEqual(code, 2)
        self.assertIn("mes (PLANT1_MES)", message)

    def test_a_file_that_is_not_a_package_is_refused(self):
        for name, text in (("empty.json", ""), ("list.json", "[1, 2]"), ("plain.json", "{}")):
            code, message = self.refused(self.write(name, text))
            self.assertEqual(code, 2, name)
            self.assertIn("is not a configuration package", message)

    def test_the_database_is_named_for_the_file(self):
        self.assertEqual(
            demo_rehearse.database_name("/srv/Plant 7 - Cutover.json"), "rehearse_plant_7_cutover"
        )


if __name__ == "__main__":
    unittest.main()
