import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import package_format
from .package_common import CREDENTIAL, HMAC_SECRET, PackageCase


@tagged("post_install", "-at_install")
class TestPackageExport(PackageCase):
    """What a package holds: the plant's configuration by natural keys, never a secret."""

    def test_the_package_holds_the_plants_configuration(self):
        document = self.document(self.export())
        self.assertEqual(document["format"], package_format.FORMAT)
        self.assertEqual(document["format_version"], 1)
        self.assertEqual(document["plant"], "Package Plant 1")
        self.assertEqual(document["environment"], "development")
        core = self.env.ref("base.module_integration_core").latest_version
        self.assertEqual(document["modules"], {"integration_core": core})
        sections = document["sections"]
        self.assertEqual(
            set(sections),
            {
                "endpoints",
                "flows",
                "mappings",
                "value_maps",
                "ownership_rules",
                "alert_rules",
                "windows",
            },
        )
        self.assertEqual([e["code"] for e in sections["endpoints"]], ["PK1_ERP", "PK1_WMS"])
        erp = sections["endpoints"][0]
        self.assertEqual(erp["url"], "https://erp.plant.example/api")
        self.assertEqual(erp["read_timeout"], 12.5)
        self.assertEqual(erp["inbound_user"], {"login": "pk1_service"})
        self.assertEqual(
            erp["secrets"],
            {
                "api_key": "to be issued",
                "credential": "to be entered",
                "inbound_hmac_secret": "to be entered",
            },
        )
        self.assertNotIn("company_id", erp)
        self.assertEqual(
            [(f["endpoint"], f["code"]) for f in sections["flows"]],
            [("PK1_ERP", "item.master"), ("PK1_ERP", "orders.out"), ("PK1_WMS", "stock.level")],
        )
        items = sections["flows"][0]
        self.assertEqual(items["sunset_date"], "2027-06-30")
        self.assertEqual(items["handler"], "integration.handler.mapping")
        self.assertNotIn("state", items, "a flow's state belongs to its database")
        [mapping] = sections["mappings"]
        self.assertEqual(
            (mapping["endpoint"], mapping["flow"], mapping["version"], mapping["model"]),
            ("PK1_ERP", "item.master", 1, "res.partner"),
        )
        self.assertEqual(
            [line["target"] for line in mapping["lines"]], ["ref", "name", "child_ids"]
        )
        self.assertEqual(mapping["lines"][0]["transforms"], "strip | upper")
        self.assertEqual(mapping["lines"][2]["lines"][0]["target"], "name", "nested lines")
        self.assertEqual(
            [(m["flow"], m["name"]) for m in sections["value_maps"]],
            [(None, "unit"), ("item.master", "item_kind")],
        )
        self.assertEqual(
            sections["value_maps"][1]["values"][0],
            {"external_value": "FG", "internal_value": "consu", "note": "finished"},
        )
        self.assertEqual(
            sections["ownership_rules"],
            [
                {
                    "model": "res.partner",
                    "field": None,
                    "owner": "odoo",
                    "endpoint": None,
                    "note": None,
                },
                {
                    "model": "res.partner",
                    "field": "res.partner.ref",
                    "owner": "endpoint",
                    "endpoint": "PK1_ERP",
                    "note": "Until the item master moves.",
                },
            ],
        )
        [alert] = sections["alert_rules"]
        self.assertEqual(alert["user"], {"login": "admin"})
        self.assertEqual(alert["group"], {"xmlid": "integration_core.group_integration_user"})
        nightly, saturday = sections["windows"]
        self.assertEqual(
            (nightly["endpoint"], nightly["flow"], nightly["name"], nightly["tz"]),
            ("PK1_ERP", "item.master", "Mon-Fri 22:00-04:00 Europe/Berlin", "Europe/Berlin"),
        )
        self.assertEqual(
            (nightly["start_hour"], nightly["end_hour"], nightly["sat"]), (22, 4, False)
        )
        self.assertEqual(
            (saturday["endpoint"], saturday["flow"], saturday["sat"], saturday["mon"]),
            ("PK1_WMS", None, True, False),
        )

    def test_no_database_id_and_no_secret_anywhere(self):
        raw = self.export()
        text = raw.decode()
        erp = self.config["erp"].sudo()
        for secret in (
            CREDENTIAL,
            HMAC_SECRET,
            self.config["api_key"],
            erp.secret_ciphertext,
            erp.inbound_hmac_ciphertext,
            self.config["key"].sudo().key_hash,
            self.config["key"].key_prefix,
        ):
            self.assertTrue(secret)
            self.assertNotIn(secret, text)
        ids = []

        def walk(value):
            if isinstance(value, dict):
                ids.extend(key for key in value if key == "id" or key.endswith("_id"))
                for child in value.values():
                    walk(child)
            elif isinstance(value, list):
                for child in value:
                    walk(child)

        walk(json.loads(text))
        self.assertFalse(ids, "records are referred to by natural keys, never by id")

    def test_export_is_deterministic(self):
        first = self.export()
        # Touching records and reading them in another order changes nothing.
        self.config["wms"].write({"name": "PK1 WMS"})
        self.config["stock"].sequence = 1
        self.config["orders"].sequence = 99
        self.config["stock"].sequence = 10
        self.config["orders"].sequence = 10
        second = self.export()
        self.assertEqual(first, second)
        self.assertEqual(package_format.dumps(json.loads(first)), first, "canonical text")
        self.assertTrue(first.endswith(b"}\n"))

    def test_a_part_of_the_plant(self):
        document = self.document(self.export(endpoints=self.config["wms"]))
        sections = document["sections"]
        self.assertEqual([e["code"] for e in sections["endpoints"]], ["PK1_WMS"])
        self.assertEqual([f["code"] for f in sections["flows"]], ["stock.level"])
        self.assertEqual(sections["endpoints"][0]["secrets"], {"api_key": "to be issued"})
        # Rules of the other endpoint stay out: nothing refers outside the package.
        self.assertEqual([r["owner"] for r in sections["ownership_rules"]], ["odoo"])
        self.assertEqual([w["endpoint"] for w in sections["windows"]], ["PK1_WMS"])
        for name in ("mappings", "value_maps", "alert_rules"):
            self.assertNotIn(name, sections)

    def test_endpoints_of_another_plant_are_refused(self):
        other = self.env["integration.endpoint"].create(
            {"name": "Elsewhere", "code": "PK_OTHER", "environment": "test"}
        )
        with self.assertRaisesRegex(UserError, "PK_OTHER belong to another plant"):
            self.export(endpoints=other)

    def test_the_wizard_says_what_is_in_the_file(self):
        wizard = (
            self.env["integration.package.export"]
            .with_user(self.manager)
            .create({"company_id": self.plant.id})
        )
        self.assertEqual(wizard.environment, "Development")
        wizard.action_export()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.file_name, "package-plant-1-integration-configuration.json")
        self.assertIn("2 × Endpoint", wizard.summary)
        self.assertIn("3 × Flow", wizard.summary)
        self.assertIn(
            "PK1_ERP: API keys for the systems that push messages, the credential, the inbound "
            "HMAC secret",
            wizard.summary,
        )
