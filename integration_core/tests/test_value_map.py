from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..lib.errors import PermanentError
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestValueMap(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Map = cls.env["integration.value.map"]
        lines = [
            (0, 0, {"external_value": e, "internal_value": i})
            for e, i in (("REL", "confirmed"), ("RUN", "progress"), ("FIN", "done"))
        ]
        Map.create({"name": "order_status", "endpoint_id": cls.endpoint.id, "line_ids": lines})
        Map.create(
            {
                "name": "order_status",
                "endpoint_id": cls.endpoint.id,
                "flow_id": cls.flow.id,
                "line_ids": [(0, 0, {"external_value": "REL", "internal_value": "to_close"})],
            }
        )

    def test_external_status_lands_on_a_documented_odoo_state(self):
        Map = self.env["integration.value.map"]
        self.assertEqual(Map._translate(self.endpoint, "order_status", "RUN"), "progress")
        self.assertEqual(Map._translate(self.endpoint, "order_status", "done", reverse=True), "FIN")
        self.assertEqual(
            Map._translate(self.endpoint, "order_status", "REL", flow=self.flow),
            "to_close",
            "a flow's own table wins over the endpoint's",
        )

    def test_unknown_values_and_tables_are_permanent_errors(self):
        Map = self.env["integration.value.map"]
        with self.assertRaisesRegex(PermanentError, "XYZ is not in value map order_status"):
            Map._translate(self.endpoint, "order_status", "XYZ")
        with self.assertRaisesRegex(PermanentError, "No value map uom"):
            Map._translate(self.endpoint, "uom", "PCS")

    def test_a_status_table_only_lands_on_real_states(self):
        """Tied to a state field, a table accepts only that field's values."""
        state_field = self.env["ir.model.fields"]._get("integration.flow", "state")
        table = self.env["integration.value.map"].create(
            {
                "name": "flow_status",
                "endpoint_id": self.endpoint.id,
                "field_id": state_field.id,
                "line_ids": [(0, 0, {"external_value": "LIVE", "internal_value": "active"})],
            }
        )
        self.assertIn("active: Active", table.allowed_values)
        with self.assertRaisesRegex(ValidationError, "running: not values of"):
            table.line_ids = [(0, 0, {"external_value": "RUN", "internal_value": "running"})]
