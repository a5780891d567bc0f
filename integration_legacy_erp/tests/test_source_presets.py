"""The legacy ERP's shipped source presets: each one, applied to a flow, reads its source.

Every preset of ``data/legacy_source_presets.xml`` is applied through the wizard to an
inbound flow of an endpoint of its source kind; the flow then reads a row as the source sends
it (a CSV extract, a REST record, an older Odoo's ``search_read`` row) into the canonical
message its handler documents.
"""

import io
import json
from pathlib import Path

from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.integration_core.lib import flat_file
from odoo.addons.integration_core.tools import payload_map

MAPS = Path(__file__).resolve().parents[1] / "data" / "payload_maps"
HANDLERS = {
    "bom": "integration.handler.legacy.bom",
    "item": "integration.handler.legacy.item",
    "partner": "integration.handler.legacy.partner",
    "sale_order": "integration.handler.legacy.order",
}
BOM_EXTRACT = (
    "BOMNO;PARENT;ITEMNO;QTY;UOM\r\nB-1;A-000010;A-000001;2,5;KG\r\nB-1;A-000010;A-000002;4;ST\r\n"
)
REST_ITEM = {
    "ITEMNO": " A-000001 ",
    "DESCR": "Welle Ø20 mm ",
    "UOM": "ST",
    "ITEMGRP": "Wellen",
    "EAN": "4000000000017",
    "WEIGHT": 0.5,
    "UPDATED_AT": "2026-01-05T08:00:00Z",
}
REST_ORDER_LINE = {
    "LINEID": "SO-1/2",
    "ORDERNO": "SO-1 ",
    "KIND": "sale",
    "PARTNO": "C-100",
    "STATUS": "OPEN",
    "ITEMNO": "A-000001",
    "QTY": 3,
    "PRICE": 12.5,
    "UPDATED_AT": "2026-01-05T08:00:00Z",
}
ODOO_ITEM = {
    "id": 7,
    "default_code": "OD-7 ",
    "name": "Ventil DN 25",
    "uom_id": [1, "Units"],
    "categ_id": [4, "All / Ventile"],
    "barcode": False,
    "weight": 0.4,
    "write_date": "2026-11-30 10:00:00",
}
ODOO_PARTNER = {
    "id": 12,
    "ref": "ACQ-12",
    "name": "Müller & Söhne",
    "vat": False,
    "email": "info@mueller.example",
    "phone": False,
    "write_date": "2026-11-30 10:00:00",
}


@tagged("post_install", "-at_install")
class TestLegacySourcePresets(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Preset manager",
                "login": "legacy_preset_manager",
                "groups_id": [
                    (6, 0, cls.env.ref("integration_core.group_integration_manager").ids)
                ],
            }
        )
        Endpoint = cls.env["integration.endpoint"]
        common = {"system_type": "legacy_erp", "environment": "test"}
        cls.endpoints = {
            "file": Endpoint.create(dict(common, name="Drop", code="LP_FILE", transport="file")),
            "rest": Endpoint.create(
                dict(common, name="API", code="LP_REST", transport="rest", url="http://127.0.0.1:9")
            ),
            "odoo_xmlrpc": Endpoint.create(
                dict(
                    common,
                    name="Odoo 16",
                    code="LP_ODOO",
                    transport="odoo_xmlrpc",
                    url="http://127.0.0.1:9",
                    odoo_database="old",
                )
            ),
        }

    def preset(self, name):
        return self.env.ref(f"integration_legacy_erp.source_preset_{name}")

    def applied(self, name):
        """A new inbound flow of the preset's message type, the preset applied by a manager."""
        preset = self.preset(name)
        flow = self.env["integration.flow"].create(
            {
                "name": preset.name,
                "code": preset.flow_code,
                "endpoint_id": self.endpoints[preset.transport].id,
                "direction": "inbound",
                "trigger": "push" if preset.transport == "file" else "poll",
                "handler": HANDLERS[preset.flow_code],
            }
        )
        wizard = Form(
            self.env["integration.source.preset.apply"]
            .with_user(self.manager)
            .with_context(default_flow_id=flow.id)
        )
        self.assertEqual(wizard.preset_id, preset, "the preset of the flow's type is proposed")
        wizard.save().action_apply()
        payload_map.parse(flow.payload_map)
        return flow

    def canonical(self, flow, row):
        return payload_map.canonical_payload(flow, flow.endpoint_id, row)

    def test_the_presets_load_their_mapping_from_the_payload_map_files(self):
        names = (
            "file_bom",
            "rest_item",
            "rest_open_order",
            "rest_bom",
            "odoo_item",
            "odoo_partner",
            "odoo_bom",
            "odoo_sale_order",
        )
        for name in names:
            self.assertEqual(
                json.loads(self.preset(name).payload_map),
                json.loads((MAPS / f"{name}.json").read_text()),
            )

    def test_file_bom_lines_read_as_one_bill_of_materials(self):
        flow = self.applied("file_bom")
        fmt = flow.file_format_id._flat_format()
        [record] = flat_file.read_records(io.BytesIO(BOM_EXTRACT.encode("cp1252")), fmt)
        self.assertFalse(record.errors)
        self.assertEqual(
            self.canonical(flow, flat_file.payload_of(record, fmt)),
            {
                "code": "B-1",
                "product": "A-000010",
                "quantity": 1,
                "components": [
                    {"item": "A-000001", "quantity": 2.5, "uom": "KG"},
                    {"item": "A-000002", "quantity": 4, "uom": "ST"},
                ],
            },
        )

    def test_rest_items_are_pulled_and_read_as_items(self):
        flow = self.applied("rest_item")
        self.assertEqual(
            (flow.pull_path, flow.pull_id_key, flow.pull_updated_key, flow.ordering_key_path),
            ("/items", "ITEMNO", "UPDATED_AT", "ITEMNO"),
        )
        self.assertEqual(
            self.canonical(flow, REST_ITEM),
            {
                "code": "A-000001",
                "name": "Welle Ø20 mm",
                "uom": "ST",
                "category": "Wellen",
                "barcode": "4000000000017",
                "weight": 0.5,
            },
        )

    def test_rest_open_order_lines_are_read_as_orders_of_one_line(self):
        flow = self.applied("rest_open_order")
        self.assertEqual(
            (flow.pull_path, flow.pull_id_key, flow.pull_updated_key, flow.ordering_key_path),
            ("/open_orders", "LINEID", "UPDATED_AT", "ORDERNO"),
        )
        self.assertEqual(
            self.canonical(flow, REST_ORDER_LINE),
            {
                "order": "SO-1",
                "order_type": "sale",
                "partner": "C-100",
                "status": "OPEN",
                "lines": [{"item": "A-000001", "quantity": 3, "price_unit": 12.5}],
            },
        )

    def test_older_odoo_products_are_read_as_items(self):
        flow = self.applied("odoo_item")
        self.assertEqual(
            (flow.pull_path, flow.pull_fields, flow.ordering_key_path),
            ("product.product", "default_code,name,uom_id,categ_id,barcode,weight", "default_code"),
        )
        self.assertEqual(
            self.canonical(flow, ODOO_ITEM),
            {
                "code": "OD-7",
                "name": "Ventil DN 25",
                "uom": "Units",
                "category": "All / Ventile",
                "barcode": None,
                "weight": 0.4,
            },
        )

    def test_older_odoo_partners_are_read_as_customers(self):
        flow = self.applied("odoo_partner")
        self.assertEqual(
            (flow.pull_path, flow.pull_fields, flow.ordering_key_path),
            ("res.partner", "name,ref,vat,email,phone", "ref"),
        )
        self.assertEqual(
            self.canonical(flow, ODOO_PARTNER),
            {
                "code": "ACQ-12",
                "name": "Müller & Söhne",
                "vat": None,
                "email": "info@mueller.example",
                "phone": None,
                "customer": True,
            },
        )

    def test_older_odoo_bills_of_materials_are_pulled_with_their_lines(self):
        flow = self.applied("odoo_bom")
        self.assertEqual(
            (flow.pull_path, flow.pull_lines_field, flow.pull_line_fields),
            ("mrp.bom", "bom_line_ids", "product_id,product_qty,product_uom_id"),
        )
        row = {
            "id": 3,
            "code": "B-1",
            "product_tmpl_id": [5, "[OD-10] Welle"],
            "product_qty": 1.0,
            "product_uom_id": [1, "Units"],
            "bom_line_ids": [
                {
                    "id": 9,
                    "product_id": [8, "[OD-12] Schraube M6"],
                    "product_qty": 4.0,
                    "product_uom_id": [1, "Units"],
                },
            ],
            "write_date": "2026-11-30 10:00:00",
        }
        canonical = self.canonical(flow, row)
        self.assertEqual(canonical["product"], "OD-10")
        self.assertEqual(
            [(line["item"], line["quantity"]) for line in canonical["components"]],
            [("OD-12", 4.0)],
        )
