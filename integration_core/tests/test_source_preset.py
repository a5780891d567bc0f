"""Source presets: a flow's Source tab filled from a shipped preset, by managers only."""

import json
from functools import partial

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged

from ..tools import payload_map
from .common import make_integration_users
from .security_common import SecurityCase

WIZARD = "integration.source.preset.apply"
ITEM_MAP = {
    "lines": [
        {"source": "ITEMNO", "target": "code", "required": True, "transforms": ["strip"]},
        {"source": "DESCR", "target": "name", "required": True},
    ]
}


class SourcePresetCase(TransactionCase):
    """A REST endpoint with an inbound flow, a REST preset and a flat-file preset for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Old ERP API",
                "code": "PRESET_API",
                "environment": "test",
                "transport": "rest",
                "url": "http://127.0.0.1:9/api",
            }
        )
        cls.flow = cls.env["integration.flow"].create(
            {
                "name": "Items",
                "code": "item",
                "endpoint_id": cls.endpoint.id,
                "direction": "inbound",
                "trigger": "poll",
                "handler": "integration.handler.noop",
            }
        )
        Preset = cls.env["integration.source.preset"]
        cls.rest_preset = Preset.create(
            {
                "name": "Old ERP: items",
                "system_type": "generic",
                "flow_code": "item",
                "transport": "rest",
                "pull_path": "/items",
                "pull_id_key": "ITEMNO",
                "pull_updated_key": "UPDATED_AT",
                "ordering_key_path": "ITEMNO",
                "payload_map": json.dumps(ITEM_MAP),
            }
        )
        cls.file_preset = Preset.create(
            {
                "name": "Old ERP: item files",
                "system_type": "generic",
                "flow_code": "item",
                "transport": "file",
                "file_format_id": cls.env["integration.file.format"]
                .create({"name": "Items CSV", "delimiter": ";"})
                .id,
            }
        )

    def apply(self, preset, user="manager", flow=None):
        wizard = Form(
            self.env["integration.source.preset.apply"]
            .with_user(self.users[user])
            .with_context(default_flow_id=(flow or self.flow).id)
        )
        wizard.preset_id = preset
        return wizard.save().action_apply()


@tagged("post_install", "-at_install")
class TestSourcePreset(SourcePresetCase):
    def test_applying_a_preset_fills_the_source_tab_and_the_chatter_says_so(self):
        self.env.cr.precommit.run()  # the flow was made in an earlier transaction: tracked
        wizard = Form(
            self.env["integration.source.preset.apply"]
            .with_user(self.users["manager"])
            .with_context(default_flow_id=self.flow.id)
        )
        self.assertEqual(wizard.preset_id, self.rest_preset, "the one preset for item over REST")
        wizard.save().action_apply()
        flow = self.flow
        self.assertEqual(
            (flow.pull_path, flow.pull_id_key, flow.pull_updated_key, flow.ordering_key_path),
            ("/items", "ITEMNO", "UPDATED_AT", "ITEMNO"),
        )
        self.assertEqual(json.loads(flow.payload_map), ITEM_MAP)
        canonical = payload_map.canonical_payload(
            flow, self.endpoint, {"ITEMNO": " A-1 ", "DESCR": "Shaft", "PRICE": 3}
        )
        self.assertEqual(canonical, {"code": "A-1", "name": "Shaft"})
        self.env.cr.precommit.run()  # tracking values are written when the transaction ends
        tracked = flow.message_ids.tracking_value_ids.field_id.mapped("name")
        for name in ("pull_path", "pull_id_key", "pull_updated_key", "payload_map"):
            self.assertIn(name, tracked, f"{name} changed in the chatter")
        self.assertIn("Old ERP: items", " ".join(flow.message_ids.mapped("body")))

    def test_a_preset_replaces_the_whole_source(self):
        self.apply(self.rest_preset)
        self.endpoint.transport = "file"
        self.apply(self.file_preset)
        self.assertEqual(self.flow.file_format_id, self.file_preset.file_format_id)
        self.assertFalse(self.flow.pull_path, "no longer pulled")
        self.assertFalse(self.flow.payload_map, "the file preset has no mapping")
        self.assertEqual(self.flow.pull_id_key, "id")
        self.assertEqual(self.flow.ordering_key_path, "ITEMNO", "kept: the preset has none")

    def test_a_preset_of_another_source_kind_or_an_outbound_flow_is_refused(self):
        with self.assertRaisesRegex(UserError, "reads a File drop folder source"):
            self.apply(self.file_preset)
        self.flow.direction = "outbound"
        with self.assertRaisesRegex(UserError, "inbound flows only"):
            self.apply(self.rest_preset)
        self.assertFalse(self.flow.pull_path)

    def test_a_preset_with_a_broken_mapping_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not JSON"):
            self.rest_preset.payload_map = '{"lines": ['
        with self.assertRaisesRegex(ValidationError, "must be"):
            self.rest_preset.payload_map = '{"source": "ITEMNO"}'

    def test_only_managers_apply_presets(self):
        wizard = (
            self.env["integration.source.preset.apply"]
            .sudo()
            .create({"flow_id": self.flow.id, "preset_id": self.rest_preset.id})
        )
        for role in ("user", "api"):
            with self.assertRaises(AccessError):
                wizard.with_user(self.users[role]).sudo(False).action_apply()
        with self.assertRaises(AccessError):
            self.env["integration.source.preset"].with_user(self.users["user"]).create(
                {"name": "x", "system_type": "generic", "flow_code": "x", "transport": "rest"}
            )
        self.assertEqual(
            self.rest_preset.with_user(self.users["user"]).pull_path, "/items", "users read them"
        )
        self.assertFalse(self.flow.pull_path)


@tagged("post_install", "-at_install")
class TestSourcePresetRpc(SecurityCase):
    def test_only_managers_apply_a_preset_over_xmlrpc(self):
        files = self.make_endpoint("SEC_FILES", transport="file")
        flow = self.make_flow(files, "items")
        preset = self.env["integration.source.preset"].create(
            {
                "name": "Item files",
                "system_type": "generic",
                "flow_code": "items",
                "transport": "file",
                "payload_map": json.dumps(ITEM_MAP),
            }
        )
        values = {"flow_id": flow.id, "preset_id": preset.id}
        wizard = self.env[WIZARD].create(values)
        for role in ("plain", "service", "user"):
            self.assertFault(partial(self.rpc, role, WIZARD, "create", values), 4)
            self.assertFault(partial(self.rpc, role, WIZARD, "action_apply", [wizard.id]), 4)
        flow.invalidate_recordset()
        self.assertFalse(flow.payload_map, "nothing applied")
        own = self.rpc("manager", WIZARD, "create", values)
        self.rpc("manager", WIZARD, "action_apply", [own])
        flow.invalidate_recordset()
        self.assertEqual(json.loads(flow.payload_map), ITEM_MAP)


@tagged("post_install", "-at_install")
class TestSourcePresetScreens(HttpCase):
    def test_the_presets_menu_and_the_apply_wizard_open(self):
        make_integration_users(self.env)
        self.browser_js(
            "/odoo/action-integration_core.integration_source_preset_action",
            "console.log('test successful')",
            ready="!!document.querySelector('.o_view_nocontent, .o_list_renderer')",
            login="int_manager",
        )
        endpoint = self.env["integration.endpoint"].create(
            {"name": "Old ERP", "code": "PRESET_UI", "environment": "test", "transport": "file"}
        )
        flow = self.env["integration.flow"].create(
            {
                "name": "Items",
                "code": "item",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.noop",
            }
        )
        self.browser_js(
            f"/odoo/action-integration_core.integration_flow_action/{flow.id}",
            "document.querySelector('a[name=source]').click();"
            "setTimeout(() => {"
            "  document.querySelector('button.o_apply_source_preset').click();"
            "  setTimeout(() => {"
            "    const modal = document.querySelector('.modal .o_form_view div[name=preset_id]');"
            "    if (!modal) { console.error('the apply wizard did not open'); }"
            "    else { console.log('test successful'); }"
            "  }, 1500);"
            "}, 500);",
            ready="!!document.querySelector('.o_form_view a[name=source]')",
            login="int_manager",
        )
