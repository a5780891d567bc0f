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
ACME = [  # a plant's own codes, with an endpoint of a kind the day does not talk to
    {"code": "ACME_MES", "system_type": "mes"},
    {"code": "ACME_WMS", "system_type": "wms"},
    {"code": "ACME_QMS", "system_type": "generic"},
    {"code": "ACME_ERP", "system_type": "legacy_erp"},
]


class TestRehearsePackage(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())

    def write(self, name, document):
        path = self.folder / name
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        return path

    def refused(self, path, choices=None):
        """The exit status and message of reading ``path`` as a package it refuses."""
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as stop:
            demo_rehearse.read_package(path, choices)
        return stop.exception.code, stderr.getvalue()

    def package(self, endpoints):
        return self.write("plant.json", {"sections": {"endpoints": endpoints}})

    def test_the_demo_plants_package_plays_the_demo_codes(self):
        raw, codes = demo_rehearse.read_package(self.package(ENDPOINTS))
        self.assertEqual(json.loads(raw)["sections"]["endpoints"], ENDPOINTS)
        self.assertEqual(codes, demo_rehearse.DEMO_CODES)

    def test_a_plants_own_codes_are_found_by_kind(self):
        _raw, codes = demo_rehearse.read_package(self.package(ACME))
        self.assertEqual(codes, {"mes": "ACME_MES", "wms": "ACME_WMS", "legacy_erp": "ACME_ERP"})

    def test_a_missing_kind_is_named(self):
        code, message = self.refused(self.package(ACME[:2]))
        self.assertEqual(code, 2)
        self.assertIn("no legacy_erp endpoint", message)
        self.assertNotIn("wms endpoint", message)

    def test_several_endpoints_of_a_kind_are_listed_until_one_is_picked(self):
        endpoints = [*ACME, {"code": "ACME_MES2", "system_type": "mes"}]
        code, message = self.refused(self.package(endpoints))
        self.assertEqual(code, 2)
        self.assertIn("several mes endpoints (ACME_MES, ACME_MES2)", message)
        self.assertIn("--endpoint mes=CODE", message)
        _raw, codes = demo_rehearse.read_package(self.package(endpoints), {"mes": "ACME_MES2"})
        self.assertEqual(codes["mes"], "ACME_MES2")
        self.assertEqual(codes["wms"], "ACME_WMS")

    def test_a_pick_that_is_not_an_endpoint_of_its_kind_is_refused(self):
        code, message = self.refused(self.package(ACME), {"mes": "ACME_WMS"})
        self.assertEqual(code, 2)
        self.assertIn(
            "--endpoint mes=ACME_WMS: no mes endpoint ACME_WMS (it has: ACME_MES)", message
        )

    def test_endpoint_options_are_read_as_kind_and_code(self):
        self.assertEqual(
            demo_rehearse.parse_choices(["mes=ACME_MES2", " wms = ACME_WMS "]),
            {"mes": "ACME_MES2", "wms": "ACME_WMS"},
        )
        self.assertEqual(demo_rehearse.parse_choices(None), {})
        for value in ("ACME_MES", "erp=ACME_ERP", "mes="):
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as stop:
                demo_rehearse.parse_choices([value])
            self.assertEqual(stop.exception.code, 2, value)
            self.assertIn(
                "expected KIND=CODE with KIND one of mes, wms, legacy_erp", stderr.getvalue()
            )

    def test_a_file_that_is_not_a_package_is_refused(self):
        documents = (
            ("empty.json", ""),
            ("list.json", "[1, 2]"),
            ("plain.json", "{}"),
            ("strings.json", '{"sections": {"endpoints": ["PLANT1_MES"]}}'),
        )
        for name, text in documents:
            code, message = self.refused(self.write(name, text))
            self.assertEqual(code, 2, name)
            self.assertIn("is not a configuration package", message)

    def test_the_database_is_named_for_the_file(self):
        self.assertEqual(
            demo_rehearse.database_name("/srv/Plant 7 - Cutover.json"), "rehearse_plant_7_cutover"
        )


if __name__ == "__main__":
    unittest.main()
