from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_open_integration_app(self):
        """A manager opens the Integration app from the home menu and sees the endpoints."""
        self.env["integration.endpoint"].create({"name": "Tour endpoint", "code": "TOUR_EP"})
        self.start_tour("/odoo", "integration_core_open_app", login="admin")

    def test_preview_a_mapping_and_activate_its_flow(self):
        """A manager previews a mapping on a sample payload, then approves and activates."""
        endpoint = self.env["integration.endpoint"].create(
            {"name": "Plant ERP", "code": "TOUR_ERP"}
        )
        flow = self.env["integration.flow"].create(
            {
                "name": "Contacts",
                "code": "contact.sync",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.mapping",
            }
        )
        self.env["integration.value.map"].create(
            {
                "name": "contact_type",
                "endpoint_id": endpoint.id,
                "line_ids": [(0, 0, {"external_value": "DLV", "internal_value": "delivery"})],
            }
        )
        mapping = self.env["integration.mapping"].create(
            {
                "name": "Contacts",
                "flow_id": flow.id,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "key_path": "code",
                "line_ids": [
                    (0, 0, {"source": "code", "target": "ref", "transforms": "strip"}),
                    (0, 0, {"source": "name", "target": "name", "transforms": "strip"}),
                    (
                        0,
                        0,
                        {
                            "source": "kind",
                            "target": "type",
                            "transforms": "upper | value_map contact_type",
                        },
                    ),
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-integration_core.integration_mapping_action/{mapping.id}",
            "integration_core_mapping_preview",
            login="admin",
        )
        self.assertEqual(flow.state, "active")
        self.assertEqual(flow.mapping_id, mapping)
        self.assertEqual(mapping.approved_by_id.login, "admin")
