from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestOwnership(IntegrationCase):
    def rule(self, owner="odoo", field=None, endpoint=None):
        return self.env["integration.ownership"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "field_id": field and self.env["ir.model.fields"]._get("res.partner", field).id,
                "owner": owner,
                "endpoint_id": endpoint and endpoint.id,
                "company_id": False,
            }
        )

    def test_update_of_data_odoo_owns_is_refused_without_side_effects(self):
        partner = self.env["res.partner"].create({"name": "Owned by Odoo", "city": "Lyon"})
        self.env["integration.xref"]._link(self.endpoint, "C-OWN", partner)
        self.rule("odoo", field="city")
        message = self.env["integration.message"].enqueue(
            self.flow, {"ref": "C-OWN", "name": "Renamed", "city": "Paris"}
        )
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.exception_id.category, "ownership_conflict")
        self.assertIn("city", message.error)
        self.assertEqual((partner.name, partner.city), ("Owned by Odoo", "Lyon"))

    def test_the_owning_endpoint_may_write_and_others_may_not(self):
        self.rule("endpoint", endpoint=self.endpoint)
        other = self.env["integration.endpoint"].create(
            {"name": "Other plant ERP", "code": "OTHER_ERP", "environment": "test"}
        )
        other_flow = self.make_flow("partner.upsert", "integration.handler.partner", endpoint=other)
        allowed = self.env["integration.message"].enqueue(self.flow, {"ref": "C-1", "name": "A"})
        refused = self.env["integration.message"].enqueue(other_flow, {"ref": "C-1", "name": "B"})
        self.run_queue()
        self.assertEqual(allowed.state, "done")
        self.assertEqual(refused.state, "failed")
        self.assertEqual(refused.exception_id.category, "ownership_conflict")
        self.assertFalse(self.env["integration.xref"]._resolve(other, "res.partner", "C-1"))

    def test_outbound_exports_only_what_odoo_owns(self):
        self.rule("endpoint", endpoint=self.endpoint)
        self.rule("odoo", field="email")
        Ownership = self.env["integration.ownership"]
        self.assertEqual(
            Ownership._outbound_fields("res.partner", ["name", "email"], self.env.company),
            ["email"],
        )
        self.assertEqual(
            Ownership._outbound_fields("res.users", ["name"], self.env.company), ["name"]
        )
