"""An acquired company's older Odoo for tests: a second real database on the test server.

The test server serves every database of the cluster over ``/xmlrpc/2``. ``OlderOdooCase``
creates one more database once per class, as the database manager does (no tests run in it),
with only ``base`` or with the addons a class names in ``older_odoo_modules`` (e.g.
``("product",)`` for items), and drops it afterwards. ``old_call`` works in it over XML-RPC
and ``older_odoo_endpoint`` is the ``odoo_xmlrpc`` endpoint that pulls from it.
"""

import shutil
import xmlrpc.client
from contextlib import closing
from unittest.mock import patch

from odoo import sql_db
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tests import HttpCase, get_db_name
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


def create_older_odoo(name, modules=()):
    """Create database ``name`` with ``base`` and ``modules`` installed, without their tests."""
    drop_database(name)
    init = dict.fromkeys(modules, 1)
    with patch.dict(config.options, {"test_enable": False, "init": init}):
        db_service.exp_create_database(name, False, "en_US", OLD_PASSWORD, "admin")


class OlderOdooCase(HttpCase):
    """A test class with an older Odoo beside the tested database."""

    older_odoo_suffix = "old_odoo"
    older_odoo_modules = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.old_db = f"{get_db_name()}_{cls.older_odoo_suffix}"
        create_older_odoo(cls.old_db, cls.older_odoo_modules)
        cls.addClassCleanup(drop_database, cls.old_db)

    def setUp(self):
        super().setUp()
        self.old = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object", allow_none=True)
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        self.old_uid = common.authenticate(self.old_db, "admin", OLD_PASSWORD, {})
        self.assertTrue(self.old_uid)

    def old_call(self, model, method, *args):
        """``model.method(*args)`` in the older Odoo, over XML-RPC as its admin."""
        return self.old.execute_kw(
            self.old_db, self.old_uid, OLD_PASSWORD, model, method, list(args)
        )

    def older_odoo_endpoint(self, code="ACQ_ODOO"):
        """An ``odoo_xmlrpc`` endpoint reading the older Odoo as its admin."""
        return self.env["integration.endpoint"].create(
            {
                "name": "Acquired company's Odoo 16",
                "code": code,
                "environment": "test",
                "transport": "odoo_xmlrpc",
                "url": self.base_url(),
                "odoo_database": self.old_db,
                "username": "admin",
                "secret": OLD_PASSWORD,
            }
        )

    def pull(self):
        """Run the scheduled pull of every polled source once."""
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.env.invalidate_all()
