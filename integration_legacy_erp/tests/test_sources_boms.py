"""BOMs from the legacy ERP's REST API: each BOM with its ``lines``, as a REST API nests them.

The simulator serves ``GET /api/boms`` from its ``bom_lines`` table, a BOM's ``UPDATED_AT``
being the latest of its lines; ``data/payload_maps/rest_bom.json`` reads it as a ``bom``.
"""

from odoo.tests import tagged

from .test_sources import LegacySourceCase, legacy_simulator, payload_map


@tagged("post_install", "-at_install")
class TestBomsFromRest(LegacySourceCase):
    def setUp(self):
        super().setUp()
        self.start_rest_source(rows_per_table=3)  # items A-000001..3, BOM B-00001 of 3 lines
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
        self.rest_boms = self.make_flow(
            "bom",
            "integration.handler.legacy.bom",
            endpoint=self.rest,
            trigger="poll",
            pull_path="/boms",
            pull_id_key="BOMNO",
            pull_updated_key="UPDATED_AT",
            ordering_key_path="BOMNO",
            payload_map=payload_map("rest_bom"),
        )

    def bom_lines(self, bom):
        return sorted(
            (line.product_id.default_code, line.product_qty, line.product_uom_id.name)
            for line in bom.bom_line_ids
        )

    def test_a_bom_from_the_api_waits_for_its_component_and_resumes(self):
        change = self.simulator.change
        change("bom_lines", "1", ITEMNO="A-000002", QTY=1.5, UOM="M")
        change("bom_lines", "2", ITEMNO="A-000009", QTY=4.0, UOM="ST")
        last = change("bom_lines", "3", ITEMNO="A-000003", QTY=2.0, UOM="ST")
        self.pull()
        self.run_queue()  # a BOM taken before its product resumes for the next item
        message = self.messages(self.rest_boms)
        self.assertEqual(len(message), 1)
        sent = message.get_payload_json()
        self.assertEqual(
            [line["ITEMNO"] for line in sent["lines"]], ["A-000002", "A-000009", "A-000003"]
        )
        self.assertEqual(sent["UPDATED_AT"], last["UPDATED_AT"], "the latest of its lines")
        self.assertEqual(message.state, "waiting", message.error)
        self.assertEqual(message.waiting_code, "A-000009")
        self.assertFalse(self.env["integration.xref"]._resolve(self.rest, "mrp.bom", "B-00001"))

        screw = legacy_simulator().generated_row("items", 9)
        change("items", "A-000009", **{key: screw[key] for key in ("DESCR", "UOM", "PRICE")})
        self.pull()
        self.pull()
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(len(self.messages(self.rest_boms)), 1, "the BOM, taken once")
        bom = self.env["integration.xref"]._resolve(self.rest, "mrp.bom", "B-00001")
        self.assertEqual(bom.product_tmpl_id, self.product(self.rest, "A-000001").product_tmpl_id)
        self.assertEqual(
            self.bom_lines(bom),
            [("A-000002", 1.5, "m"), ("A-000003", 2.0, "Units"), ("A-000009", 4.0, "Units")],
        )

        # One line changes: the BOM is listed again (its UPDATED_AT moved) and replaced once.
        change("bom_lines", "3", QTY=3.0)
        self.pull()
        self.pull()
        messages = self.messages(self.rest_boms)
        self.assertEqual(len(messages), 2)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        self.assertEqual(
            self.bom_lines(bom),
            [("A-000002", 1.5, "m"), ("A-000003", 3.0, "Units"), ("A-000009", 4.0, "Units")],
        )
