"""An inbound flow's payload mapping: a source's own record read as the canonical message."""

import json

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import IntegrationCase, make_integration_users
from .legacy_common import legacy_simulator

PARTNER_MAP = {
    "lines": [
        {"source": "PARTNO", "target": "ref", "required": True, "transforms": ["strip"]},
        {"source": "NAME", "target": "name", "required": True},
        {"source": "CITY", "target": "city"},
        {"source": "VATNO", "target": "vat"},
    ]
}


@tagged("post_install", "-at_install")
class TestPayloadMap(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.flow.payload_map = json.dumps(PARTNER_MAP)

    def partner(self, code):
        xref = self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)
        return xref

    def test_source_record_becomes_the_canonical_message_and_is_kept_as_sent(self):
        row = {"PARTNO": " P-00007 ", "NAME": "Müller & Söhne", "CITY": "Köln", "KIND": "C"}
        message = self.env["integration.message"].enqueue(self.flow, row)
        self.run_queue()
        self.assertEqual(message.state, "done")
        partner = self.partner("P-00007")
        self.assertEqual(
            (partner.name, partner.city, partner.ref), ("Müller & Söhne", "Köln", "P-00007")
        )
        self.assertEqual(message.get_payload_json(), row, "the message keeps what the source sent")
        handler = self.flow._handler()
        self.assertEqual(
            handler._payload_json(message),
            {"ref": "P-00007", "name": "Müller & Söhne", "city": "Köln"},
        )

    def test_a_record_the_mapping_cannot_read_is_refused_with_every_issue(self):
        message = self.env["integration.message"].enqueue(self.flow, {"CITY": "Wien"})
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertIn("PARTNO -> ref", message.error)
        self.assertIn("NAME -> name", message.error)
        self.assertEqual(message.exception_id.category, "validation")
        self.assertFalse(self.partner("P-00007"))

    def test_false_is_null_reads_an_older_odoo_row(self):
        self.flow.payload_map = json.dumps(
            {
                "false_is_null": True,
                "lines": [
                    {"source": "ref", "target": "ref", "required": True},
                    {"source": "name", "target": "name"},
                    {"source": "country_id.1", "target": "city"},
                    {"source": "vat", "target": "vat"},
                ],
            }
        )
        row = {"id": 4, "ref": "C-4", "name": "Old Odoo AG", "vat": False, "country_id": [5, "X"]}
        message = self.env["integration.message"].enqueue(self.flow, row)
        self.run_queue()
        self.assertEqual(message.state, "done", message.error)
        partner = self.partner("C-4")
        self.assertEqual((partner.name, partner.city, partner.vat), ("Old Odoo AG", "X", False))

    def test_a_mapping_that_cannot_work_is_refused_when_saved(self):
        for text, reason in (
            ("{not json", "not JSON"),
            ('{"columns": []}', '{"lines"'),
            ('{"lines": [{"source": "A", "target": "a", "transforms": ["shout"]}]}', "shout"),
            ('{"lines": [{"src": "A", "target": "a"}]}', "cannot read"),
        ):
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, reason):
                self.flow.payload_map = text
                self.flow.flush_recordset()

    def test_a_rest_pull_maps_the_legacy_records(self):
        simulator = legacy_simulator().LegacySimulator(rows_per_table=3).start()
        self.addCleanup(simulator.stop)
        rest = self.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP API",
                "code": "LEGACY_API",
                "environment": "test",
                "transport": "rest",
                "url": simulator.url + "/api",
            }
        )
        flow = self.make_flow(
            "partners",
            "integration.handler.partner",
            endpoint=rest,
            trigger="poll",
            pull_path="/partners",
            pull_id_key="PARTNO",
            pull_updated_key="UPDATED_AT",
            payload_map=json.dumps(PARTNER_MAP),
        )
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.run_queue()
        messages = self.env["integration.message"].search([("flow_id", "=", flow.id)])
        self.assertEqual(messages.mapped("state"), ["done"] * 3)
        partner = self.env["integration.xref"]._resolve(rest, "res.partner", "P-00002")
        self.assertEqual(partner.name, "Müller & Söhne 2 GmbH")
        self.assertEqual(partner.vat, "DE100000002")


@tagged("post_install", "-at_install")
class TestPayloadMapScreen(HttpCase):
    def test_the_source_tab_shows_the_payload_mapping(self):
        make_integration_users(self.env)
        endpoint = self.env["integration.endpoint"].create(
            {"name": "Legacy", "code": "LEGACY_UI", "environment": "test"}
        )
        flow = self.env["integration.flow"].create(
            {
                "name": "Items",
                "code": "item",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.partner",
                "payload_map": json.dumps(PARTNER_MAP),
            }
        )
        self.browser_js(
            f"/odoo/action-integration_core.integration_flow_action/{flow.id}",
            "document.querySelector('a[name=source]').click();"
            "setTimeout(() => {"
            "  const text = document.querySelector('div[name=payload_map]').textContent;"
            "  if (!text.includes('PARTNO')) { console.error('no payload mapping shown'); }"
            "  else { console.log('test successful'); }"
            "}, 500);",
            ready="!!document.querySelector('.o_form_view a[name=source]')",
            login="int_manager",
        )
