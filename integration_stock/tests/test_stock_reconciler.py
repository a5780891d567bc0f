from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.integration_core.lib.reconciliation import Statement
from odoo.addons.integration_core.tests.common import IntegrationCase

from ..models.integration_stock_reconciler import STOCK_ENTITY


@tagged("post_install", "-at_install")
class TestStockReconciler(IntegrationCase):
    """The shared stock reconciler, fed as a connector's handler feeds it: statement rows
    made by ``_statement_row``, received by the core's engine, approved by a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="stock_recon_manager",
            groups="integration_core.group_integration_manager",
        )
        cls.statement_flow = cls.make_flow(
            "stock.statement", "integration.handler.noop", reconciler="integration.stock.reconciler"
        )
        cls.warehouse = cls.env.ref("stock.warehouse0")
        cls.stock = cls.warehouse.lot_stock_id
        cls.other_stock = (
            cls.env["stock.warehouse"].create({"name": "Other plant", "code": "OTH"}).lot_stock_id
        )
        Product = cls.env["product.product"]
        values = {"is_storable": True, "type": "consu"}
        cls.chair = Product.create(dict(values, name="Chair", default_code="CH", standard_price=10))
        cls.lamp = Product.create(
            dict(values, name="Lamp", default_code="LA", standard_price=4, tracking="lot")
        )
        cls.lot = cls.env["stock.lot"].create({"name": "LOT-1", "product_id": cls.lamp.id})
        cls.as_of = fields.Datetime.now() - timedelta(hours=1)
        cls.Reconciler = cls.env["integration.stock.reconciler"]

    def receive(self, statement_id, rows):
        message = self.env["integration.message"].enqueue(
            self.statement_flow, {"message_id": statement_id}
        )
        statement = Statement(
            statement_id=statement_id,
            entity=STOCK_ENTITY,
            scope=self.warehouse.code,
            coverage="full",
            as_of=self.as_of,
        )
        return self.env["integration.reconciliation.engine"]._receive(message, statement, rows)

    def on_hand(self, product, lot=None):
        return self.env["stock.quant"]._get_available_quantity(
            product, self.stock, lot_id=lot, strict=True
        )

    def test_odoo_stock_as_of_the_statement_time_is_compared_and_differences_adjusted(self):
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.chair, self.stock, 10)
        Quant._update_available_quantity(self.chair, self.other_stock, 99)  # not in scope
        # Counted now, after the statement's time: not a difference.
        quant = Quant._gather(self.chair, self.stock, strict=True)
        quant.inventory_quantity = 15
        quant.action_apply_inventory()
        row = self.Reconciler._statement_row
        run = self.receive(
            "STK-1",
            [
                row(self.chair, self.stock, self.env["stock.lot"], 12.0, "CH"),
                row(self.lamp, self.stock, self.lot, 3.0, "LA / LOT-1"),
            ],
        )
        figures = {
            line.key: (line.status, line.odoo_quantity, line.difference_quantity)
            for line in run.line_ids
        }
        self.assertEqual(
            figures,
            {
                f"{self.chair.id}:{self.stock.id}:0": ("different", 10, 2),
                f"{self.lamp.id}:{self.stock.id}:{self.lot.id}": ("missing_odoo", 0, 3),
            },
        )
        self.assertEqual(run.line_ids.location_id, self.stock)
        self.assertEqual(run.gross_difference_value, 2 * 10 + 3 * 4)
        self.env["integration.reconciliation.decide"].with_user(self.manager).create(
            {"run_id": run.id}
        ).action_confirm()
        # The difference lands on today's quant: the count made since is kept.
        self.assertEqual((self.on_hand(self.chair), self.on_hand(self.lamp, self.lot)), (17, 3))
        moves = self.env["stock.move"].search([("integration_reconciliation_run_id", "=", run.id)])
        self.assertEqual(moves.integration_reconciliation_line_id, run.line_ids)
        self.assertTrue(all(moves.mapped("is_inventory")))
        self.assertEqual(run.state, "done")
