"""Inbound ``trial_balance``: a legacy period's balances as one entry in the transition journal."""

import calendar
import re
from datetime import date

from odoo import Command, _, api, models
from odoo.tools import float_compare

from odoo.addons.integration_core.lib.errors import PermanentError
from odoo.addons.integration_core.lib.payload import PayloadReader

# The value map that gives the Odoo account code of each legacy GL account.
ACCOUNT_MAP = "gl_account"
TRANSITION_JOURNAL_CODE = "LGCY"


class IntegrationHandlerLegacyTrialBalance(models.AbstractModel):
    """Posts a legacy trial balance as one journal entry per period and company.

    The entry is dated the period's last day in the company's transition journal (code
    ``LGCY``, made when missing) with one line per legacy line. Refused, with nothing
    written, when the debits and credits differ, when a legacy account has no Odoo account
    in the value map ``gl_account`` (all unmapped accounts are named at once), when the
    company is not the endpoint's, or when the period was posted already (its entry is the
    cross-reference ``<company>:<period>`` of ``account.move``).
    """

    _name = "integration.handler.legacy.trial.balance"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP trial balance (trial_balance)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        reader = PayloadReader(self._payload_json(message))
        period = reader.text("period")
        company_name = reader.text("company")
        lines = [
            {
                "account": line.text("account"),
                "label": line.text("label", required=False),
                "debit": line.decimal("debit", minimum=0),
                "credit": line.decimal("credit", minimum=0),
            }
            for line in reader.items("lines", required=True)
        ]
        if period and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            reader.problem("period", "must be a month as YYYY-MM", period)
        reader.done()
        company = endpoint.company_id
        if company_name != company.name:
            raise PermanentError(
                _(
                    "Trial balance of company %(got)s sent to %(endpoint)s, which serves "
                    "%(company)s.",
                    got=company_name,
                    endpoint=endpoint.code,
                    company=company.name,
                )
            )
        key = f"{company.name}:{period}"
        posted = self.env["integration.xref"]._resolve(endpoint, "account.move", key)
        if posted:
            raise PermanentError(
                _(
                    "The trial balance of %(period)s for %(company)s is posted already "
                    "(%(entry)s): nothing was written.",
                    period=period,
                    company=company.name,
                    entry=posted.name,
                )
            )
        self._check_balanced(company, period, lines)
        accounts = self._accounts(endpoint, company, message.flow_id, lines)
        move = self.env["integration.xref"]._create_linked(
            endpoint, "account.move", key, self._move_values(company, period, lines, accounts)
        )
        move.action_post()
        return move

    @api.model
    def _check_balanced(self, company, period, lines):
        debit = sum(line["debit"] for line in lines)
        credit = sum(line["credit"] for line in lines)
        digits = company.currency_id.decimal_places
        if float_compare(debit, credit, precision_digits=digits):
            raise PermanentError(
                _(
                    "The trial balance of %(period)s is unbalanced: debits %(debit)s, credits "
                    "%(credit)s (difference %(difference)s). Nothing was written.",
                    period=period,
                    debit=round(debit, digits),
                    credit=round(credit, digits),
                    difference=round(debit - credit, digits),
                )
            )

    @api.model
    def _accounts(self, endpoint, company, flow, lines):
        """``{legacy account: Odoo account}``; every unmapped or unknown one is refused."""
        ValueMap = self.env["integration.value.map"]
        table = ValueMap._find_table(endpoint, ACCOUNT_MAP, flow)
        mapped = {line.external_value: line.internal_value for line in table.line_ids}
        legacy = sorted({line["account"] for line in lines})
        unmapped = [code for code in legacy if code not in mapped]
        if unmapped:
            raise PermanentError(
                _(
                    "Legacy accounts without an Odoo account in value map %(map)s: %(codes)s. "
                    "Nothing was written.",
                    map=ACCOUNT_MAP,
                    codes=", ".join(unmapped),
                )
            )
        Account = self.env["account.account"].with_company(company)
        found = Account.search(
            [
                ("code", "in", [mapped[code] for code in legacy]),
                ("company_ids", "in", company.id),
            ]
        )
        by_code = {account.code: account for account in found}
        unknown = [code for code in legacy if mapped[code] not in by_code]
        if unknown:
            raise PermanentError(
                _(
                    "Value map %(map)s names Odoo accounts that do not exist in %(company)s: "
                    "%(codes)s. Nothing was written.",
                    map=ACCOUNT_MAP,
                    company=company.name,
                    codes=", ".join(f"{code} -> {mapped[code]}" for code in unknown),
                )
            )
        return {code: by_code[mapped[code]] for code in legacy}

    @api.model
    def _move_values(self, company, period, lines, accounts):
        year, month = (int(part) for part in period.split("-"))
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": self._transition_journal(company).id,
            "date": date(year, month, calendar.monthrange(year, month)[1]),
            "ref": _("Legacy trial balance %s", period),
            "line_ids": [
                Command.create(
                    {
                        "account_id": accounts[line["account"]].id,
                        "name": line["label"] or line["account"],
                        "debit": line["debit"],
                        "credit": line["credit"],
                    }
                )
                for line in lines
                if line["debit"] or line["credit"]
            ],
        }

    @api.model
    def _transition_journal(self, company):
        """The company's transition journal for legacy balances, made when missing."""
        Journal = self.env["account.journal"].with_company(company)
        journal = Journal.search(
            [("code", "=", TRANSITION_JOURNAL_CODE), ("company_id", "=", company.id)], limit=1
        )
        return journal or Journal.create(
            {
                "name": _("Legacy ERP transition"),
                "code": TRANSITION_JOURNAL_CODE,
                "type": "general",
                "company_id": company.id,
            }
        )
