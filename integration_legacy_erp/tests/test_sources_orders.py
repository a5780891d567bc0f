"""Open orders from the legacy ERP's flat-file extract and from its REST API, status both ways.

The simulator's ``open_orders`` rows (both kinds, ``KIND`` naming each) create the orders on
one ``sale_order`` flow; a status changed in the legacy system is picked up once and applied
through the value maps without being sent back; a status changed in Odoo reaches the legacy
system (what the simulator received) and does not come back either.
"""

import json

from odoo.tests import tagged

from odoo.addons.integration_core.tests.helpers import trap_messages

from .common import STATUS_MAPS
from .test_sources import LegacySourceCase, payload_map

STATUS_FLOW = "order.status.outbound"
# The simulator's first four open-order rows: order, kind, partner, item.
ORDERS = [
    ("SO-00001", "sale.order", "P-00002", "A-000002"),
    ("PO-00001", "purchase.order", "P-00003", "A-000003"),
    ("SO-00002", "sale.order", "P-00004", "A-000004"),
    ("PO-00002", "purchase.order", "P-00005", "A-000005"),
]


class OpenOrderSourceCase(LegacySourceCase):
    """The scenario for one source: ``legacy_data`` (the legacy system's tables), ``deliver``
    (its open orders reach Odoo) and ``received`` (what Odoo sent it)."""

    def prepare(self, endpoint):
        """Partners, items and value maps of the legacy orders, known at ``endpoint``; its
        outbound status flow."""
        Xref = self.env["integration.xref"]
        for _order, _model, partner, item in ORDERS:
            Xref._link(endpoint, partner, self.env["res.partner"].create({"name": partner}))
            Xref._link(endpoint, item, self.env["product.product"].create({"name": f"Teil {item}"}))
        for name, values in STATUS_MAPS.items():
            self.env["integration.value.map"].create(
                {
                    "name": name,
                    "endpoint_id": endpoint.id,
                    "line_ids": [
                        (0, 0, {"external_value": external, "internal_value": internal})
                        for external, internal in values.items()
                    ],
                }
            )
        self.make_flow(
            STATUS_FLOW,
            "integration.handler.passthrough",
            direction="outbound",
            endpoint=endpoint,
            trigger="event",
            request_path="/order-status",
        )

    def order(self, endpoint, number, model):
        return self.env["integration.xref"]._resolve(endpoint, model, number)

    def check_open_orders_with_status_both_ways(self, endpoint, flow):
        self.deliver()
        messages = self.messages(flow)
        self.assertEqual(set(messages.mapped("state")), {"done"}, messages.mapped("error"))
        for number, model, partner, item in ORDERS:
            order = self.order(endpoint, number, model)
            self.assertEqual(order.state, "draft", number)
            self.assertEqual(order.partner_id.name, partner)
            self.assertEqual(order.order_line.product_id.name, f"Teil {item}")
        sale = self.order(endpoint, "SO-00001", "sale.order")
        self.assertEqual(sale.order_line.product_uom_qty, 2.0)
        # The legacy system releases SO-00001: taken once, applied, not sent back.
        self.legacy_data.change("open_orders", "1", {"STATUS": "REL"})
        with trap_messages(self.env) as trap:
            self.deliver()
            taken = len(self.messages(flow))
            self.deliver()
            trap.assert_nothing_queued(STATUS_FLOW)
        self.assertEqual(len(self.messages(flow)), taken, "the change, taken once")
        self.assertEqual(sale.state, "sale")
        self.assertEqual(set(self.messages(flow).mapped("state")), {"done"})
        # Odoo confirms PO-00001: the legacy system hears REL, and nothing comes back.
        purchase = self.order(endpoint, "PO-00001", "purchase.order")
        purchase.button_confirm()
        self.run_queue()
        self.assertEqual(
            [(body["order"], body["status"]) for body in self.received()], [("PO-00001", "REL")]
        )
        self.deliver()
        self.assertEqual(len(self.messages(flow)), taken)
        self.assertEqual((purchase.state, sale.state), ("purchase", "sale"))


@tagged("post_install", "-at_install")
class TestOpenOrdersFromFile(OpenOrderSourceCase):
    def setUp(self):
        super().setUp()
        self.legacy_data = self.legacy.LegacyData(rows_per_table=4)
        self.prepare(self.file_endpoint)
        self.orders = self.make_flow(
            "sale_order",
            "integration.handler.legacy.order",
            endpoint=self.file_endpoint,
            file_format_id=self.env.ref("integration_legacy_erp.file_format_legacy_open_orders").id,
        )

    def deliver(self):
        """The legacy system writes its open orders extract; Odoo reads it."""
        self.extract("open_orders", self.legacy_data.changed_since("open_orders"), "sale_order")
        self.poll_files()
        self.run_queue()

    def received(self):
        return [json.loads((self.root / "out" / name).read_text()) for name in self.folder("out")]

    def test_open_orders_from_the_extract_with_status_both_ways(self):
        self.check_open_orders_with_status_both_ways(self.file_endpoint, self.orders)


@tagged("post_install", "-at_install")
class TestOpenOrdersFromRest(OpenOrderSourceCase):
    def setUp(self):
        super().setUp()
        self.start_rest_source(rows_per_table=4)
        self.legacy_data = self.simulator.data
        self.prepare(self.rest)
        self.orders = self.make_flow(
            "sale_order",
            "integration.handler.legacy.order",
            endpoint=self.rest,
            trigger="poll",
            pull_path="/open_orders",
            pull_id_key="LINEID",
            pull_updated_key="UPDATED_AT",
            ordering_key_path="ORDERNO",
            payload_map=payload_map("rest_open_order"),
        )

    def deliver(self):
        self.pull()

    def received(self):
        return [request["body"] for request in self.simulator.data.received]

    def test_open_orders_from_the_api_with_status_both_ways(self):
        self.check_open_orders_with_status_both_ways(self.rest, self.orders)
