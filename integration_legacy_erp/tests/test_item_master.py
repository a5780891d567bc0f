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
        lone = self.send("item", self.item("X-3", "Shirt", attribute_values={"Color": "Red"}))
        self.assertEqual(lone.state, "failed")
        self.assertIn("template must name the template", lone.error)
        self.assertFalse(self.xref("product.product", "X-3"))


@tagged("post_install", "-at_install")
class TestItemVariants(LegacyCase):
    """Items with variants: one item per variant naming its template and attribute values."""

    def variant(self, code, color, size, **values):
        return self.item(
            code,
            f"Work jacket {color} {size}",
            template="JK-1",
            template_name="Work jacket",
            attribute_values={"Color": color, "Size": size},
            category="Clothing",
            **values,
        )

    def combination(self, product):
        return sorted(
            (value.attribute_id.name, value.name)
            for value in product.product_template_attribute_value_ids
        )

    def test_variants_make_one_template_extended_by_a_new_value_and_changed_once(self):
        red_m = self.send("item", self.variant("JK-1-R-M", "Red", "M", barcode="4006381333955"))
        blue_m = self.send("item", self.variant("JK-1-B-M", "Blue", "M", weight=0.9))
        self.assertEqual((red_m.state, blue_m.state), ("done", "done"), red_m.error or blue_m.error)
        template = self.xref("product.template", "JK-1")
        red = self.xref("product.product", "JK-1-R-M")
        blue = self.xref("product.product", "JK-1-B-M")
        self.assertEqual(template.name, "Work jacket")
        self.assertEqual((red | blue).product_tmpl_id, template)
        self.assertEqual(self.combination(red), [("Color", "Red"), ("Size", "M")])
        self.assertEqual(self.combination(blue), [("Color", "Blue"), ("Size", "M")])
        self.assertEqual((red.barcode, red.default_code), ("4006381333955", "JK-1-R-M"))
        self.assertEqual((blue.barcode, blue.weight), (False, 0.9))
        self.assertEqual(template.product_variant_ids, red | blue, "only the variants listed")
        # A new size extends the template: one more variant, not a new template.
        large = self.send("item", self.variant("JK-1-R-L", "Red", "L"))
        self.assertEqual(large.state, "done", large.error)
        red_l = self.xref("product.product", "JK-1-R-L")
        self.assertEqual(red_l.product_tmpl_id, template)
        self.assertEqual(
            sorted(
                template.attribute_line_ids.filtered(
                    lambda line: line.attribute_id.name == "Size"
                ).value_ids.mapped("name")
            ),
            ["L", "M"],
        )
        self.assertEqual(len(template.product_variant_ids), 3)
        # A change of one variant, sent twice (the same message id), is applied once, to it.
        change = dict(self.variant("JK-1-B-M", "Blue", "M", weight=1.1), message_id="jk-chg")
        first = self.send("item", change)
        again = self.send("item", change, status=200)
        self.assertEqual(first, again)
        self.assertEqual(blue.weight, 1.1)
        self.assertEqual(red.weight, 0.0, "the other variants keep theirs")
        self.assertEqual(template.name, "Work jacket", "a variant's name is not the template's")
        self.assertEqual(
            self.env["product.template"].search_count([("name", "=", "Work jacket")]), 1
        )

    def test_a_variant_barcode_links_an_existing_product_and_boms_name_variants(self):
        known = self.env["product.product"].create({"name": "Jacket", "barcode": "4006381333962"})
        linked = self.send("item", self.variant("JK-1-G-S", "Green", "S", barcode="4006381333962"))
        self.assertEqual(linked.state, "done", linked.error)
        self.assertEqual(self.xref("product.product", "JK-1-G-S"), known)
        self.assertFalse(self.xref("product.template", "JK-1"), "no template for a linked item")
        for payload in (
            self.variant("JK-1-R-S", "Red", "S"),
            self.variant("JK-1-R-XL", "Red", "XL"),
            self.item("KIT-1", "Jacket kit"),
        ):
            message = self.send("item", payload)
            self.assertEqual(message.state, "done", message.error)
        bom = self.send(
            "bom",
            {
                "code": "BOM-KIT-1",
                "product": "KIT-1",
                "quantity": 1,
                "components": [
                    {"item": "JK-1-R-S", "quantity": 1},
                    {"item": "JK-1-R-XL", "quantity": 2},
                ],
            },
        )
        self.assertEqual(bom.state, "done", bom.error)
        lines = self.xref("mrp.bom", "BOM-KIT-1").bom_line_ids
        self.assertEqual(
            sorted((line.product_id.default_code, line.product_qty) for line in lines),
            [("JK-1-R-S", 1.0), ("JK-1-R-XL", 2.0)],
        )
        self.assertEqual(
            self.combination(lines.product_id.filtered(lambda p: p.default_code == "JK-1-R-XL")),
            [("Color", "Red"), ("Size", "XL")],
        )
        other = self.send(
            "item",
            self.item("JK-1-X", "Odd jacket", template="JK-1", attribute_values={"Fit": "Slim"}),
        )
        self.assertEqual(other.state, "failed")
        self.assertIn("must name the attributes of Work jacket: Color, Size", other.error)
