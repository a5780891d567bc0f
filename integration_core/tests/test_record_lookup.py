from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_core.lib.errors import AmbiguousCode, MissingReference
from odoo.addons.integration_core.tools.mapping_resolvers import OdooResolvers


@tagged("post_install", "-at_install")
class TestRecordLookup(TransactionCase):
    """Cross-reference first, then the model's lookup field exactly, then in any case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint = cls.env["integration.endpoint"].create(
            {"name": "Lookup system", "code": "LOOKUP", "environment": "test"}
        )
        cls.Lookup = cls.env["integration.record.lookup"]
        Partner = cls.env["res.partner"]
        cls.exact, cls.upper, cls.linked = Partner.create(
            [
                {"name": "Exact", "ref": "acme-1"},
                {"name": "Upper", "ref": "ACME-1"},
                {"name": "Linked", "ref": "LINK-9"},
            ]
        )

    def find(self, code, model="res.partner", **options):
        return self.Lookup._find(self.endpoint, model, code, **options)

    def test_cross_reference_wins_then_exact_then_any_case(self):
        self.env["integration.xref"]._link(self.endpoint, "acme-1", self.linked)
        self.assertEqual(self.find("acme-1"), self.linked)
        self.assertEqual(self.find("ACME-1"), self.upper)
        self.assertEqual(self.find(" link-9 "), self.linked)
        self.assertFalse(self.find("nobody"))
        self.assertFalse(self.find(""))
        self.assertFalse(self.find("%"), "no LIKE wildcard")

    def test_two_records_matching_alike_are_a_clear_error(self):
        self.upper.ref = "ACME-2"
        self.env["res.partner"].create({"name": "Twin", "ref": "ACME-2"})
        with self.assertRaises(AmbiguousCode) as ambiguous:
            self.find("acme-2")
        self.assertIn("names 2 records of res.partner", str(ambiguous.exception))
        self.assertEqual(ambiguous.exception.category, "validation")

    def test_records_of_another_company_are_not_found(self):
        other = self.env["res.company"].create({"name": "Acquired plant"})
        self.upper.company_id = other
        self.assertFalse(self.find("ACME-1", domain=[("name", "=", "Upper")]))
        self.assertEqual(self.find("ACME-1"), self.exact, "any case, own company only")

    def test_many_codes_are_found_the_same_way_as_one(self):
        self.env["integration.xref"]._link(self.endpoint, "acme-1", self.linked)
        found = self.Lookup._find_many(
            self.endpoint, "res.partner", ["acme-1", "ACME-1", " link-9 ", "nobody", 7]
        )
        self.assertEqual(
            found, {"acme-1": self.linked, "ACME-1": self.upper, "link-9": self.linked}
        )
        self.env["res.partner"].create({"name": "Twin", "ref": "ACME-1"})
        with self.assertRaisesRegex(AmbiguousCode, "names 2 records"):
            self.Lookup._find_many(self.endpoint, "res.partner", ["ACME-1"])

    def test_required_codes_park_the_message_on_the_first_unknown_one(self):
        """What handlers call: every code found, or the message waits for its master data."""
        found = self.Lookup._require_many(self.endpoint, "res.partner", [" LINK-9 ", "acme-1"])
        self.assertEqual(found, {"LINK-9": self.linked, "acme-1": self.exact})
        with self.assertRaises(MissingReference) as missing:
            self.Lookup._require_many(self.endpoint, "res.partner", ["zz-9", "acme-1", "nobody"])
        self.assertEqual(missing.exception.category, "missing_master_data")
        self.assertIn("nobody", str(missing.exception))
        self.assertEqual(self.Lookup._require(self.endpoint, "res.partner", "ACME-1"), self.upper)
        with self.assertRaises(MissingReference):
            self.Lookup._require(self.endpoint, "res.partner", "nobody")

    def test_records_found_together_are_read_together(self):
        """A message of thousands of lines reads its records' fields in one query, not one
        query per record."""
        found = self.Lookup._find_many(self.endpoint, "res.partner", ["acme-1", "LINK-9"])
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(sorted(record.name for record in found.values()), ["Exact", "Linked"])

    def test_code_of_a_record_is_its_cross_reference_else_its_field(self):
        self.env["integration.xref"]._link(self.endpoint, "X-7", self.exact)
        self.assertEqual(self.Lookup._code_of(self.endpoint, self.exact), "X-7")
        self.assertEqual(self.Lookup._code_of(self.endpoint, self.upper), "ACME-1")

    def test_mapping_units_follow_the_same_rules(self):
        gram = self.env.ref("uom.product_uom_gram")
        resolvers = OdooResolvers(self.env, self.endpoint)
        self.assertEqual(resolvers._unit("G"), gram)
        self.assertEqual(self.find("G", model="uom.uom"), gram)
