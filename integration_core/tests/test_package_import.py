import base64
import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import package_format
from .package_common import PackageCase


@tagged("post_install", "-at_install")
class TestPackageImport(PackageCase):
    """The import: a preview of every record, then all of it applied in one go, as drafts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plant_2 = cls.env["res.company"].create({"name": "Package Plant 2"})
        cls.manager.company_ids = [(4, cls.plant_2.id)]

    def renamed(self, raw, new="PK2"):
        """The package with its endpoints renamed (as another database's plant would be)."""
        document = self.document(raw)
        codes = [item["code"] for item in document["sections"]["endpoints"]]
        renames = {code: code.replace("PK1", new) for code in codes}
        return package_format.dumps(package_format.rename_endpoints(document, renames))

    def test_the_same_configuration_is_unchanged(self):
        wizard = self.importer(self.export())
        self.assertEqual(set(wizard.line_ids.mapped("action")), {"unchanged"})
        self.assertEqual(wizard.unchanged_count, 13)
        self.assertFalse(wizard.notes)

    def test_preview_lists_creations_and_changes_with_their_fields(self):
        raw = self.export()
        config = self.config
        config["erp"].write({"url": "https://erp-new.plant.example/api", "read_timeout": 30})
        config["orders"].write({"max_attempts": 9})  # a draft
        config["items"].write({"retry_cap_seconds": 60, "sla_minutes": 15})  # in use
        config["kinds"].line_ids[1].internal_value = "consu"
        config["stock"].unlink()
        lines = self.lines(self.importer(raw))
        self.assertEqual(
            lines[("Endpoint", "PK1_ERP")],
            (
                "change",
                "Read timeout (seconds): 30.0 -> 12.5\n"
                "URL: https://erp-new.plant.example/api -> https://erp.plant.example/api",
            ),
        )
        self.assertEqual(
            lines[("Flow", "PK1_ERP / orders.out")], ("change", "Max attempts: 9 -> 4")
        )
        action, details = lines[("Flow", "PK1_ERP / item.master")]
        self.assertEqual(action, "change")
        self.assertIn("Retry cap (seconds): 60 -> 3600\nSLA (minutes): 15 -> 0", details)
        self.assertIn("active here: it keeps running as it is", details)
        self.assertEqual(lines[("Flow", "PK1_WMS / stock.level")], ("create", ""))
        self.assertEqual(
            lines[("Value map", "PK1_ERP / item.master / item_kind")],
            ("change", "values[2].internal_value: consu -> service"),
        )
        self.assertEqual(lines[("Endpoint", "PK1_WMS")][0], "unchanged")
        self.assertEqual(lines[("Mapping", "PK1_ERP / item.master / 1")][0], "unchanged")

    def test_apply_keeps_flows_in_use_running_and_updates_drafts(self):
        raw = self.export()
        config = self.config
        config["orders"].write({"max_attempts": 9})
        config["items"].write({"retry_cap_seconds": 60, "sla_minutes": 15})
        config["erp"].write({"url": "https://erp-new.plant.example/api"})
        config["stock"].unlink()
        wizard = self.importer(raw)
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(config["orders"].max_attempts, 4, "a draft flow is updated")
        items = config["items"]
        self.assertEqual(
            (items.state, items.retry_cap_seconds, items.sla_minutes), ("active", 60, 15)
        )
        self.assertEqual(
            items.imported_changes_summary,
            "Retry cap (seconds): 60 -> 3600\nSLA (minutes): 15 -> 0",
        )
        self.assertEqual(config["erp"].url, "https://erp.plant.example/api")
        stock = self.env["integration.flow"].search([("code", "=", "stock.level")])
        self.assertEqual((stock.state, stock.endpoint_id), ("draft", config["wms"]))
        # A manager applies the waiting changes: they are then the flow's.
        items.with_user(self.manager).action_apply_imported_changes()
        self.assertEqual(
            (items.state, items.retry_cap_seconds, items.sla_minutes), ("active", 3600, 0)
        )
        self.assertFalse(items.imported_changes)
        self.assertIn("Imported changes applied by", items.message_ids[0].body)

    def test_a_changed_mapping_in_use_arrives_as_a_new_draft_version(self):
        raw = self.export()
        v1 = self.config["mapping"]
        v2 = self.env["integration.mapping"].browse(v1.action_new_version()["res_id"])
        v2.line_ids[0].transforms = "strip"
        v2.action_approve()
        items = self.config["items"]
        self.assertEqual(items.mapping_id, v2)
        wizard = self.importer(raw)
        action, details = self.lines(wizard)[("Mapping", "PK1_ERP / item.master / 1")]
        self.assertEqual(action, "change")
        self.assertIn(
            "version 1 here is superseded: the package's version arrives as a new draft, version 3",
            details,
        )
        wizard.action_apply()
        v3 = items.mapping_ids.filtered(lambda m: m.version == 3)
        self.assertEqual(v3.state, "draft")
        self.assertEqual(v3.line_ids[0].transforms, "strip | upper")
        self.assertEqual(v3.line_ids[2].child_ids.target, "name")
        self.assertEqual(items.mapping_id, v2, "the flow uses v2 until v3 is approved")
        # Importing it again finds the draft: nothing new.
        self.assertEqual(
            self.lines(self.importer(raw))[("Mapping", "PK1_ERP / item.master / 1")][0], "unchanged"
        )

    def test_a_new_plant_arrives_as_drafts_without_secrets(self):
        raw = self.renamed(self.export())
        wizard = self.importer(raw, company=self.plant_2)
        self.assertEqual(set(wizard.line_ids.mapped("action")), {"create"})
        action, details = self.lines(wizard)[("Endpoint", "PK2_ERP")]
        self.assertEqual(
            details,
            "to enter here: API keys for the systems that push messages, the credential, "
            "the inbound HMAC secret",
        )
        wizard.action_apply()
        erp = self.env["integration.endpoint"].search([("code", "=", "PK2_ERP")])
        self.assertEqual(erp.company_id, self.plant_2)
        self.assertFalse(erp.secret_is_set)
        self.assertFalse(erp.sudo().inbound_hmac_ciphertext)
        self.assertFalse(erp.api_key_ids)
        self.assertEqual(erp.inbound_user_id, self.config["service"], "found by its login")
        [activity] = erp.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.summary, "Enter the secrets of PK2_ERP")
        self.assertIn("the credential", activity.note)
        self.assertIn("To enter here", erp.message_ids[0].body)
        flows = erp.flow_ids
        self.assertEqual(set(flows.mapped("state")), {"draft"})
        mapping = flows.mapping_ids
        self.assertEqual((mapping.version, mapping.state), (1, "draft"))
        self.assertFalse(flows.filtered("mapping_id"), "no mapping is in use before approval")
        rule = self.env["integration.ownership"].search(
            [("company_id", "=", self.plant_2.id), ("endpoint_id", "=", erp.id)]
        )
        self.assertEqual(rule.field_id.name, "ref")
        alert = self.env["integration.alert.rule"].search([("flow_id", "in", flows.ids)])
        self.assertEqual(
            (alert.name, alert.threshold, alert.company_id), ("Item backlog", 50, self.plant_2)
        )
        # Approving there puts the imported mapping in use.
        items = flows.filtered(lambda f: f.code == "item.master")
        items.with_user(self.manager).action_approve()
        self.assertEqual(items.mapping_id, mapping)

    def test_how_a_flow_reads_its_source_travels_with_it(self):
        """A flow pulling a REST source arrives with its pull settings and payload mapping;
        where the pull had got to (watermark, last result) stays with its database."""
        spec = {"lines": [{"source": "ITEMNO", "target": "code", "transforms": ["strip"]}]}
        self.config["items"].sudo().write(
            {
                "pull_path": "/items",
                "pull_id_key": "ITEMNO",
                "pull_updated_key": "UPDATED_AT",
                "pull_page_size": 250,
                "payload_map": json.dumps(spec),
                "pull_watermark": "2026-12-01T00:00:00Z",
            }
        )
        [item] = [
            flow
            for flow in self.document(self.export())["sections"]["flows"]
            if flow["code"] == "item.master"
        ]
        self.assertEqual((item["pull_path"], item["pull_page_size"]), ("/items", 250))
        self.assertNotIn("pull_watermark", item)
        self.importer(self.renamed(self.export()), company=self.plant_2).action_apply()
        imported = self.env["integration.flow"].search(
            [("code", "=", "item.master"), ("company_id", "=", self.plant_2.id)]
        )
        self.assertEqual(
            (imported.pull_path, imported.pull_id_key, imported.pull_updated_key),
            ("/items", "ITEMNO", "UPDATED_AT"),
        )
        self.assertEqual(json.loads(imported.payload_map), spec)
        self.assertFalse(imported.pull_watermark)

    def test_the_import_is_recorded(self):
        raw = self.renamed(self.export())
        wizard = self.importer(raw, company=self.plant_2)
        wizard.action_apply()
        history = wizard.history_id
        self.assertEqual(history.user_id, self.manager)
        self.assertEqual(history.checksum, package_format.checksum(raw))
        self.assertEqual(base64.b64decode(history.package_file), raw)
        self.assertEqual(
            (history.company_id, history.source_plant), (self.plant_2, "Package Plant 1")
        )
        self.assertEqual((history.created_count, history.changed_count), (13, 0))
        self.assertIn("create: Endpoint PK2_ERP", history.details)
        self.assertIn("integration_core 18.0", history.modules)
        # Nobody changes or deletes the record, not even a manager.
        with self.assertRaises(Exception):  # noqa: B017 (AccessError through the ORM)
            history.with_user(self.manager).write({"checksum": "forged"})

    def test_a_change_left_out_of_the_import(self):
        raw = self.export()
        self.config["erp"].url = "https://kept.example/api"
        self.config["orders"].max_attempts = 9
        wizard = self.importer(raw)
        wizard.line_ids.filtered(lambda line: line.name == "PK1_ERP").apply = False
        wizard.action_apply()
        self.assertEqual(self.config["erp"].url, "https://kept.example/api")
        self.assertEqual(self.config["orders"].max_attempts, 4)
        self.assertIn("left as it was (chosen): Endpoint PK1_ERP", wizard.history_id.details)

    def test_nothing_is_applied_when_the_plant_changed_since_the_preview(self):
        raw = self.export()
        self.config["orders"].max_attempts = 9
        wizard = self.importer(raw)
        self.config["orders"].max_attempts = 7
        with self.assertRaisesRegex(UserError, "changed since the preview"):
            wizard.action_apply()
        self.assertEqual(self.config["orders"].max_attempts, 7)

    def test_environment_and_unavailable_references_are_said(self):
        document = self.document(self.renamed(self.export()))
        document["environment"] = "production"
        erp = document["sections"]["endpoints"][0]
        erp["inbound_user"] = {"login": "nobody_here"}
        document["sections"]["alert_rules"][0].update(user={"login": "gone"}, group=None)
        document["sections"]["flows"][0]["handler"] = "integration.handler.not_installed"
        document["sections"]["windows"][1]["tz"] = "Mars/Olympus"
        wizard = self.importer(package_format.dumps(document), company=self.plant_2)
        self.assertIn(
            "The package comes from a production database; this database is development.",
            wizard.notes,
        )
        lines = self.lines(wizard)
        self.assertIn(
            "user nobody_here not found here: inbound_user left empty",
            lines[("Endpoint", "PK2_ERP")][1],
        )
        self.assertEqual(
            lines[("Flow", "PK2_ERP / item.master")],
            ("skip", "handler 'integration.handler.not_installed' is not available here"),
        )
        self.assertEqual(lines[("Mapping", "PK2_ERP / item.master / 1")][0], "skip")
        self.assertEqual(lines[("Alert rule", "PK2_ERP / item.master / Item backlog")][0], "skip")
        nightly = "PK2_ERP / item.master / Mon-Fri 22:00-04:00 Europe/Berlin"
        self.assertEqual(
            lines[("Processing window", nightly)],
            ("skip", "what it schedules is not imported"),
        )
        self.assertEqual(
            lines[("Processing window", "PK2_WMS / - / Sat 06:00-12:00 UTC")],
            ("skip", "tz 'Mars/Olympus' is not available here"),
        )
        wizard.action_apply()
        self.assertFalse(
            self.env["integration.flow"].search(
                [("code", "=", "item.master"), ("company_id", "=", self.plant_2.id)]
            )
        )

    def test_a_value_the_database_refuses_is_one_sentence_and_nothing_is_imported(self):
        document = self.document(self.export())
        document["sections"]["flows"][1]["batch_size"] = 0
        document["sections"]["flows"][0]["max_attempts"] = 3
        wizard = self.importer(package_format.dumps(document))
        with self.assertRaisesRegex(
            UserError,
            "Nothing was imported. Flow PK1_ERP / orders.out: The batch size must be positive.",
        ):
            wizard.action_apply()
        self.assertEqual(self.config["orders"].batch_size, 100)

    def test_an_endpoint_code_of_another_plant_is_never_taken_over(self):
        wizard = self.importer(self.export(), company=self.plant_2)
        action, details = self.lines(wizard)[("Endpoint", "PK1_ERP")]
        self.assertEqual(
            (action, details), ("skip", "code PK1_ERP is used here by Package Plant 1")
        )
        self.assertEqual(self.lines(wizard)[("Flow", "PK1_ERP / orders.out")][0], "skip")

    def assertRefused(self, raw, text):
        with self.assertRaises(UserError) as raised:
            self.importer(raw)
        self.assertIn("This file cannot be imported: ", str(raised.exception))
        self.assertIn(text, str(raised.exception))

    def test_hostile_files_are_refused_with_a_clear_error(self):
        document = self.document(self.export())

        def edited(change):
            copy = json.loads(json.dumps(document))
            change(copy)
            return package_format.dumps(copy)

        self.assertRefused(b"<xml>not json</xml>", "The package file is not valid JSON")
        self.assertRefused(b"[" * 5000 + b"]" * 5000, "nested deeper than 64 levels")
        deep = {"a": None}
        for _level in range(70):
            deep = {"a": deep}
        self.assertRefused(edited(lambda d: d.update(plant=deep)), "nested deeper than 64 levels")
        self.env["ir.config_parameter"].set_param("integration.max_request_bytes", 2000)
        self.assertRefused(self.export(), "The package file is over 2000 bytes")
        self.env["ir.config_parameter"].set_param("integration.max_request_bytes", 0)
        self.assertRefused(edited(lambda d: d.update(format_version=2)), "format version 2")
        self.assertRefused(
            edited(lambda d: d["sections"].update(calendars=[])), 'Unknown section "calendars"'
        )
        self.assertRefused(
            edited(lambda d: d["sections"].pop("endpoints")),
            "Flow PK1_ERP / item.master refers to endpoint PK1_ERP, which is not in the package",
        )
        self.assertRefused(
            edited(lambda d: d["modules"].update(integration_elsewhere="18.0.1.0.0")),
            "needs integration_elsewhere (18.0.1.0.0), which is not installed here",
        )
        self.assertRefused(
            edited(lambda d: d["sections"]["flows"][0].update(max_attempts="many")),
            "Flow PK1_ERP / item.master, max_attempts: must be a whole number",
        )
        self.assertRefused(
            edited(lambda d: d["sections"]["flows"][0].update(state="active")),
            "Flow PK1_ERP / item.master: unknown field(s) state",
        )
        self.assertRefused(
            edited(lambda d: d["sections"]["mappings"][0]["lines"].append({"source": "x"})),
            "line 4: a line is an object with a target",
        )
        self.assertRefused(
            edited(lambda d: d["sections"]["windows"][0].update(start_hour="late")),
            "Processing window PK1_ERP / item.master / Mon-Fri 22:00-04:00 Europe/Berlin, "
            "start_hour: must be a number",
        )
        self.assertRefused(
            edited(lambda d: d["sections"]["alert_rules"][0].update(condition=None)),
            "Alert rule PK1_ERP / item.master / Item backlog, condition: must be given",
        )
        self.assertRefused(b"\x00\x01binary", "not valid JSON")
        with self.assertRaisesRegex(UserError, "Choose a package file first"):
            self.env["integration.package.import"].with_user(self.manager).create(
                {"company_id": self.plant.id}
            ).action_preview()
