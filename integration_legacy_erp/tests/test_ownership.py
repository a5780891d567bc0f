from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import trap_messages

from .common import LegacyCase


@tagged("post_install", "-at_install")
class TestOwnership(LegacyCase):
    """During coexistence, each side changes what it owns; Odoo's changes flow out."""

    def own(self, model, field_name, owner):
        values = {
            "model_id": self.env["ir.model"]._get_id(model),
            "owner": "endpoint" if owner == "legacy" else "odoo",
            "endpoint_id": self.legacy.id if owner == "legacy" else False,
            "company_id": self.legacy.company_id.id,
        }
        if field_name:
            values["field_id"] = self.env["ir.model.fields"]._get(model, field_name).id
        return self.env["integration.ownership"].create(values)

    def test_legacy_owned_fields_flow_in_and_odoo_owned_changes_flow_out(self):
        self.own("product.template", None, "legacy")
        self.own("product.template", "weight", "odoo")
        self.send("item", self.item("AX-1", "Axle", weight=3.0))
        product = self.xref("product.product", "AX-1")
        product.weight = 3.4  # Odoo owns the weight from now on
        with trap_messages(self.env) as trap:
            message = self.send("item", self.item("AX-1", "Axle 20 mm", weight=9.9))
            trap.assert_nothing_queued("item.outbound")
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(product.name, "Axle 20 mm")
        self.assertEqual(product.weight, 3.4)
        # Odoo's change of what it owns goes to the legacy ERP, with only what Odoo owns.
        with trap_messages(self.env) as trap:
            product.product_tmpl_id.weight = 3.5
            sent = trap.assert_queued("item.outbound", {"code": "AX-1", "weight": 3.5})
        self.assertNotIn("name", sent.get_payload_json())

    def test_a_partner_changed_in_odoo_is_sent_and_one_changed_from_legacy_is_not(self):
        self.send("partner", {"code": "C-3", "name": "Crane Hire", "email": "a@crane.example"})
        partner = self.xref("res.partner", "C-3")
        with trap_messages(self.env) as trap:
            self.send("partner", {"code": "C-3", "name": "Crane Hire", "email": "b@crane.example"})
            trap.assert_nothing_queued("partner.outbound")
        self.assertEqual(partner.email, "b@crane.example")
        with trap_messages(self.env) as trap:
            partner.phone = "+49 30 1234"
            trap.assert_queued("partner.outbound", {"code": "C-3", "phone": "+49 30 1234"})
        unknown = self.env["res.partner"].create({"name": "Not in the legacy ERP"})
        with trap_messages(self.env) as trap:
            unknown.phone = "+49 30 9999"
            trap.assert_nothing_queued("partner.outbound")
