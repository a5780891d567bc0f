import json

from odoo.tests import BaseCase, tagged

from ..lib import package_format
from ..lib.input_limits import MAX_DEPTH, InputError, load_json_document
from ..lib.package_format import PackageError

SECTIONS = {
    "endpoints": (("code",), "Endpoint"),
    "flows": (("endpoint", "code"), "Flow"),
    "mappings": (("endpoint", "flow", "version"), "Mapping"),
    "mes_routes": (("endpoint", "sequence", "workcenter"), "MES routing rule"),
}


def package(**sections):
    return {
        "environment": "test",
        "format": package_format.FORMAT,
        "format_version": package_format.FORMAT_VERSION,
        "modules": {"integration_core": "18.0.1.2.0"},
        "plant": "Plant 1",
        "sections": sections,
    }


ENDPOINT = {"code": "P1_MES", "name": "Plant 1 MES"}
FLOW = {"endpoint": "P1_MES", "code": "work_order.release"}


@tagged("post_install", "-at_install")
class TestPackageFormat(BaseCase):
    def assertRefused(self, document, text):
        with self.assertRaises(PackageError) as raised:
            package_format.check_envelope(document, SECTIONS)
        self.assertIn(text, str(raised.exception))

    def test_a_valid_package(self):
        document = package(
            endpoints=[ENDPOINT],
            flows=[FLOW],
            mappings=[{"endpoint": "P1_MES", "flow": "work_order.release", "version": 3}],
            mes_routes=[{"endpoint": "P1_MES", "sequence": 10, "workcenter": {"code": "WC-1"}}],
        )
        package_format.check_envelope(document, SECTIONS)

    def test_envelope_refusals(self):
        self.assertRefused([1, 2], "not a configuration package")
        self.assertRefused(dict(package(), format="something-else"), "not a configuration package")
        self.assertRefused(dict(package(), format_version=2), "newer version of the suite")
        self.assertRefused(dict(package(), format_version="1"), "positive integer")
        self.assertRefused(
            dict(package(), extra=1), "Unknown top-level field(s) in the package: extra"
        )
        self.assertRefused(dict(package(), modules={"integration_core": "latest"}), '"modules"')
        self.assertRefused(dict(package(), environment="staging"), '"environment" must be one of')
        self.assertRefused(dict(package(), sections=[]), '"sections" must be an object')
        self.assertRefused(package(windows=[]), 'Unknown section "windows"')

    def test_item_refusals(self):
        self.assertRefused(package(endpoints={"code": "X"}), 'Section "endpoints" must be a list')
        self.assertRefused(package(endpoints=["X"]), "item 1: it must be an object")
        self.assertRefused(package(endpoints=[{"name": "X"}]), "item 1: missing code, what")
        self.assertRefused(package(endpoints=[ENDPOINT, ENDPOINT]), "holds P1_MES twice")
        self.assertRefused(package(endpoints=[{"code": "A\nB"}]), "control character")
        self.assertRefused(package(endpoints=[{"code": "A" * 256}]), "longer than 255")
        self.assertRefused(package(endpoints=[{"code": ["A"]}]), "must be codes or numbers")
        self.assertRefused(package(endpoints=[{"code": 7}]), "Endpoint 7: code must be a code")
        self.assertRefused(
            package(endpoints=[ENDPOINT], flows=[dict(FLOW, endpoint={"code": "P1_MES"})]),
            "Flow P1_MES / work_order.release: endpoint must be a code (a text).",
        )

    def test_nothing_points_outside_the_package(self):
        self.assertRefused(
            package(flows=[FLOW]),
            "Flow P1_MES / work_order.release refers to endpoint P1_MES, which is not in the "
            "package.",
        )
        mapping = {"endpoint": "P1_MES", "flow": "quality.result", "version": 1}
        self.assertRefused(
            package(endpoints=[ENDPOINT], flows=[FLOW], mappings=[mapping]),
            "refers to flow P1_MES / quality.result, which is not in the package",
        )

    def test_reading_files_within_the_input_limits(self):
        document = package(endpoints=[ENDPOINT])
        self.assertEqual(package_format.read(package_format.dumps(document)), document)
        for raw, text in (
            (b"", "The file is empty"),
            (b"not json", "is not valid JSON"),
            (b"\xff\xfe", "not UTF-8"),
            (b"[" * 70 + b"]" * 70, f"deeper than {MAX_DEPTH} levels"),
            (b'{"a": NaN}', "is not valid JSON"),
            (b'{"a": 1e400}', "not a JSON number"),
            (b'{"a": "\\u0000"}', "NUL"),
            (b"x" * 2048, "over 1024 bytes"),
        ):
            with self.subTest(raw=raw[:20]), self.assertRaises(PackageError) as raised:
                package_format.read(raw, max_bytes=1024)
            self.assertIn(text, str(raised.exception))
        # Past what Python's parser can nest: still a clear refusal.
        with self.assertRaisesRegex(PackageError, f"deeper than {MAX_DEPTH} levels"):
            package_format.read(b"[" * 100000 + b"]" * 100000)
        with self.assertRaises(InputError):
            load_json_document(b"[1, 2", "The file")
        # A byte order mark is UTF-8 still.
        self.assertEqual(package_format.read(b"\xef\xbb\xbf{}"), {})

    def test_canonical_text(self):
        first = package(endpoints=[{"name": "Ä", "code": "B"}], flows=[])
        second = json.loads(json.dumps(first))
        second["sections"] = {"flows": [], "endpoints": [{"code": "B", "name": "Ä"}]}
        self.assertEqual(package_format.dumps(first), package_format.dumps(second))
        text = package_format.dumps(first).decode()
        self.assertTrue(text.endswith("}\n"))
        self.assertIn('"name": "Ä"', text)
        self.assertLess(text.index('"environment"'), text.index('"sections"'))

    def test_module_versions(self):
        errors, notes = package_format.module_problems(
            {"integration_core": "18.0.1.2.0", "integration_mes": "18.0.1.1.0", "x": "18.0.1.0.0"},
            {"integration_core": "18.0.1.10.0", "integration_mes": "18.0.1.0.0"},
        )
        self.assertEqual(
            errors,
            [
                "The package was made with integration_mes 18.0.1.1.0; this database has "
                "18.0.1.0.0: upgrade it here first.",
                "The package needs x (18.0.1.0.0), which is not installed here.",
            ],
        )
        self.assertEqual(
            notes,
            [
                "The package was made with integration_core 18.0.1.2.0; this database has "
                "18.0.1.10.0."
            ],
        )

    def test_diff_names_each_field_old_and_new(self):
        old = {"code": "A", "url": "http://a", "retries": 3, "lines": [{"t": "x"}, {"t": "y"}]}
        new = {"code": "A", "url": "http://b", "retries": 3, "lines": [{"t": "x"}, {"t": "z"}, {}]}
        self.assertEqual(
            package_format.diff(old, new, skip=("code",)),
            [
                ("lines", "2 items", "3 items"),
                ("lines[2].t", "y", "z"),
                ("url", "http://a", "http://b"),
            ],
        )
        self.assertEqual(package_format.diff(old, {"url": "http://a", "new_field": None}), [])
        many = package_format.diff({}, {f"f{n:02}": n for n in range(20)})
        self.assertEqual(len(many), package_format.MAX_DIFFS + 1)
        self.assertEqual(many[-1], ("...", "", "8 more differences"))
        self.assertEqual(package_format.describe("x" * 100), "x" * 57 + "...")

    def test_renaming_endpoints_follows_every_reference(self):
        document = package(
            endpoints=[dict(ENDPOINT)],
            flows=[dict(FLOW)],
            mes_routes=[{"endpoint": "P1_MES", "sequence": 1, "workcenter": None}],
        )
        renamed = package_format.rename_endpoints(
            document, {"P1_MES": "P3_MES"}, "Plant 1", "Plant 3"
        )
        self.assertEqual(
            renamed["sections"]["endpoints"], [{"code": "P3_MES", "name": "Plant 3 MES"}]
        )
        self.assertEqual(renamed["sections"]["flows"][0]["endpoint"], "P3_MES")
        self.assertEqual(renamed["sections"]["mes_routes"][0]["endpoint"], "P3_MES")
        self.assertEqual(document["sections"]["endpoints"][0]["code"], "P1_MES", "a copy")
        package_format.check_envelope(renamed, SECTIONS)
        renamed_code = package_format.renamed_code
        self.assertEqual(renamed_code("P1_MES", "replace", "P1", "P3"), "P3_MES")
        self.assertEqual(renamed_code("MES", "prefix", "", "P3_"), "P3_MES")
        self.assertEqual(renamed_code("MES", "suffix", "ignored", "_P3"), "MES_P3")
        with self.assertRaisesRegex(PackageError, "does not contain 'P2': it would not change"):
            renamed_code("P1_MES", "replace", "P2", "P3")
        with self.assertRaisesRegex(PackageError, "control character"):
            renamed_code("P1_MES", "replace", "P1", "P\n")
        with self.assertRaisesRegex(PackageError, "longer than 255"):
            renamed_code("P1_MES", "suffix", "", "x" * 255)
