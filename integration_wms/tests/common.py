"""A warehouse for the WMS tests: one WMS connected through "Connect a system", routed every
transfer of the main warehouse, a few products, and helpers to make transfers and play the
WMS's messages through the real entry point (``enqueue_external`` as its service account).
"""

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.integration_core.tests.helpers import play_inbound


def make_warehouse(cls, code="WMS1"):
    """``WMS1`` with every catalog flow active; a routing rule for warehouse WH with a 10 %
    over-receipt tolerance and a damaged-goods location; bolts (untracked), serum (by lot,
    with expiry dates), scanners (by serial), and 50 bolts, 10 serum of lot S-1 in stock."""
    cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
    cls.service = new_test_user(
        cls.env,
        login=f"{code.lower()}_service",
        groups="base.group_user,integration_core.group_integration_api",
    )
    wizard = cls.env["integration.connect"].create(
        {"system_type": "wms", "name": "Plant WMS", "code": code, "environment": "test"}
    )
    wizard.service_user_id = cls.service
    cls.wms, cls.secret = wizard._connect()
    cls.wms.flow_ids.action_approve()
    cls.wms.flow_ids.action_activate()
    cls.warehouse = cls.env.ref("stock.warehouse0")
    cls.stock = cls.warehouse.lot_stock_id
    cls.stock.barcode = "WH-STOCK"
    cls.damaged = cls.env["stock.location"].create(
        {"name": "Damaged", "location_id": cls.stock.id, "barcode": "WH-DAMAGED"}
    )
    cls.route = cls.env["integration.wms.route"].create(
        {
            "endpoint_id": cls.wms.id,
            "warehouse_id": cls.warehouse.id,
            "over_receipt_percent": 10,
            "damaged_location_id": cls.damaged.id,
        }
    )
    Product = cls.env["product.product"]
    storable = {"is_storable": True, "type": "consu"}
    cls.bolt = Product.create(dict(storable, name="Bolt", default_code="BOLT"))
    cls.serum = Product.create(dict(storable, name="Serum", default_code="SERUM", tracking="lot"))
    cls.scanner = Product.create(
        dict(storable, name="Scanner", default_code="SCAN", tracking="serial")
    )
    cls.vendor = cls.env["res.partner"].create(
        {"name": "Acme Supplies", "ref": "ACME", "city": "Lyon"}
    )
    cls.customer = cls.env["res.partner"].create(
        {"name": "Bright Clinics", "ref": "BRIGHT", "street": "1 Main St", "city": "Gent"}
    )
    cls.lot_s1 = cls.env["stock.lot"].create({"name": "S-1", "product_id": cls.serum.id})
    Quant = cls.env["stock.quant"]
    Quant._update_available_quantity(cls.bolt, cls.stock, 50)
    Quant._update_available_quantity(cls.serum, cls.stock, 10, lot_id=cls.lot_s1)


class WmsTransfersMixin:
    """Transfers and WMS messages for a test class set up by ``make_warehouse``."""

    @classmethod
    def make_transfer(cls, picking_type, partner, lines, confirm=True, **values):
        """A transfer of ``picking_type`` with ``lines`` [(product, quantity)], confirmed."""
        picking = cls.env["stock.picking"].create(
            dict(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": picking_type.default_location_src_id.id
                    or cls.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": picking_type.default_location_dest_id.id
                    or cls.env.ref("stock.stock_location_customers").id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                            }
                        )
                        for product, quantity in lines
                    ],
                },
                **values,
            )
        )
        if confirm:
            picking.action_confirm()
        return picking

    def make_receipt(self, lines, **values):
        return self.make_transfer(self.warehouse.in_type_id, self.vendor, lines, **values)

    def make_delivery(self, lines, **values):
        return self.make_transfer(self.warehouse.out_type_id, self.customer, lines, **values)

    def play(self, flow_code, payload, run=True):
        """The WMS sends ``payload`` on ``flow_code``; the queue works it; the message."""
        message = play_inbound(self.env, self.wms.code, flow_code, payload, self.service, run=run)
        message.invalidate_recordset()
        return message

    @staticmethod
    def confirmation(kind, transfer, sequence, lines, **values):
        """A receipt or shipment confirmation payload."""
        return dict(
            {
                "message_id": f"wms:{kind}:{transfer}:{sequence}",
                "message_type": f"{kind}.confirmation",
                "sent_at": "2026-12-07T08:00:00Z",
                "transfer": transfer,
                "sequence": sequence,
                "lines": lines,
            },
            **values,
        )

    def quantity(self, product, location=None, lot=None):
        return self.env["stock.quant"]._get_available_quantity(
            product, location or self.stock, lot_id=lot, strict=True
        )


class WmsCase(WmsTransfersMixin, IntegrationCase):
    """The queue commits inside the test; the warehouse of ``make_warehouse``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_warehouse(cls)
