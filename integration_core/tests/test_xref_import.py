import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestXrefImport(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Customer {n}", "ref": f"ODOO-{n}"} for n in range(3)]
        )

    def wizard(self, text):
        return self.env["integration.xref.import"].create(
            {
                "endpoint_id": self.endpoint.id,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "match_field_id": self.env["ir.model.fields"]._get("res.partner", "ref").id,
                "file": base64.b64encode(text.encode()),
            }
        )

    def test_imports_a_clean_file(self):
        wizard = self.wizard("legacy code;odoo ref\nL-0;ODOO-0\nL-1;ODOO-1\n\nL-2;ODOO-2\n")
        wizard.action_import()
        Xref = self.env["integration.xref"]
        for number, partner in enumerate(self.partners):
            self.assertEqual(Xref._resolve(self.endpoint, "res.partner", f"L-{number}"), partner)
        self.assertIn("3", wizard.result)
        # Importing the same file again confirms, it does not duplicate.
        self.wizard("code,ref\nL-0,ODOO-0\n").action_import()
        self.assertEqual(Xref.search_count([("endpoint_id", "=", self.endpoint.id)]), 3)

    def test_reports_every_error_and_imports_nothing(self):
        self.env["integration.xref"]._link(self.endpoint, "L-9", self.partners[2])
        text = "code,ref\nL-0,ODOO-0\nL-1,NOPE\nL-0,ODOO-1\nL-3\nL-9,ODOO-1\n"
        with self.assertRaises(UserError) as raised:
            self.wizard(text).action_import()
        message = str(raised.exception)
        for expected in (
            "line 3: No res.partner with ref = NOPE",
            "line 4: Code L-0 already appears on line 2",
            "line 5: Two columns expected",
            "line 6: L-9 already stands for Customer 2",
        ):
            self.assertIn(expected, message)
        self.assertFalse(self.env["integration.xref"]._resolve(self.endpoint, "res.partner", "L-0"))
