"""The legacy ERP's entities read from its real sources, end to end over loopback.

The legacy ERP simulator writes its Windows-1252 extracts and serves its REST API; the suite
reads them with the file formats this addon ships (``data/legacy_file_formats.xml``) and the
payload mappings of ``data/payload_maps/``, and the legacy handlers apply the canonical
messages: items harmonized, BOMs waiting for their components, changes picked up once.
"""

import datetime
from pathlib import Path

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.tests.helpers import run_queue
from odoo.addons.integration_core.tests.legacy_common import LegacyFileCase, legacy_simulator

MAPS = Path(__file__).resolve().parents[1] / "data" / "payload_maps"
UNITS = {"ST": "uom.product_uom_unit", "KG": "uom.product_uom_kgm", "M": "uom.product_uom_meter"}


def payload_map(name):
    return (MAPS / f"{name}.json").read_text()


def item_row(code, name, group="G01", uom="ST", ean="", weight=0.5):
    return {
        "ITEMNO": code,
        "DESCR": name,
        "UOM": uom,
        "ITEMGRP": group,
        "EAN": ean,
        "WEIGHT": weight,
        "PRICE": 1.0,
    }


def check_duplicate_review(case, endpoint, messages, existing, code):
    """The item ``code`` among ``messages`` waits on a possible-duplicate card naming
    ``existing``, nothing is created; linked by a person, it resumes and is that product."""
    Xref = case.env["integration.xref"]
    waiting = messages.filtered(lambda message: message.state == "waiting")
    case.assertEqual(len(waiting), 1)
    match = waiting.exception_id.legacy_match_ids
    case.assertEqual(match.product_candidate_ids, existing)
    case.assertFalse(Xref._resolve(endpoint, "product.product", code))
    match.product_id = existing
    match.action_link()
    run_queue(case.env)
    case.assertEqual(waiting.state, "done", waiting.error)
    case.assertEqual(Xref._resolve(endpoint, "product.product", code), existing)
    return match


class LegacySourceCase(LegacyFileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.item_flow = cls.make_flow(
            "item",
            "integration.handler.legacy.item",
            endpoint=cls.file_endpoint,
            file_format_id=cls.env.ref("integration_legacy_erp.file_format_legacy_items").id,
        )
        cls.bom_flow = cls.make_flow(
            "bom",
            "integration.handler.legacy.bom",
            endpoint=cls.file_endpoint,
            file_format_id=cls.env.ref("integration_legacy_erp.file_format_legacy_bom_lines").id,
            payload_map=payload_map("file_bom"),
        )
        cls.link_units(cls.file_endpoint)

    @classmethod
    def link_units(cls, endpoint):
        """The legacy unit codes as cross-references of Odoo's units (what a user sets up)."""
        for code, xmlid in UNITS.items():
            cls.env["integration.xref"]._link(endpoint, code, cls.env.ref(xmlid))

    def product(self, endpoint, code):
        return self.env["integration.xref"]._resolve(endpoint, "product.product", code)

    def start_rest_source(self, rows_per_table=6):
        """The legacy simulator's REST API on loopback (stopped after the test), as the
        endpoint ``LEGACY_API`` with its unit codes linked."""
        self.simulator = legacy_simulator().LegacySimulator(rows_per_table=rows_per_table)
        self.simulator.root = self.root
        self.simulator.start()
        self.addCleanup(self.simulator.stop)
        self.rest = self.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP API",
                "code": "LEGACY_API",
                "environment": "test",
                "transport": "rest",
                "url": self.simulator.url + "/api",
            }
        )
        self.link_units(self.rest)

    def pull(self):
        """The scheduled pull of the polled sources, then the queue."""
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.env.invalidate_all()
        self.run_queue()


@tagged("post_install", "-at_install")
class TestLegacyFileSource(LegacySourceCase):
    def test_items_and_a_bom_from_the_extracts_with_a_duplicate_for_review(self):
        existing = self.env["product.product"].create({"name": "Lagerbock", "default_code": "a-7"})
        self.extract(
            "items",
            [
                item_row("A-000001", "Welle Ø20 mm", "Wellen", ean="4000000000017"),
                item_row("A-000002", "Blech 2 mm", "Bleche", uom="KG", weight=2.75),
                item_row("A-0007", "Lagerbock groß", "Böcke"),
            ],
            flow_code="item",
        )
        self.poll_files()
        self.run_queue()
        shaft = self.product(self.file_endpoint, "A-000001")
        self.assertEqual(shaft.name, "Welle Ø20 mm", "cp1252 read as such")
        self.assertEqual((shaft.barcode, shaft.categ_id.name), ("4000000000017", "Wellen"))
        sheet = self.product(self.file_endpoint, "A-000002")
        self.assertEqual((sheet.uom_id, sheet.weight), (self.env.ref(UNITS["KG"]), 2.75))
        # A-0007 is a-7 once normalized: a person decides, nothing is created meanwhile.
        match = check_duplicate_review(
            self, self.file_endpoint, self.messages(self.item_flow), existing, "A-0007"
        )
        self.assertEqual(match.legacy_name, "Lagerbock groß", "the card shows the canonical item")

        # A BOM whose second component is not known yet waits, then resumes.
        self.extract(
            "bom_lines",
            [
                {
                    "LINEID": "1",
                    "BOMNO": "B-1",
                    "PARENT": "A-000001",
                    "ITEMNO": "A-000002",
                    "QTY": 1.5,
                    "UOM": "KG",
                },
                {
                    "LINEID": "2",
                    "BOMNO": "B-1",
                    "PARENT": "A-000001",
                    "ITEMNO": "A-000009",
                    "QTY": 4.0,
                    "UOM": "ST",
                },
            ],
            flow_code="bom",
        )
        self.poll_files()
        self.run_queue()
        bom_message = self.messages(self.bom_flow)
        self.assertEqual(bom_message.state, "waiting")
        self.assertEqual(bom_message.waiting_code, "A-000009")
        self.extract("items", [item_row("A-000009", "Schraube M6", "Schrauben")], "item")
        self.poll_files()
        self.run_queue()
        self.run_queue()
        self.assertEqual(bom_message.state, "done", bom_message.error)
        bom = self.env["mrp.bom"].search([("code", "=", "B-1")])
        self.assertEqual(bom.product_tmpl_id, shaft.product_tmpl_id)
        self.assertEqual(
            sorted((line.product_id.default_code, line.product_qty) for line in bom.bom_line_ids),
            [("A-000002", 1.5), ("A-000009", 4.0)],
        )
        self.assertEqual(bom.product_qty, 1.0)

    def test_partners_from_the_extract_are_created_or_linked_by_vat(self):
        flow = self.make_flow(
            "partner",
            "integration.handler.legacy.partner",
            endpoint=self.file_endpoint,
            file_format_id=self.env.ref("integration_legacy_erp.file_format_legacy_partners").id,
        )
        known = self.env["res.partner"].create(
            {"name": "Müller und Söhne", "vat": "DE100000002", "is_company": True}
        )
        self.extract("partners", self.rows("partners", 3), flow_code="partner")
        self.poll_files()
        self.run_queue()
        messages = self.messages(flow)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        Xref = self.env["integration.xref"]
        first = Xref._resolve(self.file_endpoint, "res.partner", "P-00001")
        self.assertEqual((first.name, first.country_id.code), ("Müller & Söhne 1 GmbH", "AT"))
        self.assertEqual(Xref._resolve(self.file_endpoint, "res.partner", "P-00002"), known)

    def test_an_interrupted_initial_load_of_items_creates_nothing_twice(self):
        rows = [item_row(f"L-{n:04d}", f"Teil {n}", f"Gruppe {n}") for n in range(1, 13)]
        # Odoo already has the third item (same barcode): the load links it.
        rows[2]["EAN"] = "4000000000031"
        known = self.env["product.product"].create(
            {"name": "Part three", "barcode": "4000000000031", "default_code": "P3"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE product_product SET create_date = now() - interval '1 day' WHERE id = %s",
            [known.id],
        )
        path = self.legacy.write_extract(self.root, "items", rows, "item-full", subfolder="initial")
        load = self.env["integration.initial.load"].create(
            {"flow_id": self.item_flow.id, "file_path": f"initial/{path.name}", "batch_rows": 5}
        )
        load.action_start()
        self.env.flush_all()
        self.env["integration.initial.load"]._cron_run()
        self.run_queue()
        self.assertEqual(len(self.messages(self.item_flow)), 5)
        # The checkpoint is lost (a crash before it was written): the load reads again from
        # the start, and the rows already applied are recognised.
        load.write({"checkpoint_offset": 0, "checkpoint_line": 0})
        for _batch in range(4):
            self.env.flush_all()
            self.env["integration.initial.load"]._cron_run()
        self.env.invalidate_all()
        self.run_queue()
        self.assertEqual(load.state, "done")
        messages = self.messages(self.item_flow)
        self.assertEqual(len(messages), 12)
        self.assertEqual(set(messages.mapped("state")), {"done"})
        products = self.env["product.product"].search([("default_code", "=like", "L-%")])
        self.assertEqual(len(products), 12, "eleven made, the known one linked (and updated)")
        self.assertIn(known, products)
        self.assertEqual(self.product(self.file_endpoint, "L-0003"), known)
        # The load's summary: what its rows became once the queue applied them.
        load.invalidate_recordset()
        self.assertEqual(
            (load.messages_created, load.refused_count, load.applied_count), (12, 0, 12)
        )
        self.assertEqual((load.created_count, load.linked_count), (11, 1))
        self.assertEqual((load.waiting_count, load.failed_count, load.queued_count), (0, 0, 0))


@tagged("post_install", "-at_install")
class TestLegacyRestSource(LegacySourceCase):
    def setUp(self):
        super().setUp()
        self.start_rest_source()
        self.rest_items = self.make_flow(
            "item",
            "integration.handler.legacy.item",
            endpoint=self.rest,
            trigger="poll",
            pull_path="/items",
            pull_id_key="ITEMNO",
            pull_updated_key="UPDATED_AT",
            ordering_key_path="ITEMNO",
            payload_map=payload_map("rest_item"),
        )

    def test_items_are_pulled_and_a_change_is_picked_up_once(self):
        self.pull()
        messages = self.messages(self.rest_items)
        self.assertEqual(len(messages), 6)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        self.assertIn("ITEMNO", messages[0].get_payload_json(), "the message keeps the record")
        third = self.product(self.rest, "A-000003")
        row = legacy_simulator().generated_row("items", 3)
        self.assertEqual((third.name, third.barcode), (row["DESCR"], row["EAN"]))
        self.simulator.change("items", "A-000003", at="2026-01-05T08:00:00Z", DESCR="Neu 3")
        self.pull()
        self.pull()
        self.assertEqual(len(self.messages(self.rest_items)), 7, "the change, taken once")
        self.assertEqual(third.name, "Neu 3")
        count = self.env["product.product"].search_count([("default_code", "=like", "A-0000%")])
        self.assertEqual(count, 6)

    def test_a_duplicate_item_from_the_api_waits_for_review(self):
        existing = self.env["product.product"].create({"name": "Lager", "default_code": "a 4"})
        self.pull()
        check_duplicate_review(
            self, self.rest, self.messages(self.rest_items), existing, "A-000004"
        )

    @mute_logger("odoo.addons.integration_core.tools.pull_source")
    def test_an_interrupted_pull_of_items_resumes_and_creates_nothing_twice(self):
        self.rest_items.pull_page_size = 2
        self.simulator.throttle_every = 2  # the second request is refused (429)
        self.pull()
        self.assertEqual(len(self.messages(self.rest_items)), 2, "the first page, applied")
        self.simulator.throttle_every = 0
        self.rest_items.pull_resume_at = fields.Datetime.now() - datetime.timedelta(seconds=1)
        self.pull()
        self.pull()
        messages = self.messages(self.rest_items)
        self.assertEqual(len(messages), 6)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        count = self.env["product.product"].search_count([("default_code", "=like", "A-0000%")])
        self.assertEqual(count, 6)
