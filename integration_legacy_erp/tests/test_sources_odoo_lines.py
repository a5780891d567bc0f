"""BOMs and open sales orders of an older Odoo, pulled with their lines over XML-RPC.

The second database has ``mrp`` and ``sale``; the flows read ``mrp.bom`` with its
``bom_line_ids`` and ``sale.order`` with its ``order_line`` nested into each row (the flow's
lines field), through the payload mappings ``odoo_bom.json`` and ``odoo_sale_order.json``.
"""

from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import run_queue, trap_messages

from .test_sources_odoo import OlderOdooSourceCase

# The older Odoo's sale.order states -> Odoo's (both are Odoo: the same names but "sent").
SALE_STATES = {"draft": "draft", "sent": "draft", "sale": "sale", "cancel": "cancel"}


@tagged("post_install", "-at_install")
class TestLegacyOdooLines(OlderOdooSourceCase):
    older_odoo_suffix = "acquired_lines"
    older_odoo_modules = ("mrp", "sale")

    def old_product(self, code, name, **values):
        return self.old_call(
            "product.product", "create", dict({"name": name, "default_code": code}, **values)
        )

    def test_a_bom_waits_for_its_component_item_and_resumes_when_it_arrives(self):
        self.make_flow(
            "item",
            "integration.handler.legacy.item",
            "product.product",
            "[('default_code', '=like', 'OD-%')]",
            "default_code,name,uom_id,categ_id,barcode,weight",
            "default_code",
            "odoo_item.json",
        )
        bom_flow = self.make_flow(
            "bom",
            "integration.handler.legacy.bom",
            "mrp.bom",
            "[('code', '=like', 'B-%')]",
            "code,product_tmpl_id,product_qty,product_uom_id",
            "code",
            "odoo_bom.json",
            pull_lines_field="bom_line_ids",
            pull_line_fields="product_id,product_qty,product_uom_id",
        )
        shaft = self.old_product("OD-10", "Welle")
        bearing = self.old_product("OD-11", "Lager")
        # Not released yet: archived, so the item flow does not see it (the BOM line does).
        screw = self.old_product("OD-12", "Schraube M6", active=False)
        [template] = self.old_call("product.product", "read", [shaft], ["product_tmpl_id"])
        old_bom = self.old_call(
            "mrp.bom",
            "create",
            {
                "code": "B-1",
                "product_tmpl_id": template["product_tmpl_id"][0],
                "product_qty": 1.0,
                "bom_line_ids": [
                    (0, 0, {"product_id": bearing, "product_qty": 2.0}),
                    (0, 0, {"product_id": screw, "product_qty": 4.0}),
                ],
            },
        )
        self.pull_and_work()
        run_queue(self.env)  # a BOM taken before its product resumes for the next item
        message = self.messages(bom_flow)
        self.assertEqual(len(message), 1)
        lines = message.get_payload_json()["bom_line_ids"]
        self.assertEqual(
            [(line["product_id"][1], line["product_qty"]) for line in lines],
            [("[OD-11] Lager", 2.0), ("[OD-12] Schraube M6", 4.0)],
            "the message keeps the lines as the older Odoo sent them",
        )
        self.assertEqual(message.state, "waiting", message.error)
        self.assertEqual(message.waiting_code, "OD-12")
        self.assertFalse(self.found("mrp.bom", str(old_bom)))

        self.old_call("product.product", "write", [screw], {"active": True})
        self.pull_and_work()
        self.pull_and_work()
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(len(self.messages(bom_flow)), 1, "the BOM, taken once")
        bom = self.found("mrp.bom", str(old_bom))
        self.assertEqual(
            bom.product_tmpl_id, self.found("product.product", "OD-10").product_tmpl_id
        )
        self.assertEqual(
            sorted((line.product_id.default_code, line.product_qty) for line in bom.bom_line_ids),
            [("OD-11", 2.0), ("OD-12", 4.0)],
        )
        self.assertEqual((bom.product_qty, bom.product_uom_id.name), (1.0, "Units"))

    def test_an_open_sales_order_with_its_lines_follows_the_older_odoo_status_once(self):
        Xref = self.env["integration.xref"]
        customer = self.env["res.partner"].create({"name": "Gießerei Nord GmbH"})
        # The older Odoo names the customer as it shows it: linked once, by a person.
        Xref._link(self.endpoint, "Gießerei Nord", customer)
        for code, name in (("OD-21", "Ventil DN 25"), ("OD-22", "Flansch DN 25")):
            self.env["product.product"].create({"name": name, "default_code": code})
        self.env["integration.value.map"].create(
            {
                "name": "sale_status",
                "endpoint_id": self.endpoint.id,
                "line_ids": [
                    (0, 0, {"external_value": external, "internal_value": internal})
                    for external, internal in SALE_STATES.items()
                ],
            }
        )
        flow = self.make_flow(
            "sale_order",
            "integration.handler.legacy.order",
            "sale.order",
            "[('state', 'in', ['draft', 'sent', 'sale'])]",
            "name,partner_id,state,date_order,currency_id",
            "name",
            "odoo_sale_order.json",
            pull_lines_field="order_line",
            pull_line_fields="product_id,product_uom_qty,price_unit,name",
        )
        partner = self.old_call("res.partner", "create", {"name": "Gießerei Nord"})
        valve = self.old_product("OD-21", "Ventil DN 25")
        flange = self.old_product("OD-22", "Flansch DN 25")
        old_order = self.old_call(
            "sale.order",
            "create",
            {
                "partner_id": partner,
                "date_order": "2026-12-01 09:30:00",
                "order_line": [
                    (0, 0, {"product_id": valve, "product_uom_qty": 3.0, "price_unit": 42.5}),
                    (0, 0, {"product_id": flange, "product_uom_qty": 6.0, "price_unit": 7.25}),
                ],
            },
        )
        [old] = self.old_call("sale.order", "read", [old_order], ["name", "currency_id"])
        self.pull_and_work()
        messages = self.messages(flow)
        self.assertEqual(messages.mapped("state"), ["done"], messages.mapped("error"))
        order = self.found("sale.order", old["name"])
        self.assertEqual((order.state, order.partner_id), ("draft", customer))
        self.assertEqual(str(order.date_order.date()), "2026-12-01")
        self.assertEqual(order.currency_id.name, old["currency_id"][1])
        self.assertEqual(
            [
                (line.product_id.default_code, line.product_uom_qty, line.price_unit)
                for line in order.order_line
            ],
            [("OD-21", 3.0, 42.5), ("OD-22", 6.0, 7.25)],
        )

        # Confirmed in the older Odoo: taken once, applied through the value map, not echoed.
        self.old_call("sale.order", "action_confirm", [old_order])
        with trap_messages(self.env) as trap:
            self.pull_and_work()
            self.pull_and_work()
            self.assertEqual(len(trap.messages), 1, "the change, taken once")
            self.assertEqual(trap.messages.flow_id, flow, "nothing is sent back")
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.order_line), 2, "Odoo owns the lines once the order is taken")

        # Cancelled in Odoo: nothing goes to the older Odoo (no outbound flow there), and its
        # order, still confirmed, is not pulled again.
        with trap_messages(self.env) as trap:
            order._action_cancel()
            self.pull_and_work()
            trap.assert_nothing_queued()
        self.assertEqual(order.state, "cancel")
        [still] = self.old_call("sale.order", "read", [old_order], ["state"])
        self.assertEqual(still["state"], "sale")
