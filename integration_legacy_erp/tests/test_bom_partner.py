from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue

from .common import LegacyCase


@tagged("post_install", "-at_install")
class TestBomAndPartner(LegacyCase):
    """Bills of materials by cross-reference, and partners deduplicated."""

    def test_a_bom_waits_for_its_component_then_resumes(self):
        self.send("item", self.item("FR-1", "Frame"))
        self.send("item", self.item("TB-1", "Tube 20 mm"))
        bom_message = self.send(
            "bom",
            {
                "code": "BOM-FR-1",
                "product": "FR-1",
                "quantity": 1,
                "components": [
                    {"item": "TB-1", "quantity": 2},
                    {"item": "SC-9", "quantity": 4},
                ],
            },
        )
        self.assertEqual(bom_message.state, "waiting")
        self.assertEqual(
            (bom_message.waiting_model, bom_message.waiting_code), ("product.product", "SC-9")
        )
        self.assertFalse(self.xref("mrp.bom", "BOM-FR-1"))
        # The missing item arrives: the BOM resumes by itself.
        self.send("item", self.item("SC-9", "Screw M4"))
        run_queue(self.env)
        self.assertEqual(bom_message.state, "done", bom_message.error)
        bom = self.xref("mrp.bom", "BOM-FR-1")
        self.assertEqual(bom.product_tmpl_id, self.xref("product.product", "FR-1").product_tmpl_id)
        self.assertEqual(
            {(line.product_id.default_code, line.product_qty) for line in bom.bom_line_ids},
            {("TB-1", 2), ("SC-9", 4)},
        )
        # A new version replaces the lines of the same BOM.
        self.send(
            "bom",
            {
                "code": "BOM-FR-1",
                "product": "FR-1",
                "quantity": 1,
                "components": [{"item": "TB-1", "quantity": 3}],
            },
        )
        self.assertEqual(self.xref("mrp.bom", "BOM-FR-1"), bom)
        self.assertEqual(bom.bom_line_ids.mapped("product_qty"), [3])

    def test_partners_are_deduplicated_by_vat_reference_then_name_and_country(self):
        Partner = self.env["res.partner"]
        by_vat = Partner.create({"name": "Acme Steel GmbH", "vat": "DE 123 456 789"})
        by_ref = Partner.create({"name": "Bolt Works", "ref": "V-200"})
        by_name = Partner.create(
            {"name": "Müller Logistik", "country_id": self.env.ref("base.de").id}
        )
        for code, name, extra, expected in (
            ("V-100", "ACME Steel", {"vat": "de123456789"}, by_vat),
            ("V-200", "Bolt Works Ltd", {}, by_ref),
            ("V-300", "muller logistik", {"country": "DE"}, by_name),
        ):
            message = self.send("partner", dict({"code": code, "name": name}, **extra))
            self.assertEqual(message.state, "done", message.error)
            self.assertEqual(self.xref("res.partner", code), expected, code)
        new = self.send(
            "partner",
            {
                "code": "C-1",
                "name": "New Customer SA",
                "country": "FR",
                "customer": True,
                "addresses": [{"type": "delivery", "name": "Dock 4", "city": "Lyon"}],
            },
        )
        partner = self.xref("res.partner", "C-1")
        self.assertEqual(new.state, "done", new.error)
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(partner.child_ids.mapped("city"), ["Lyon"])
        self.assertEqual(Partner.search_count([("name", "=", "New Customer SA")]), 1)

    def test_an_ambiguous_partner_waits_for_review(self):
        Partner = self.env["res.partner"]
        twins = Partner.create([{"name": "Nordic Parts AB"}, {"name": "NORDIC PARTS AB"}])
        message = self.send("partner", {"code": "V-9", "name": "Nordic parts AB"})
        self.assertEqual(message.state, "waiting")
        match = message.exception_id.legacy_match_ids
        self.assertEqual(message.exception_id.category, "possible_duplicate")
        self.assertEqual(match.partner_candidate_ids, twins)
        match = match.with_user(self.reviewer)
        match.partner_id = twins[1]
        match.action_link()
        run_queue(self.env)
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(self.xref("res.partner", "V-9"), twins[1])

    def test_a_different_vat_under_the_same_name_is_not_linked_silently(self):
        existing = self.env["res.partner"].create({"name": "Delta Tools", "vat": "BE0477472701"})
        message = self.send("partner", {"code": "V-5", "name": "Delta Tools", "vat": "NL999"})
        self.assertEqual(message.state, "waiting")
        match = message.exception_id.legacy_match_ids
        self.assertEqual(match.partner_candidate_ids, existing)
        match.with_user(self.reviewer).action_create_new()
        run_queue(self.env)
        self.assertEqual(message.state, "done", message.error)
        self.assertNotEqual(self.xref("res.partner", "V-5"), existing)
