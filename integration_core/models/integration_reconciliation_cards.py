"""Exception cards of reconciliation runs: one per cause of a run's open differences."""

import hashlib

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.explanations import headline, plural


class IntegrationReconciliationCards(models.AbstractModel):
    """Files a run's differences on ``integration.exception`` cards (category
    *reconciliation*), one per run and cause, each pointing to its run and lines; and the card
    of a statement whose chunks did not all arrive. Cards close as their lines are decided
    (``integration.exception._refresh_reconciliation_card``)."""

    _name = "integration.reconciliation.cards"
    _description = "Integration Reconciliation Exception Cards"

    @api.model
    def _file_differences(self, run, reconciler):
        """One exception card per cause of the run's open differences."""
        self.env.cr.execute(
            SQL(
                "SELECT cause, count(*), COALESCE(sum(abs(difference_value)), 0)"
                " FROM integration_reconciliation_line WHERE run_id = %s AND decision = 'open'"
                " GROUP BY cause ORDER BY cause",
                run.id,
            )
        )
        for cause, count, value in self.env.cr.fetchall():
            label = reconciler._cause_label(run, cause)
            error = _(
                "%(lines)s %(label)s in statement %(statement)s as of %(as_of)s (value "
                "%(value)s %(currency)s).",
                lines=plural(count, _("line"), _("lines")),
                label=label,
                statement=run.name,
                as_of=fields.Datetime.to_string(run.as_of),
                value=f"{value:,.2f}",
                currency=run.currency_id.name or "",
            )
            title = f"{plural(count, _('line'), _('lines'))} {label}"
            card = self._card(run, cause, title, error, "medium")
            self.env.cr.execute(
                SQL(
                    "UPDATE integration_reconciliation_line SET exception_id = %s"
                    " WHERE run_id = %s AND decision = 'open' AND cause = %s",
                    card.id,
                    run.id,
                    cause,
                )
            )
        self.env["integration.reconciliation.line"].invalidate_model(["exception_id"])

    @api.model
    def _file_incomplete(self, run):
        """The card of a statement whose missing chunks did not arrive in time."""
        error = _(
            "Statement %(statement)s as of %(as_of)s is incomplete: chunk(s) %(missing)s of "
            "%(chunks)s never arrived by %(deadline)s, so it was not compared.",
            statement=run.name,
            as_of=fields.Datetime.to_string(run.as_of),
            missing=run.missing_chunks,
            chunks=run.chunk_count,
            deadline=fields.Datetime.to_string(run.chunk_deadline),
        )
        title = _("statement incomplete: chunk(s) %s missing", run.missing_chunks)
        return self._card(run, "incomplete", title, error, "high")

    @api.model
    def _card(self, run, cause, title, error, severity):
        """The exception card of ``cause`` in ``run`` (one per run and cause)."""
        Exception_ = self.env["integration.exception"].sudo()
        fingerprint = hashlib.sha1(f"reconciliation|{run.id}|{cause}".encode()).hexdigest()
        card = Exception_.search([("fingerprint", "=", fingerprint)])
        values = {
            "name": headline(f"{run.endpoint_id.code}/{run.name}: {title}", 160),
            "error": error,
            "severity": severity,
            "last_seen_at": fields.Datetime.now(),
        }
        if card:
            card.write(values)
            return card
        return Exception_.create(
            dict(
                values,
                category="reconciliation",
                fingerprint=fingerprint,
                flow_id=run.flow_id.id,
                endpoint_id=run.endpoint_id.id,
                company_id=run.company_id.id,
                reconciliation_run_id=run.id,
                reconciliation_cause=cause,
            )
        )
