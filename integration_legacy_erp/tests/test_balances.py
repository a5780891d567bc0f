from odoo.tests import tagged

from .common import LegacyCase


@tagged("post_install", "-at_install")
class TestBalances(LegacyCase):
    """Stock balances as an initial load, trial balances as one entry per period."""

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
