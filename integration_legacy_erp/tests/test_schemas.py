import json
import re
from pathlib import Path

import jsonschema

from odoo.tests import TransactionCase, tagged

SCHEMAS = Path(__file__).parent.parent / "schemas"
# An example: the POST line naming its flow, then the JSON body.
EXAMPLE = re.compile(r"POST /integration/v1/\w+/([\w.]+)`\s*\n+```json\n(.*?)```", re.S)


@tagged("post_install", "-at_install")
class TestSchemas(TransactionCase):
    def test_every_catalog_entry_documents_a_valid_schema(self):
        entries = self.env["integration.catalog.entry"].search([("system_type", "=", "legacy_erp")])
        self.assertEqual(
            set(entries.mapped("code")),
            {
                "item",
                "bom",
                "partner",
                "sale_order",
                "purchase_order",
                "order.status",
                "order.status.outbound",
                "stock.balance",
                "stock.balance.statement",
                "trial_balance",
                "item.outbound",
                "partner.outbound",
            },
        )
        for entry in entries:
            schema = json.loads(entry.json_schema)
            jsonschema.Draft202012Validator.check_schema(schema)
            self.assertLessEqual({"message_id", "sent_at"}, set(schema["required"]), entry.code)
        self.assertEqual(len(list(SCHEMAS.glob("*.json"))), 9)

    def test_the_usage_examples_match_their_schemas(self):
        """Every example of USAGE.md follows the schema of the flow it is posted to."""
        usage = (Path(__file__).parent.parent / "readme" / "USAGE.md").read_text()
        examples = EXAMPLE.findall(usage)
        self.assertEqual(
            {flow for flow, _body in examples},
            {
                "item",
                "bom",
                "partner",
                "sale_order",
                "purchase_order",
                "order.status",
                "stock.balance",
                "stock.balance.statement",
                "trial_balance",
            },
        )
        for flow, body in examples:
            schema = json.loads((SCHEMAS / f"{flow}.json").read_text())
            validator = jsonschema.Draft202012Validator(schema)
            self.assertEqual([e.message for e in validator.iter_errors(json.loads(body))], [], flow)
