"""An acquired company's older Odoo read over XML-RPC: a second real database on the test server.

A second database with only ``base`` (``tests/older_odoo.py``) plays the acquired company's
Odoo. Records made there are pulled by ``write_date`` with an overlap; a record changed there
is picked up once. A flow naming a lines field gets each record's lines nested into it, read
with one call per page.
"""

from unittest.mock import patch

from odoo.tests import tagged

from ..tools import odoo_pull
from .older_odoo import OlderOdooCase


@tagged("post_install", "-at_install")
class TestLegacyOdooPull(OlderOdooCase):
    def setUp(self):
        super().setUp()
        self.endpoint = self.older_odoo_endpoint()
        self.flow = self.env["integration.flow"].create(
            {
                "name": "Acquired customers",
                "code": "partners",
                "endpoint_id": self.endpoint.id,
                "direction": "inbound",
                "trigger": "poll",
                "handler": "integration.handler.noop",
                "state": "active",
                "pull_path": "res.partner",
                "pull_domain": "[('ref', '=like', 'ACQ-%')]",
                "pull_fields": "name,ref,city",
                "pull_page_size": 2,
                "pull_overlap_seconds": 60,
            }
        )

    def payloads(self):
        messages = self.env["integration.message"].search([("flow_id", "=", self.flow.id)])
        return [message.get_payload_json() for message in messages]

    def test_records_are_pulled_by_write_date_and_a_change_picked_up_once(self):
        ids = [
            self.old_call("res.partner", "create", {"name": f"Kunde {n}", "ref": f"ACQ-{n}"})
            for n in range(1, 6)
        ]
        self.old_call("res.partner", "create", {"name": "Not pulled", "ref": "OTHER"})
        self.pull()
        payloads = self.payloads()
        self.assertEqual(sorted(p["ref"] for p in payloads), [f"ACQ-{n}" for n in range(1, 6)])
        self.assertEqual(set(payloads[0]), {"id", "name", "ref", "city", "write_date"})
        self.assertTrue(self.flow.pull_watermark)
        self.assertEqual(self.flow.pull_last_result, "5 new messages")

        self.old_call("res.partner", "write", [ids[2]], {"city": "Graz"})
        self.pull()
        changed = [p for p in self.payloads() if p["ref"] == "ACQ-3"]
        self.assertEqual(sorted(p["city"] or "" for p in changed), ["", "Graz"])
        self.assertEqual(len(self.payloads()), 6)
        self.pull()  # the overlap asks again: nothing twice
        self.assertEqual(len(self.payloads()), 6)

    def test_the_lines_of_a_page_are_nested_into_its_records_with_one_read(self):
        self.flow.write(
            {
                "pull_domain": "[('ref', '=like', 'WERK-%')]",
                "pull_lines_field": "child_ids",
                "pull_line_fields": "name,email,parent_id",
            }
        )
        for n in range(1, 4):
            company = self.old_call(
                "res.partner",
                "create",
                {"name": f"Werk {n}", "ref": f"WERK-{n}", "is_company": True},
            )
            for person in range(n - 1):
                self.old_call(
                    "res.partner",
                    "create",
                    {
                        "name": f"Kontakt {n}.{person}",
                        "email": f"k{person}@w{n}.de",
                        "parent_id": company,
                    },
                )
        with patch.object(odoo_pull, "_call", wraps=odoo_pull._call) as calls:
            self.pull()
        methods = [call.args[6] for call in calls.call_args_list if len(call.args) > 6]
        # fields_get once; two pages of two records: a search_read and one read of lines each
        self.assertEqual(methods, ["fields_get", "search_read", "read", "search_read", "read"])
        payloads = {p["ref"]: p for p in self.payloads()}
        self.assertEqual(set(payloads), {"WERK-1", "WERK-2", "WERK-3"})
        self.assertEqual(payloads["WERK-1"]["child_ids"], [])
        lines = payloads["WERK-3"]["child_ids"]
        self.assertEqual(
            [(line["name"], line["email"], line["parent_id"]) for line in lines],
            [(f"Kontakt 3.{n}", f"k{n}@w3.de", [company, "Werk 3"]) for n in range(2)],
        )
        self.assertEqual(set(lines[0]), {"id", "name", "email", "parent_id"})

    def test_a_lines_field_that_is_not_a_one2many_is_reported_on_the_flow(self):
        self.flow.pull_lines_field = "city"
        self.pull()
        self.assertFalse(self.payloads())
        self.assertIn("city is not a one2many field of res.partner", self.flow.pull_last_result)

    def test_a_wrong_password_is_reported_on_the_flow(self):
        self.endpoint.secret = "wrong"
        self.pull()
        self.assertFalse(self.payloads())
        self.assertIn("refused the login", self.flow.pull_last_result)
