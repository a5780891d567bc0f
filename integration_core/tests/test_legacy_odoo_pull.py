"""An acquired company's older Odoo read over XML-RPC: a second real database on the test server.

The test server serves every database of the cluster over ``/xmlrpc/2``: a second database with
only ``base`` plays the acquired company's Odoo. Records made there are pulled by ``write_date``
with an overlap; a record changed there is picked up once.
"""

import shutil
import xmlrpc.client
from contextlib import closing
from unittest.mock import patch

from odoo import sql_db
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import SQL, config

from .common import with_encryption_key

OLD_PASSWORD = "old-odoo-admin"


def drop_database(name):
    """Drop the second database (the database manager's drop only sees the tested one)."""
    Registry.delete(name)
    sql_db.close_db(name)
    with closing(sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid != pg_backend_pid()",
            [name],
        )
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


@tagged("post_install", "-at_install")
class TestLegacyOdooPull(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.old_db = f"{get_db_name()}_old_odoo"
        # A plain database of its own, created as the database manager does (no tests run in it).
        with patch.dict(config.options, {"test_enable": False}):
            db_service.exp_create_database(cls.old_db, False, "en_US", OLD_PASSWORD, "admin")
        cls.addClassCleanup(drop_database, cls.old_db)

    def setUp(self):
        super().setUp()
        self.old = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object", allow_none=True)
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        self.old_uid = common.authenticate(self.old_db, "admin", OLD_PASSWORD, {})
        self.assertTrue(self.old_uid)
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

    def old_call(self, model, method, *args):
        return self.old.execute_kw(
            self.old_db, self.old_uid, OLD_PASSWORD, model, method, list(args)
        )

    def pull(self):
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.env.invalidate_all()

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
