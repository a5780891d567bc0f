"""Several produced lots in one result, and serial-numbered products: Odoo splits the order into
one manufacturing order per lot (as its mass production does) and produces each with its lot."""

from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from ..lib import distribution, messages
from .common import MesCase


@tagged("post_install", "-at_install")
class TestPerformanceLots(MesCase):
    def setUp(self):
        super().setUp()
        self.order = self.make_order(10)
        self.work_order = self.order.mes_work_order_id
        self.frame, self.tube, self.paint = (self.plant[k] for k in ("frame", "tube", "paint"))
        self.p100 = self.lot(self.paint, "P-100")

    def consumed_on(self, production, product):
        """(quantity, lot names) consumed by ``production`` of ``product``."""
        lines = production.move_raw_ids.filtered(
            lambda m: m.product_id == product and m.state == "done"
        ).move_line_ids
        return sum(lines.mapped("quantity")), set(lines.lot_id.mapped("name"))

    def test_two_lots_make_two_orders_with_exact_stock_consumption_and_times(self):
        weld = self.order.workorder_ids
        applied = self.result(
            self.order,
            1,
            produced=[{"lot": "F-1", "quantity": 4}, {"lot": "F-2", "quantity": 2}],
            consumed=[
                {"product": "TUBE", "quantity": 12},
                {"product": "PAINT", "quantity": 2.5, "lot": "P-100"},
            ],
            scrap=[{"product": "FRAME", "quantity": 1, "lot": "F-2", "reason": "Crack"}],
            operations=[
                {
                    "operation_id": str(weld.operation_id.id),
                    "start": "2025-03-03T06:00:00Z",
                    "end": "2025-03-03T07:30:00Z",
                }
            ],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        first, second, rest = self.work_order.production_ids.sorted("id")
        self.assertEqual(first, self.order)
        self.assertEqual(
            [(p.state, p.qty_produced, p.lot_producing_id.name) for p in (first, second)],
            [("done", 4, "F-1"), ("done", 2, "F-2")],
        )
        self.assertEqual((rest.state, rest.product_qty), ("confirmed", 4))
        self.assertEqual(rest.move_raw_ids.mapped("product_uom_qty"), [8, 2])
        self.assertEqual(rest.mes_work_order_id, self.work_order)
        self.assertEqual(self.work_order.state, "released")
        # Stock per lot exact (one F-2 frame scrapped afterwards), components as reported.
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 4)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-2")), 1)
        self.assertEqual(self.on_hand(self.tube), 100 - 12)
        self.assertAlmostEqual(self.on_hand(self.paint, self.p100), 17.5)
        # Shared in proportion 4:2, totals exact; each produced lot traced to the paint lot.
        self.assertEqual(self.consumed_on(first, self.tube), (8, set()))
        self.assertEqual(self.consumed_on(second, self.tube), (4, set()))
        self.assertEqual(self.consumed_on(first, self.paint), (1.67, {"P-100"}))
        self.assertEqual(self.consumed_on(second, self.paint), (0.83, {"P-100"}))
        # The 90-minute run: 60 minutes for the 4 of F-1, then 30 for the 2 of F-2.
        self.assertEqual((first.workorder_ids.duration, second.workorder_ids.duration), (60, 30))
        performance = self.work_order.performance_ids
        self.assertEqual(performance.lot_ids.mapped("name"), ["F-1", "F-2"])
        self.assertEqual(performance.production_ids, first | second)
        self.assertEqual(performance.scrap_ids.production_id, second)
        self.assertEqual(self.work_order._produced_quantity(), 6)

        # The final result reports two more lots short of the rest: the rest is not produced.
        final = self.result(
            self.order,
            2,
            final=True,
            produced=[{"lot": "F-3", "quantity": 2}, {"lot": "F-4", "quantity": 1}],
            consumed=[{"product": "TUBE", "quantity": 6}],
        )
        self.run_queue()
        self.assertEqual(final.state, "done", final.error)
        productions = self.work_order.production_ids.sorted("id")
        self.assertEqual(productions.mapped("state"), ["done"] * 4)
        self.assertEqual(productions.mapped("qty_produced"), [4, 2, 2, 1])
        self.assertEqual(self.work_order.state, "completed")
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-3")), 2)
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-4")), 1)
        self.assertEqual(self.on_hand(self.tube), 100 - 12 - 6)
        self.assertAlmostEqual(self.on_hand(self.paint), 40 - 2.5, msg="paint not reported")

    def test_lots_covering_the_order_leave_no_backorder(self):
        applied = self.result(
            self.order,
            1,
            produced=[
                {"lot": "F-1", "quantity": 5},
                {"lot": "F-2", "quantity": 3},
                {"lot": "F-1", "quantity": 2},  # the same lot twice: one lot of 7
            ],
            consumed=[{"product": "TUBE", "quantity": 20}],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        productions = self.work_order.production_ids.sorted("id")
        self.assertEqual(productions.mapped("qty_produced"), [7, 3])
        self.assertEqual(productions.mapped("state"), ["done", "done"])
        self.assertEqual(self.work_order.state, "completed")
        self.assertEqual(self.on_hand(self.frame, self.lot(self.frame, "F-1")), 7)
        self.assertEqual(self.on_hand(self.tube), 80)

    def test_lots_over_the_plan_within_the_tolerance_are_all_produced(self):
        self.mes.mes_overproduction_tolerance = 10
        applied = self.result(
            self.order,
            1,
            produced=[{"lot": "F-1", "quantity": 6}, {"lot": "F-2", "quantity": 5}],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        productions = self.work_order.production_ids.sorted("id")
        self.assertEqual(productions.mapped("qty_produced"), [6, 5])
        self.assertEqual(self.work_order.state, "completed")
        self.assertEqual(self.on_hand(self.frame), 11)

    def test_bad_lots_are_refused_without_any_effect(self):
        over = self.result(
            self.order,
            1,
            produced=[{"lot": "F-1", "quantity": 6}, {"lot": "F-2", "quantity": 5}],
            consumed=[{"product": "TUBE", "quantity": 22}],
        )
        no_lot = self.result(
            self.order,
            1,
            produced=[{"lot": "F-1", "quantity": 4}, {"quantity": 2}],
            scrap=[{"product": "FRAME", "quantity": 1, "lot": "F-9"}],
            message_id="no-lot",
        )
        self.run_queue()
        self.assertEqual((over.state, no_lot.state), ("failed", "failed"))
        self.assertIn("over-production: 11.0 Units produced in all, 10.0 planned", over.error)
        self.assertIn(
            "produced line 2: [FRAME] Frame is tracked by lot: report its lot", no_lot.error
        )
        self.assertIn("scrap line 1: unknown lot F-9 of [FRAME] Frame", no_lot.error)
        self.assertEqual(self.work_order.production_ids, self.order)
        self.assertEqual((self.order.state, self.order.product_qty), ("confirmed", 10))
        self.assertFalse(self.lot(self.frame, "F-1") | self.lot(self.frame, "F-2"))
        self.assertEqual((self.on_hand(self.tube), self.work_order.last_sequence), (100, 0))

    def test_payload_shapes_and_shares(self):
        """Plain Python: the parser's ``serials`` and the proportional shares."""
        parsed = messages.parse_performance(
            {
                "message_id": "m",
                "work_order": "WO",
                "sequence": 1,
                "produced": [{"serials": ["SN-1", " SN-2 "], "quantity": 2}],
            }
        )
        self.assertEqual(
            [(p["line"], p["lot"], p["quantity"]) for p in parsed["produced"]],
            [(0, "SN-1", 1.0), (0, "SN-2", 1.0)],
        )
        with self.assertRaises(messages.InvalidMessage) as refused:
            messages.parse_performance(
                {
                    "message_id": "m",
                    "work_order": "WO",
                    "sequence": 1,
                    "produced": [
                        {"serials": ["SN-1"], "quantity": 2, "lot": "L"},
                        {"serials": []},
                        {"serials": ["SN-3", 4]},
                    ],
                }
            )
        self.assertEqual(
            refused.exception.problems,
            [
                "produced[0] gives both lot and serials: give one of them",
                "produced[0].quantity is 2 but 1 serials are listed",
                "produced[1].serials must be a non-empty list of non-empty texts",
                "produced[2].serials must be a non-empty list of non-empty texts",
            ],
        )
        self.assertEqual(distribution.proportional(2.5, [4, 2], 0.01), [1.67, 0.83])
        self.assertEqual(distribution.proportional(1, [1, 1, 1], 0.01), [0.34, 0.33, 0.33])
        self.assertEqual(sum(distribution.proportional(7, [3, 3, 1], 1)), 7)
        start, end = datetime(2025, 3, 3, 6), datetime(2025, 3, 3, 6, 0, 10)
        intervals = distribution.consecutive_intervals(start, end, [1, 1, 1])
        self.assertEqual([(b - start).seconds for b, _e in intervals], [0, 4, 7])
        self.assertEqual(intervals[-1][1], end)


@tagged("post_install", "-at_install")
class TestPerformanceSerials(MesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sensor = cls.env["product.product"].create(
            {"name": "Sensor", "default_code": "SENSOR", "is_storable": True, "tracking": "serial"}
        )
        cls.sensor_bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.sensor.product_tmpl_id.id,
                "product_qty": 1,
                "consumption": "flexible",
                "bom_line_ids": [Command.create({"product_id": cls.plant["tube"].id})],
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Weld",
                            "workcenter_id": cls.plant["welding"].id,
                            "time_cycle_manual": 5,
                        }
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.order = self.env["mrp.production"].create(
            {"product_id": self.sensor.id, "product_qty": 5, "bom_id": self.sensor_bom.id}
        )
        self.order.action_confirm()
        self.work_order = self.order.mes_work_order_id
        self.tube = self.plant["tube"]

    def serial_stock(self):
        """Serial number -> quantity on hand, for every sensor serial in stock."""
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.sensor.id),
                ("location_id", "child_of", self.plant["stock"].id),
                ("quantity", ">", 0),
            ]
        )
        return {quant.lot_id.name: quant.quantity for quant in quants}

    def test_three_serials_then_a_final_result_complete_the_order(self):
        self.assertTrue(self.work_order, "the sensor order is released to the MES")
        applied = self.result(
            self.order,
            1,
            produced=[{"serials": ["SN-1", "SN-2", "SN-3"]}],
            consumed=[{"product": "TUBE", "quantity": 3}],
        )
        self.run_queue()
        self.assertEqual(applied.state, "done", applied.error)
        *made, rest = self.work_order.production_ids.sorted("id")
        self.assertEqual(
            [(p.state, p.qty_produced, p.lot_producing_id.name) for p in made],
            [("done", 1, "SN-1"), ("done", 1, "SN-2"), ("done", 1, "SN-3")],
        )
        self.assertEqual((rest.state, rest.product_qty), ("confirmed", 2))
        self.assertEqual(self.serial_stock(), {"SN-1": 1, "SN-2": 1, "SN-3": 1})
        self.assertEqual([self.consumed_tubes(p) for p in made], [1, 1, 1])
        self.assertEqual(self.on_hand(self.tube), 97)

        final = self.result(
            self.order,
            2,
            final=True,
            produced=[{"lot": "SN-4", "quantity": 1}, {"lot": "SN-5", "quantity": 1}],
            consumed=[{"product": "TUBE", "quantity": 2}],
        )
        self.run_queue()
        self.assertEqual(final.state, "done", final.error)
        self.assertEqual(self.work_order.state, "completed")
        self.assertEqual(
            self.work_order.production_ids.mapped("state"), ["done"] * 5, "no backorder left"
        )
        self.assertEqual(self.serial_stock(), {f"SN-{n}": 1 for n in range(1, 6)})
        self.assertEqual(self.on_hand(self.tube), 95)

    def consumed_tubes(self, production):
        done = production.move_raw_ids.filtered(lambda m: m.state == "done")
        return sum(done.mapped("quantity"))

    def test_a_serial_produced_or_in_stock_is_refused_without_any_effect(self):
        self.result(self.order, 1, produced=[{"serials": ["SN-1", "SN-2"]}])
        self.run_queue()
        rest = self.work_order._open_production()
        in_stock = self.env["stock.lot"].create({"name": "SN-50", "product_id": self.sensor.id})
        self.env["stock.quant"]._update_available_quantity(
            self.sensor, self.plant["stock"], 1, lot_id=in_stock
        )
        again = self.result(
            self.order,
            2,
            produced=[
                {"serials": ["SN-9", "SN-2", "SN-50"]},
                {"lot": "SN-7", "quantity": 2},
                {"lot": "SN-9", "quantity": 1},
                {"quantity": 1},
            ],
            consumed=[{"product": "TUBE", "quantity": 3}],
        )
        self.run_queue()
        self.assertEqual(again.state, "failed")
        for problem in (
            "serial SN-2 of [SENSOR] Sensor is already in stock (WH/Stock)",
            "serial SN-50 of [SENSOR] Sensor is already in stock (WH/Stock)",
            "produced line 2: serial SN-7 of [SENSOR] Sensor must be one unit, not 2.0",
            "produced line 3: serial SN-9 is reported twice",
            "produced line 4: [SENSOR] Sensor is tracked by serial number: report its serials",
        ):
            self.assertIn(problem, again.error)
        self.assertEqual(again.exception_id.category, "validation")
        # Nothing written: the rest still waits, no new serial, stock and sequence as they were.
        self.assertEqual(self.work_order._open_production(), rest)
        self.assertEqual((rest.state, rest.product_qty), ("confirmed", 3))
        self.assertFalse(self.env["stock.lot"].search([("name", "in", ("SN-7", "SN-9"))]))
        self.assertEqual(self.serial_stock(), {"SN-1": 1, "SN-2": 1, "SN-50": 1})
        self.assertEqual(
            (self.work_order.last_sequence, len(self.work_order.performance_ids)), (1, 1)
        )
        self.assertEqual(self.on_hand(self.tube), 100)

        corrected = self.result(
            self.order,
            2,
            final=True,
            produced=[{"serials": ["SN-3", "SN-4", "SN-5"]}],
            message_id="corrected-2",
        )
        self.run_queue()
        self.assertEqual(corrected.state, "done", corrected.error)
        self.assertEqual(self.work_order.state, "completed")
        self.assertEqual(len(self.work_order.production_ids), 5)
        self.assertEqual(
            set(self.serial_stock()), {"SN-1", "SN-2", "SN-3", "SN-4", "SN-5", "SN-50"}
        )
