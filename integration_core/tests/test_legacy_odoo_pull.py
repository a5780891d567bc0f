"""An acquired company's older Odoo read over XML-RPC: a second real database on the test server.

A second database with only ``base`` (``tests/older_odoo.py``) plays the acquired company's
Odoo. Records made there are pulled by ``write_date`` with an overlap; a record changed there
is picked up once.
"""

from odoo.tests import tagged

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

    def test_a_wrong_password_is_reported_on_the_flow(self):
        self.endpoint.secret = "wrong"
        self.pull()
        self.assertFalse(self.payloads())
        self.assertIn("refused the login", self.flow.pull_last_result)
