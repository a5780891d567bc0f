"""Trial balances from the legacy ERP's flat-file extract: posted once, unbalanced refused."""

import os
import time

from odoo.tests import tagged

from odoo.addons.integration_core.tools.file_inbound import FILE_MIN_AGE

from .test_sources import LegacySourceCase

HEADER = "PERIOD;COMPANY;ACCOUNT;LABEL;DEBIT;CREDIT\r\n"


@tagged("post_install", "-at_install")
class TestLegacyTrialBalanceFile(LegacySourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tb_flow = cls.make_flow(
            "trial_balance",
            "integration.handler.legacy.trial.balance",
            endpoint=cls.file_endpoint,
            file_format_id=cls.env.ref(
                "integration_legacy_erp.file_format_legacy_trial_balance"
            ).id,
        )
        company = cls.file_endpoint.company_id
        Account = cls.env["account.account"].with_company(company)
        Account.create(
            [
                {"code": "LG1000", "name": "Legacy bank", "account_type": "asset_cash"},
                {"code": "LG2000", "name": "Legacy payables", "account_type": "liability_current"},
            ]
        )
        cls.env["integration.value.map"].create(
            {
                "name": "gl_account",
                "endpoint_id": cls.file_endpoint.id,
                "line_ids": [
                    (0, 0, {"external_value": "1000", "internal_value": "LG1000"}),
                    (0, 0, {"external_value": "2000", "internal_value": "LG2000"}),
                ],
            }
        )

    def drop(self, name, rows):
        """A trial balance extract as the legacy ERP writes it (Windows-1252, decimal comma)."""
        company = self.file_endpoint.company_id.name
        text = HEADER + "".join(f"{period};{company};{rest}\r\n" for period, rest in rows)
        (self.root / "in").mkdir(exist_ok=True)
        path = self.root / "in" / name
        path.write_bytes(text.encode("cp1252"))
        then = time.time() - FILE_MIN_AGE - 5
        os.utime(path, (then, then))
        self.poll_files()
        self.run_queue()

    def test_a_balanced_period_is_posted_once_and_an_unbalanced_one_refused(self):
        rows = [
            ("2026-11", "1000;Bank Köln;1.500,00;0"),
            ("2026-11", "2000;Verbindlichkeiten;0;1.500,00"),
            ("2026-10", "1000;Bank Köln;1.000,00;0"),
            ("2026-10", "2000;Verbindlichkeiten;0;999,00"),
        ]
        self.drop("trial_balance-202611.csv", rows)
        posted, unbalanced = self.messages(self.tb_flow)
        self.assertEqual(posted.state, "done", posted.error)
        move = self.env["integration.xref"]._resolve(
            self.file_endpoint, "account.move", f"{self.file_endpoint.company_id.name}:2026-11"
        )
        self.assertEqual(move.state, "posted")
        self.assertEqual(
            sorted((line.account_id.code, line.debit, line.credit) for line in move.line_ids),
            [("LG1000", 1500.0, 0.0), ("LG2000", 0.0, 1500.0)],
        )
        self.assertIn("Bank Köln", move.line_ids.mapped("name"))
        self.assertEqual(unbalanced.state, "failed")
        self.assertIn("unbalanced: debits 1000.0, credits 999.0", unbalanced.error)
        # The same period in a later extract is not posted again.
        self.drop("trial_balance-202611-again.csv", rows[:2])
        again = self.messages(self.tb_flow) - posted - unbalanced
        self.assertEqual(again.state, "failed")
        self.assertIn("posted already", again.error)
        moves = self.env["account.move"].search([("journal_id", "=", move.journal_id.id)])
        self.assertEqual(moves, move)
