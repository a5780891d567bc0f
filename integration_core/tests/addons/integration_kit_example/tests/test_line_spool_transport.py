import json
import os
import tempfile

from odoo.tests import tagged

from odoo.addons.integration_core.lib.errors import PermanentError
from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.integration_core.tests.helpers import run_queue

from ..lib import line_spool


@tagged("post_install", "-at_install")
class TestLineSpoolTransport(IntegrationCase):
    """A transport added by this addon alone (selection_add and three methods) sends, tests and
    polls through the core's queue and pollers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="line-spool-")
        wizard = cls.env["integration.connect"].create(
            {"system_type": "kit_example", "name": "Spool system", "code": "SPOOL"}
        )
        cls.endpoint = wizard._connect()[0]
        cls.endpoint.write(
            {"transport": "line_spool", "file_root": cls.folder, "environment": "test"}
        )
        cls.endpoint.flow_ids.action_approve()
        cls.endpoint.flow_ids.action_activate()
        cls.notice = cls.endpoint.flow_ids.filtered(lambda f: f.code == "contact.notice")

    def spool_lines(self, name):
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as spool:
            return [json.loads(line) for line in spool.read().splitlines()]

    def drop(self, *records):
        with open(os.path.join(self.folder, line_spool.INBOX), "a", encoding="utf-8") as inbox:
            inbox.writelines(json.dumps(record) + "\n" for record in records)

    def test_a_message_is_sent_through_the_added_transport(self):
        message = self.env["integration.message"].enqueue(self.notice, {"contact": "C-5"})
        run_queue(self.env)
        self.assertEqual(message.state, "done", message.error)
        [sent] = self.spool_lines(line_spool.OUTBOX)
        self.assertEqual(
            (sent["flow"], sent["id"], json.loads(sent["body"])),
            ("contact.notice", message.idempotency_key, {"contact": "C-5"}),
        )
        self.assertEqual(sent["headers"], {"X-Message-Type": "contact.notice"})

    def test_a_message_is_polled_through_the_added_transport_once(self):
        record = {"flow": "contact.update", "id": "spool-1", "body": {"contact": "S-1"}}
        self.drop(record, {"flow": "no.such.flow", "id": "spool-2", "body": {}})
        Poller = self.env["integration.inbound.poller"]
        Poller._cron_poll("line_spool")
        self.drop(record)  # delivered again: a duplicate, not a second message
        Poller._cron_poll("line_spool")
        messages = self.env["integration.message"].search([("endpoint_id", "=", self.endpoint.id)])
        self.assertEqual(
            [(m.flow_id.code, m.idempotency_key, m.get_payload_json()) for m in messages],
            [("contact.update", "spool-1", {"contact": "S-1"})],
        )
        self.assertEqual([r["id"] for r in self.spool_lines(line_spool.REJECTED)], ["spool-2"])
        self.assertFalse(os.path.exists(os.path.join(self.folder, line_spool.TAKING)))

    def test_the_connection_test_uses_the_added_transport(self):
        result = self.endpoint.action_test_connection()
        self.assertEqual(result["params"]["title"], "Connection works")
        self.endpoint.file_root = os.path.join(self.folder, "missing")
        result = self.endpoint.action_test_connection()
        self.assertIn("missing or not writable", result["params"]["message"])

    def test_a_transport_without_its_method_is_a_clear_configuration_error(self):
        self.endpoint.transport = "none"
        message = self.env["integration.message"].enqueue(self.notice, {"contact": "C-6"})
        run_queue(self.env)
        self.assertEqual(message.state, "failed")
        self.assertIn("transport 'none' cannot send", message.error)
        self.assertEqual(message.exception_id.category, "transport")
        with self.assertRaisesRegex(PermanentError, "cannot be polled"):
            self.endpoint._poll()
