"""An acquired company's older Odoo as a legacy source: its partners read over XML-RPC.

A second real database on the test server plays the older Odoo; the flow pulls its
``res.partner`` rows with ``search_read`` and reads them through the payload mapping
``data/payload_maps/odoo_partner.json`` as the canonical partner message.
"""

import xmlrpc.client
from pathlib import Path
from unittest.mock import patch

from odoo.service import db as db_service
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import config

from odoo.addons.integration_core.tests.common import with_encryption_key
from odoo.addons.integration_core.tests.helpers import run_queue
from odoo.addons.integration_core.tests.test_legacy_odoo_pull import OLD_PASSWORD, drop_database

MAPS = Path(__file__).resolve().parents[1] / "data" / "payload_maps"


@tagged("post_install", "-at_install")
class TestLegacyOdooSource(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.old_db = f"{get_db_name()}_acquired"
        with patch.dict(config.options, {"test_enable": False}):
            db_service.exp_create_database(cls.old_db, False, "en_US", OLD_PASSWORD, "admin")
        cls.addClassCleanup(drop_database, cls.old_db)

    def setUp(self):
        super().setUp()
        self.old = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object", allow_none=True)
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        self.old_uid = common.authenticate(self.old_db, "admin", OLD_PASSWORD, {})
        self.endpoint = self.env["integration.endpoint"].create(
            {
                "name": "Acquired company's Odoo 16",
                "code": "ACQ_ODOO",
                "environment": "test",
                "transport": "odoo_xmlrpc",
                "url": self.base_url(),
                "odoo_database": self.old_db,
                "username": "admin",
                "secret": OLD_PASSWORD,
            }
        )
        self.flow = self.env["integration.flow"].create(
            {
                "name": "Acquired customers",
                "code": "partner",
                "endpoint_id": self.endpoint.id,
                "direction": "inbound",
                "trigger": "poll",
                "handler": "integration.handler.legacy.partner",
                "state": "active",
                "pull_path": "res.partner",
                "pull_domain": "[('ref', '=like', 'ACQ-%')]",
                "pull_fields": "name,ref,vat,email,phone",
                "pull_page_size": 2,
                "ordering_key_path": "ref",
                "payload_map": (MAPS / "odoo_partner.json").read_text(),
            }
        )

    def old_call(self, model, method, *args):
        return self.old.execute_kw(
            self.old_db, self.old_uid, OLD_PASSWORD, model, method, list(args)
        )

    def pull(self):
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.env.invalidate_all()
        run_queue(self.env)

    def partner(self, code):
        return self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)

    def test_partners_of_the_older_odoo_become_partners_and_a_change_is_taken_once(self):
        first = self.old_call(
            "res.partner", "create", {"name": "Gießerei Nord", "ref": "ACQ-1", "email": "a@n.de"}
        )
        self.old_call("res.partner", "create", {"name": "Stahlbau Süd", "ref": "ACQ-2"})
        self.old_call("res.partner", "create", {"name": "Formenbau Ost", "ref": "ACQ-3"})
        self.pull()
        messages = self.env["integration.message"].search([("flow_id", "=", self.flow.id)])
        self.assertEqual(len(messages), 3)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        north = self.partner("ACQ-1")
        self.assertEqual(
            (north.name, north.email, north.customer_rank), ("Gießerei Nord", "a@n.de", 1)
        )
        self.assertFalse(self.partner("ACQ-2").email, "false in the older Odoo is no value")
        self.old_call("res.partner", "write", [first], {"name": "Gießerei Nord GmbH"})
        self.pull()
        self.pull()
        messages = self.env["integration.message"].search([("flow_id", "=", self.flow.id)])
        self.assertEqual(len(messages), 4, "the change, taken once")
        self.assertEqual(north.name, "Gießerei Nord GmbH")
        self.assertEqual(self.env["res.partner"].search_count([("ref", "=like", "ACQ-%")]), 3)
