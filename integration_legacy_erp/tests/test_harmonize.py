from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import SQL

from ..lib import harmonize
from ..models.integration_handler_legacy_item import NORMALIZED_CODE


@tagged("post_install", "-at_install")
class TestHarmonize(BaseCase):
    """The keys that decide whether a legacy record may already exist in Odoo."""

    def test_references_ignore_case_separators_and_leading_zeros(self):
        same = ["ab-0012", "AB 12", "ab.12", "Ab_012", " AB/12 "]
        self.assertEqual({harmonize.normalize_reference(code) for code in same}, {"AB12"})
        self.assertEqual(harmonize.normalize_reference("A100-B007"), "A100B7")
        self.assertEqual(harmonize.normalize_reference("00"), "0")
        self.assertNotEqual(
            harmonize.normalize_reference("AB-120"), harmonize.normalize_reference("AB-12")
        )

    def test_names_and_vat_numbers(self):
        self.assertEqual(
            harmonize.normalize_name("  Müller-Logistik  GmbH."), "muller logistik gmbh"
        )
        self.assertEqual(harmonize.normalize_vat("de 123.456-789"), "DE123456789")
        self.assertTrue(harmonize.similar("Hex bolt M8x40", "Hex bolt M8x45"))
        self.assertFalse(harmonize.similar("Hex bolt M8x40", "Hex nut M8"))


@tagged("post_install", "-at_install")
class TestNormalizedCodeInSql(TransactionCase):
    def test_the_indexed_sql_expression_normalizes_as_python_does(self):
        """The database finds by the same key as Python computes (the index uses it)."""
        for code in ["ab-0012", "A100-B007", "00", "x 0 y", "Z-9.01/0"]:
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM (SELECT %s::varchar AS default_code) AS product",
                    SQL(NORMALIZED_CODE),
                    code,
                )
            )
            self.assertEqual(self.env.cr.fetchone()[0], harmonize.normalize_reference(code), code)
