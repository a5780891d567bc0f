from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import LegacyCase


@tagged("post_install", "-at_install")
class TestBalances(LegacyCase):
    """Stock balances as an initial load then reconciled statements, trial balances as one
    entry per period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.legacy.company_id
        Account = cls.env["account.account"].with_company(company)
        cls.accounts = Account.create(
            [
                {"code": "LG1000", "name": "Legacy bank", "account_type": "asset_cash"},
                {"code": "LG2000", "name": "Legacy payables", "account_type": "liability_current"},
                {"code": "LG3000", "name": "Legacy equity", "account_type": "equity"},
            ]
        )
        cls.env["integration.value.map"].create(
            {
                "name": "gl_account",
                "endpoint_id": cls.legacy.id,
                "line_ids": [
                    (0, 0, {"external_value": legacy, "internal_value": odoo})
                    for legacy, odoo in (("1000", "LG1000"), ("2000", "LG2000"), ("3000", "LG3000"))
                ],
            }
        )
        cls.stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.stock.barcode = "WH-STOCK"
        cls.manager = new_test_user(
            cls.env,
            login="legacy_stock_manager",
            groups="integration_core.group_integration_manager",
        )

    def trial_balance(self, period, lines):
        return {"period": period, "company": self.legacy.company_id.name, "lines": lines}

    def test_a_trial_balance_is_posted_once(self):
        lines = [
            {"account": "1000", "debit": 1500.0, "credit": 0},
            {"account": "2000", "debit": 0, "credit": 400.0},
            {"account": "3000", "debit": 0, "credit": 1100.0},
        ]
        message = self.send("trial_balance", self.trial_balance("2026-11", lines))
        self.assertEqual(message.state, "done", message.error)
        move = self.xref("account.move", f"{self.legacy.company_id.name}:2026-11")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id.code, "LGCY")
        self.assertEqual(str(move.date), "2026-11-30")
        self.assertEqual(
            {(line.account_id.code, line.debit, line.credit) for line in move.line_ids},
            {("LG1000", 1500, 0), ("LG2000", 0, 400), ("LG3000", 0, 1100)},
        )
        again = self.send("trial_balance", self.trial_balance("2026-11", lines))
        self.assertEqual(again.state, "failed")
        self.assertIn("posted already", again.error)
        self.assertEqual(
            self.env["account.move"].search_count([("journal_id", "=", move.journal_id.id)]), 1
        )

    def test_an_unbalanced_or_unmapped_trial_balance_is_refused_and_writes_nothing(self):
        moves_before = self.env["account.move"].search_count([])
        unbalanced = self.send(
            "trial_balance",
            self.trial_balance(
                "2026-10",
                [
                    {"account": "1000", "debit": 1000.0, "credit": 0},
                    {"account": "2000", "debit": 0, "credit": 999.0},
                ],
            ),
        )
        self.assertEqual(unbalanced.state, "failed")
        self.assertIn("unbalanced: debits 1000.0, credits 999.0", unbalanced.error)
        self.assertTrue(unbalanced.exception_id)
        unmapped = self.send(
            "trial_balance",
            self.trial_balance(
                "2026-09",
                [
                    {"account": "1000", "debit": 10.0, "credit": 0},
                    {"account": "4711", "debit": 0, "credit": 5.0},
                    {"account": "4712", "debit": 0, "credit": 5.0},
                ],
            ),
        )
        self.assertEqual(unmapped.state, "failed")
        self.assertIn("value map gl_account: 4711, 4712", unmapped.error)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_stock_balances_are_loaded_once_per_line(self):
        self.send("item", self.item("PT-1", "Paint", tracking="lot"))
        self.send("item", self.item("BR-1", "Bracket"))
        payload = {
            "balance_id": "INIT-2026-12",
            "warehouse": "WH",
            "lines": [
                {"item": "PT-1", "location": "WH-STOCK", "lot": "L-77", "quantity": 12},
                {"item": "BR-1", "location": "WH-STOCK", "quantity": 40},
            ],
        }
        message = self.send("stock.balance", payload)
        self.assertEqual(message.state, "done", message.error)
        paint, bracket = self.xref("product.product", "PT-1"), self.xref("product.product", "BR-1")
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(bracket, self.stock), 40)
        lot = self.env["stock.lot"].search([("product_id", "=", paint.id), ("name", "=", "L-77")])
        self.assertEqual(Quant._get_available_quantity(paint, self.stock, lot_id=lot), 12)
        self.assertEqual(len(message._result_records()), 2)
        # Stock moves on; the same extract sent again (another message id) changes nothing.
        Quant._update_available_quantity(bracket, self.stock, -5)
        again = self.send("stock.balance", payload)
        self.assertEqual(again.state, "done", again.error)
        self.assertEqual(Quant._get_available_quantity(bracket, self.stock), 35)
        refused = self.send(
            "stock.balance",
            dict(
                payload,
                balance_id="X",
                lines=[{"item": "PT-1", "location": "WH-STOCK", "quantity": 1}],
            ),
        )
        self.assertEqual(refused.state, "failed")
        self.assertIn("PT-1 needs a lot", refused.error)

    # ------------------------------------------------------------------ stock reconciliation
    def load_initial_stock(self):
        """Items PT-1 (lots), BR-1 and CL-1, and an initial load of 12 / 40 / 5 in WH/Stock
        (the clamps on two lines, two legacy bins of one Odoo location: added up)."""
        self.send("item", self.item("PT-1", "Paint", tracking="lot"))
        self.send("item", self.item("BR-1", "Bracket"))
        self.send("item", self.item("CL-1", "Clamp"))
        load = self.send(
            "stock.balance",
            {
                "balance_id": "INIT-2026-12",
                "warehouse": "WH",
                "lines": [
                    {"item": "PT-1", "location": "WH-STOCK", "lot": "L-77", "quantity": 12},
                    {"item": "BR-1", "location": "WH-STOCK", "quantity": 40},
                    {"item": "CL-1", "location": "WH-STOCK", "quantity": 3},
                    {"item": "CL-1", "location": "WH-STOCK", "quantity": 2},
                ],
            },
        )
        self.assertEqual(load.state, "done", load.error)
        clamp = self.xref("product.product", "CL-1")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(clamp, self.stock), 5)
        return load

    def statement(self, balance_id, as_of, lines):
        return self.send(
            "stock.balance.statement",
            {
                "balance_id": balance_id,
                "warehouse": "WH",
                "as_of": fields.Datetime.to_string(as_of).replace(" ", "T") + "Z",
                "lines": lines,
            },
        )

    def run_of(self, balance_id):
        return self.env["integration.reconciliation.run"].search(
            [("endpoint_id", "=", self.legacy.id), ("name", "=", balance_id)]
        )

    def on_hand(self, code):
        product = self.xref("product.product", code)
        return self.env["stock.quant"]._get_available_quantity(product, self.stock)

    def test_an_initial_load_is_proved_by_a_reconciliation_that_matches_every_line(self):
        self.load_initial_stock()
        run = self.run_of("INIT-2026-12")
        self.assertEqual(
            (run.state, run.entity, run.scope, run.coverage),
            ("done", "stock.balance", "WH", "partial"),
        )
        self.assertEqual(set(run.line_ids.mapped("status")), {"matched"})
        self.assertEqual(len(run.line_ids), 3)
        self.assertEqual(run.matched_rate, 100)
        paint = run.line_ids.filtered(lambda line: line.product_id.default_code == "PT-1")
        self.assertEqual((paint.lot_id.name, paint.location_id), ("L-77", self.stock))
        # A later statement that agrees with Odoo: the whole warehouse matched, no card.
        as_of = fields.Datetime.now() + timedelta(seconds=1)
        message = self.statement(
            "BAL-0",
            as_of,
            [
                {"item": "PT-1", "location": "WH-STOCK", "lot": "L-77", "quantity": 12},
                {"item": "BR-1", "location": "WH-STOCK", "quantity": 40},
                {"item": "CL-1", "location": "WH-STOCK", "quantity": 5},
            ],
        )
        self.assertEqual(message.state, "done", message.error)
        statement = self.run_of("BAL-0")
        self.assertEqual((statement.state, statement.coverage), ("done", "full"))
        self.assertEqual((statement.matched_count, statement.matched_rate), (3, 100))
        self.assertFalse(statement.exception_ids)

    def test_a_statement_with_two_differences_approved_makes_odoo_hold_the_legacy_stock(self):
        self.load_initial_stock()
        self.env["stock.quant"]._update_available_quantity(
            self.xref("product.product", "BR-1"), self.stock, -2
        )  # issued in Odoo before the extract; the legacy ERP counts 1 more
        as_of = fields.Datetime.now() + timedelta(seconds=1)
        adjustments = self.env["stock.move"].search_count([("is_inventory", "=", True)])
        message = self.statement(
            "BAL-2026-12-08",
            as_of,
            [
                {"item": "PT-1", "location": "WH-STOCK", "lot": "L-77", "quantity": 12},
                {"item": "BR-1", "location": "WH-STOCK", "quantity": 39},
                {"item": "CL-1", "location": "WH-STOCK", "quantity": 3},
            ],
        )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(
            self.env["stock.move"].search_count([("is_inventory", "=", True)]),
            adjustments,
            "a statement adjusts nothing before a manager approves",
        )
        run = self.run_of("BAL-2026-12-08")
        figures = {
            line.product_id.default_code: (line.status, line.difference_quantity)
            for line in run.line_ids
        }
        self.assertEqual(
            figures,
            {"PT-1": ("matched", 0), "BR-1": ("different", 1), "CL-1": ("different", -2)},
        )
        self.assertEqual(len(run.exception_ids), 2, "one card per cause: more, less")
        self.env["integration.reconciliation.decide"].with_user(self.manager).create(
            {"run_id": run.id}
        ).action_confirm()
        self.assertEqual((self.on_hand("BR-1"), self.on_hand("CL-1")), (39, 3))
        moves = self.env["stock.move"].search([("integration_reconciliation_run_id", "=", run.id)])
        self.assertEqual(len(moves), 2)
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(
            (run.state, set(run.exception_ids.mapped("state"))), ("done", {"resolved"})
        )

    def test_a_statement_older_than_one_compared_is_refused(self):
        self.load_initial_stock()
        before_load = fields.Datetime.now() - timedelta(days=1)
        lines = [{"item": "BR-1", "location": "WH-STOCK", "quantity": 1}]
        stale = self.statement("BAL-OLD", before_load, lines)
        self.assertEqual(stale.state, "failed")
        self.assertIn("older than statement INIT-2026-12", stale.error)
        self.assertFalse(self.run_of("BAL-OLD").line_ids)
        self.assertEqual(self.on_hand("BR-1"), 40)
