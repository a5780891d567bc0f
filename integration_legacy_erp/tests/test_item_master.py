from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue

from .common import LegacyCase


@tagged("post_install", "-at_install")
class TestItemMaster(LegacyCase):
    """The legacy item master, harmonized with the products Odoo already has."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls.env["product.category"].create({"name": "Steel"})
        cls.bolt = cls.env["product.product"].create(
            {"name": "Hex bolt M8x40", "default_code": "BLT-0008", "categ_id": cls.steel.id}
        )
        cls.washer = cls.env["product.product"].create(
            {"name": "Washer M8", "default_code": "WSH-8", "barcode": "4006381333931"}
        )

    def test_a_new_item_becomes_a_product_with_units_weight_and_tracking(self):
        message = self.send(
            "item",
            self.item(
                "PL-900",
                "Steel plate 3 mm",
                category="Raw materials / Sheet",
                purchase_uom="Pallet of 40",
                purchase_uom_factor=40,
                weight=12.5,
                tracking="lot",
                barcode="4006381333948",
            ),
        )
        self.assertEqual(message.state, "done", message.error)
        product = self.xref("product.product", "PL-900")
        self.assertEqual(product.name, "Steel plate 3 mm")
        self.assertEqual(product.categ_id.complete_name, "Raw materials / Sheet")
        self.assertEqual(product.tracking, "lot")
        self.assertTrue(product.is_storable)
        self.assertEqual(product.weight, 12.5)
        self.assertEqual(product.barcode, "4006381333948")
        self.assertEqual(product.uom_po_id.name, "Pallet of 40")
        self.assertAlmostEqual(product.uom_po_id._compute_quantity(1, product.uom_id), 40)
        # The same item again updates it, never a second product.
        self.send("item", self.item("PL-900", "Steel plate 3 mm, pickled", weight=13))
        self.assertEqual(self.xref("product.product", "PL-900"), product)
        self.assertEqual(product.name, "Steel plate 3 mm, pickled")
        self.assertEqual(
            self.env["product.product"].search_count([("default_code", "=", "PL-900")]), 1
        )

    def test_the_same_barcode_links_the_existing_product(self):
        message = self.send("item", self.item("W8", "Flat washer 8", barcode="4006381333931"))
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(self.xref("product.product", "W8"), self.washer)

    def test_a_duplicate_item_waits_for_review_then_is_linked(self):
        message = self.send("item", self.item("blt 8", "Hexagon bolt M8 x 40", category="Steel"))
        self.assertEqual(message.state, "waiting")
        self.assertFalse(self.xref("product.product", "blt 8"))
        card = message.exception_id
        self.assertEqual(card.category, "possible_duplicate")
        match = card.legacy_match_ids
        self.assertEqual(match.state, "review")
        self.assertEqual(match.product_candidate_ids, self.bolt)
        self.assertIn("same internal reference", match.reasons)
        # Another integration user decides; a service account may not.
        with self.assertRaises(AccessError):
            match.with_user(self.service).action_create_new()
        match = match.with_user(self.reviewer)
        with self.assertRaises(AccessError):
            match.state = "linked"  # a decision is never written around its action
        match.product_id = self.bolt
        match.action_link()
        self.env.invalidate_all()
        self.assertEqual(self.xref("product.product", "blt 8"), self.bolt)
        run_queue(self.env)
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(card.state, "resolved")
        self.assertEqual(self.bolt.name, "Hexagon bolt M8 x 40")
        self.assertEqual(self.env["product.product"].search_count([("name", "ilike", "bolt")]), 1)

    def test_a_similar_name_in_the_category_waits_and_may_be_created_as_new(self):
        message = self.send("item", self.item("HB-40", "Hex bolt M8x45", category="Steel"))
        self.assertEqual(message.state, "waiting")
        match = message.exception_id.legacy_match_ids
        self.assertEqual(match.product_candidate_ids, self.bolt)
        self.assertIn("similar name", match.reasons)
        match.with_user(self.reviewer).action_create_new()
        run_queue(self.env)
        self.assertEqual(message.state, "done", message.error)
        product = self.xref("product.product", "HB-40")
        self.assertNotEqual(product, self.bolt)
        self.assertEqual(product.name, "Hex bolt M8x45")

    def test_an_unknown_unit_waits_and_bad_input_is_refused(self):
        waiting = self.send("item", self.item("X-1", "Cable", uom="Reel"))
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual((waiting.waiting_model, waiting.waiting_code), ("uom.uom", "Reel"))
        bad = self.send("item", {"code": "X-2", "uom": "Units", "tracking": "batch"})
        self.assertEqual(bad.state, "failed")
        self.assertIn("name must be a non-empty text", bad.error)
        self.assertIn("tracking must be one of", bad.error)
        variants = self.send(
            "item", self.item("X-3", "Shirt", variants=[{"code": "X-3-R", "attributes": {}}])
        )
        self.assertEqual(variants.state, "failed")
        self.assertIn("variants are not taken yet", variants.error)
        self.assertFalse(self.xref("product.product", "X-3"))
