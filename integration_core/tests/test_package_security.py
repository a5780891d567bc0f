import base64
import json
from functools import partial

from odoo.tests import tagged

from ..lib import package_format
from .package_common import plant_configuration
from .security_common import SecurityCase

NOT_MANAGERS = ("plain", "service", "other_service", "user")
EXPORT = "integration.package.export"
IMPORT = "integration.package.import"
TEMPLATE = "integration.plant.template"
ENVIRONMENT = "integration.environment.tag"
HISTORY = "integration.package.history"


@tagged("post_install", "-at_install")
class TestPackageSecurity(SecurityCase):
    """Configuration packages, plant templates and the environment tag are for integration
    managers only: every other role is refused over XML-RPC, as any external caller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = plant_configuration(cls.env, cls.env.company, prefix="SP1")
        cls.target = cls.env["res.company"].create({"name": "Security Plant 3"})
        cls.users["manager"].company_ids = [(4, cls.target.id)]

    def package(self):
        document = self.env["integration.package"]._export(
            self.env.company, self.config["erp"] | self.config["wms"]
        )
        return package_format.dumps(document)

    def test_export_only_for_managers(self):
        values = {"company_id": self.env.company.id}
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, EXPORT, "create", values), 4)
        wizard_id = self.rpc("manager", EXPORT, "create", values)
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, EXPORT, "action_export", [wizard_id]), 4)
        self.rpc("manager", EXPORT, "action_export", [wizard_id])
        [read] = self.rpc("manager", EXPORT, "read", [wizard_id], ["package_file"])
        # Only the plants the manager works for.
        elsewhere = self.rpc("manager", EXPORT, "create", {"company_id": self.plant_b.id})
        export_b = partial(self.rpc, "manager", EXPORT, "action_export", [elsewhere])
        self.assertFault(export_b, 4, "only work on the plants (companies) you belong to")
        document = json.loads(base64.b64decode(read["package_file"]))
        self.assertIn("SP1_ERP", [e["code"] for e in document["sections"]["endpoints"]])

    def test_import_only_for_managers(self):
        raw = self.package()
        renamed = package_format.rename_endpoints(
            json.loads(raw), {"SP1_ERP": "SP3_ERP", "SP1_WMS": "SP3_WMS"}
        )
        values = {
            "package_file": base64.b64encode(package_format.dumps(renamed)).decode(),
            "company_id": self.target.id,
        }
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, IMPORT, "create", values), 4)
        wizard_id = self.rpc("manager", IMPORT, "create", values)
        for role in NOT_MANAGERS:
            for action in ("action_preview", "action_apply", "action_back"):
                self.assertFault(partial(self.rpc, role, IMPORT, action, [wizard_id]), 4)
        self.rpc("manager", IMPORT, "action_preview", [wizard_id])
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, IMPORT, "action_apply", [wizard_id]), 4)
        Endpoint = self.env["integration.endpoint"]
        self.assertFalse(Endpoint.search([("code", "=", "SP3_ERP")]))
        self.rpc("manager", IMPORT, "action_apply", [wizard_id])
        self.assertTrue(
            Endpoint.search([("code", "=", "SP3_ERP"), ("company_id", "=", self.target.id)])
        )
        # The record of it: integration users read it, nobody writes or deletes it.
        [history] = self.env[HISTORY].search([("company_id", "=", self.target.id)]).ids
        self.users["user"].company_ids = [(4, self.target.id)]
        self.assertEqual(len(self.rpc("user", HISTORY, "read", [history], ["checksum"])), 1)
        for role in ("user", "manager"):
            self.assertFault(
                partial(self.rpc, role, HISTORY, "write", [history], {"checksum": "x"}), 4
            )
            self.assertFault(partial(self.rpc, role, HISTORY, "unlink", [history]), 4)
        for role in ("plain", "service"):
            self.assertFault(partial(self.rpc, role, HISTORY, "read", [history], ["checksum"]), 4)

    def test_a_bad_file_is_a_clear_fault_not_a_traceback(self):
        values = {
            "package_file": base64.b64encode(b"{not json").decode(),
            "company_id": self.target.id,
        }
        wizard_id = self.rpc("manager", IMPORT, "create", values)
        preview = partial(self.rpc, "manager", IMPORT, "action_preview", [wizard_id])
        self.assertFault(
            preview, 2, "This file cannot be imported: The package file is not valid JSON"
        )

    def test_plant_templates_only_for_managers(self):
        values = {
            "source_company_id": self.env.company.id,
            "target_company_id": self.target.id,
            "endpoint_ids": [(6, 0, self.config["wms"].ids)],
            "code_from": "SP1",
            "code_to": "SP4",
        }
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, TEMPLATE, "create", values), 4)
        wizard_id = self.rpc("manager", TEMPLATE, "create", values)
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, TEMPLATE, "action_preview", [wizard_id]), 4)
        action = self.rpc("manager", TEMPLATE, "action_preview", [wizard_id])
        self.assertEqual(action["res_model"], IMPORT)
        lines = self.env["integration.package.import"].browse(action["res_id"]).line_ids
        self.assertIn("SP4_WMS", lines.mapped("name"))

    def test_environment_tag_only_for_managers(self):
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, ENVIRONMENT, "create", {"tag": "test"}), 4)
        wizard_id = self.rpc("manager", ENVIRONMENT, "create", {"tag": "test"})
        for role in NOT_MANAGERS:
            self.assertFault(partial(self.rpc, role, ENVIRONMENT, "action_set", [wizard_id]), 4)
        params = self.env["ir.config_parameter"].sudo()
        self.assertFalse(params.get_param("integration.environment_tag"))
        self.rpc("manager", ENVIRONMENT, "action_set", [wizard_id])
        self.assertEqual(params.get_param("integration.environment_tag"), "test")

    def test_imported_flow_changes_are_applied_by_managers_only(self):
        flow = self.config["items"]
        flow._package_hold_changes({"max_attempts": 2})
        for role in NOT_MANAGERS:
            for action in ("action_apply_imported_changes", "action_discard_imported_changes"):
                self.assertFault(partial(self.rpc, role, "integration.flow", action, flow.ids), 4)
        flow.invalidate_recordset()
        self.assertEqual(flow.max_attempts, 8)
        self.assertTrue(
            self.rpc("manager", "integration.flow", "action_apply_imported_changes", flow.ids)
        )
        flow.invalidate_recordset()
        self.assertEqual((flow.max_attempts, flow.imported_changes), (2, False))
