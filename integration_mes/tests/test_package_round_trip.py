import base64
import subprocess

from odoo.tests import TransactionCase, get_db_name, tagged

from odoo.addons.integration_core.lib import package_format
from odoo.addons.integration_core.tests.common import with_encryption_key
from odoo.addons.integration_core.tests.fault_servers import (
    OdooProcess,
    drop_database,
    free_port,
    odoo_command,
)

from .package_common import mes_plant_configuration

PLANT = "Round Trip Plant"
API = "integration_core.group_integration_api"


@tagged("post_install", "-at_install", "package_round_trip")
class TestPackageRoundTrip(TransactionCase):
    """Export -> import into a fresh database -> export there gives the same file, byte for byte.

    The fresh database is a real one: created and given the MES connector by
    ``python3 -m odoo -i integration_mes``, served by its own Odoo process and driven over
    XML-RPC as a manager would drive the wizards. Dropped afterwards.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = cls.env["res.company"].create({"name": PLANT})
        cls.config = mes_plant_configuration(cls.env, cls.plant, "RT1")
        cls.fresh = f"{get_db_name()}_package_rt"
        drop_database(cls.fresh)
        cls.addClassCleanup(drop_database, cls.fresh)
        subprocess.run(
            odoo_command(
                cls.fresh,
                "-i",
                "integration_mes",
                "--without-demo=all",
                "--stop-after-init",
                "--max-cron-threads=0",
                f"--http-port={free_port()}",
                "--http-interface=127.0.0.1",
                "--log-level=warn",
            ),
            check=True,
            timeout=1200,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cls.server = OdooProcess(cls.fresh, cron_threads=0).start()
        cls.addClassCleanup(cls.server.stop)

    def prepare_fresh_plant(self):
        """What a person sets up there first: the plant (a company with its warehouse and work
        center) and the users the package names by login. Returns the company's id."""
        rpc = self.server.rpc
        company = rpc("res.company", "create", {"name": PLANT})
        [admin] = rpc("res.users", "search", [("login", "=", "admin")])
        rpc("res.users", "write", [admin], {"company_ids": [(4, company)]})
        [api_group] = rpc(
            "ir.model.data",
            "search_read",
            [("module", "=", "integration_core"), ("name", "=", "group_integration_api")],
            ["res_id"],
        )
        rpc(
            "res.users",
            "create",
            {
                "name": "RT1 service",
                "login": "rt1_service",
                "company_id": company,
                "company_ids": [(6, 0, [company])],
                "groups_id": [(6, 0, [api_group["res_id"]])],
            },
        )
        # Packages name a warehouse by its short name: the plant's is the same there.
        context = {"allowed_company_ids": [company]}
        code = self.config["warehouse"].code
        warehouses = rpc(
            "stock.warehouse", "search", [("company_id", "=", company)], context=context
        )
        if warehouses:
            rpc("stock.warehouse", "write", warehouses[:1], {"code": code}, context=context)
        else:
            rpc(
                "stock.warehouse",
                "create",
                {"name": PLANT, "code": code, "company_id": company},
                context=context,
            )
        rpc(
            "mrp.workcenter",
            "create",
            {"name": "Welding", "code": "RT1-WELD", "company_id": company},
            context=context,
        )
        return company

    def test_export_import_export_gives_the_same_file(self):
        document = self.env["integration.package"]._export(self.plant)
        raw = package_format.dumps(document)
        self.assertEqual(
            set(document["sections"]),
            {
                "endpoints",
                "flows",
                "mappings",
                "value_maps",
                "ownership_rules",
                "alert_rules",
                "windows",
                "mes_routes",
            },
        )
        company = self.prepare_fresh_plant()
        rpc = self.server.rpc
        context = {"context": {"allowed_company_ids": [company]}}
        wizard = rpc(
            "integration.package.import",
            "create",
            {
                "package_file": base64.b64encode(raw).decode(),
                "file_name": "rt.json",
                "company_id": company,
            },
            **context,
        )
        rpc("integration.package.import", "action_preview", [wizard], **context)
        lines = rpc(
            "integration.package.import.line",
            "search_read",
            [("wizard_id", "=", wizard)],
            ["name", "action", "details"],
        )
        self.assertEqual([line for line in lines if line["action"] != "create"], [])
        rpc("integration.package.import", "action_apply", [wizard], **context)
        export = rpc("integration.package.export", "create", {"company_id": company}, **context)
        rpc("integration.package.export", "action_export", [export], **context)
        [again] = rpc("integration.package.export", "read", [export], ["package_file"], **context)
        self.assertEqual(base64.b64decode(again["package_file"]).decode(), raw.decode())
        # There, it arrived as drafts with no secret.
        states = rpc(
            "integration.flow", "search_read", [("company_id", "=", company)], ["state"], **context
        )
        self.assertEqual({flow["state"] for flow in states}, {"draft"})
        self.assertFalse(self.server.errors())
