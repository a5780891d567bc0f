"""An acquired company's older Odoo as a legacy source: its partners and items over XML-RPC.

A second real database on the test server (``integration_core``'s ``tests/older_odoo.py``,
with ``product`` installed) plays the older Odoo; the flows pull its ``res.partner`` and
``product.product`` rows with ``search_read`` and read them through the payload mappings
``data/payload_maps/odoo_partner.json`` and ``odoo_item.json`` as canonical messages.
"""

from pathlib import Path

from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue
from odoo.addons.integration_core.tests.older_odoo import OlderOdooCase

from .test_sources import check_duplicate_review

MAPS = Path(__file__).resolve().parents[1] / "data" / "payload_maps"


class OlderOdooSourceCase(OlderOdooCase):
    """An older Odoo endpoint and the pulling flows a test makes on it."""

    def setUp(self):
        super().setUp()
        self.endpoint = self.older_odoo_endpoint()

    def make_flow(self, code, handler, model, domain, fields, ordering_key, payload_map, **values):
        return self.env["integration.flow"].create(
            dict(
                {
                    "name": f"Acquired {code}",
                    "code": code,
                    "endpoint_id": self.endpoint.id,
                    "direction": "inbound",
                    "trigger": "poll",
                    "handler": handler,
                    "state": "active",
                    "pull_path": model,
                    "pull_domain": domain,
                    "pull_fields": fields,
                    "pull_page_size": 2,
                    "ordering_key_path": ordering_key,
                    "payload_map": (MAPS / payload_map).read_text(),
                },
                **values,
            )
        )

    def pull_and_work(self):
        self.pull()
        run_queue(self.env)

    def messages(self, flow):
        return self.env["integration.message"].search([("flow_id", "=", flow.id)])

    def found(self, model, code):
        return self.env["integration.xref"]._resolve(self.endpoint, model, code)


@tagged("post_install", "-at_install")
class TestLegacyOdooSource(OlderOdooSourceCase):
    older_odoo_suffix = "acquired"
    older_odoo_modules = ("product",)

    def test_partners_of_the_older_odoo_become_partners_and_a_change_is_taken_once(self):
        flow = self.make_flow(
            "partner",
            "integration.handler.legacy.partner",
            "res.partner",
            "[('ref', '=like', 'ACQ-%')]",
            "name,ref,vat,email,phone",
            "ref",
            "odoo_partner.json",
        )
        first = self.old_call(
            "res.partner", "create", {"name": "Gießerei Nord", "ref": "ACQ-1", "email": "a@n.de"}
        )
        self.old_call("res.partner", "create", {"name": "Stahlbau Süd", "ref": "ACQ-2"})
        self.old_call("res.partner", "create", {"name": "Formenbau Ost", "ref": "ACQ-3"})
        self.pull_and_work()
        messages = self.messages(flow)
        self.assertEqual(len(messages), 3)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        north = self.found("res.partner", "ACQ-1")
        self.assertEqual(
            (north.name, north.email, north.customer_rank), ("Gießerei Nord", "a@n.de", 1)
        )
        self.assertFalse(self.found("res.partner", "ACQ-2").email, "false is no value")
        self.old_call("res.partner", "write", [first], {"name": "Gießerei Nord GmbH"})
        self.pull_and_work()
        self.pull_and_work()
        self.assertEqual(len(self.messages(flow)), 4, "the change, taken once")
        self.assertEqual(north.name, "Gießerei Nord GmbH")
        self.assertEqual(self.env["res.partner"].search_count([("ref", "=like", "ACQ-%")]), 3)

    def test_items_of_the_older_odoo_become_products_and_a_change_is_taken_once(self):
        flow = self.make_flow(
            "item",
            "integration.handler.legacy.item",
            "product.product",
            "[('default_code', '=like', 'OD-%')]",
            "default_code,name,uom_id,categ_id,barcode,weight",
            "default_code",
            "odoo_item.json",
        )
        existing = self.env["product.product"].create({"name": "Flansch", "default_code": "od 3"})
        valves = self.old_call("product.category", "create", {"name": "Ventile"})
        Product = "product.product"
        valve = self.old_call(
            Product,
            "create",
            {"name": "Ventil DN 25", "default_code": "OD-1", "categ_id": valves, "weight": 0.4},
        )
        self.old_call(
            Product,
            "create",
            {"name": "Ventil DN 40", "default_code": "OD-2", "barcode": "4006381333979"},
        )
        self.old_call(Product, "create", {"name": "Flansch DN 25", "default_code": "OD-03"})
        self.old_call(Product, "create", {"name": "Not pulled", "default_code": "X-1"})
        self.pull_and_work()
        messages = self.messages(flow)
        self.assertEqual(len(messages), 3)
        first = self.found("product.product", "OD-1")
        self.assertEqual(
            (first.name, first.categ_id.complete_name, first.weight, first.uom_id.name),
            ("Ventil DN 25", "Ventile", 0.4, "Units"),
        )
        self.assertEqual(self.found("product.product", "OD-2").barcode, "4006381333979")
        # OD-03 is od 3 once normalized: it waits for a person, nothing is created meanwhile.
        check_duplicate_review(self, self.endpoint, messages, existing, "OD-03")
        self.old_call(Product, "write", [valve], {"weight": 0.45})
        self.pull_and_work()
        self.pull_and_work()
        self.assertEqual(len(self.messages(flow)), 4, "the change, taken once")
        self.assertEqual(first.weight, 0.45)
        self.assertEqual(self.found("product.product", "OD-03"), existing)
        self.assertEqual(
            self.env["product.product"].search_count([("default_code", "=like", "OD-%")]),
            3,
            "two new products and the linked one, none twice",
        )
