"""The contract between reconciliation runs and the connector that knows what is compared."""

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# The causes every reconciler names unless it names its own (see ``_cause_sql``).
DEFAULT_CAUSES = ("missing_in_odoo", "missing_in_external", "external_more", "external_less")


class IntegrationReconciler(models.AbstractModel):
    """Base of every reconciler: a connector inherits it once per entity it reconciles.

    The core stores the statement's lines, compares, files the differences on exception cards
    by cause and records who approved or ignored what; a reconciler says:

    - ``_odoo_side(run)``: Odoo's own figures at ``run.as_of``, either as an ``SQL`` SELECT
      (compared in the database: best for large entities) or as an iterable of dicts (streamed
      in batches). Columns or keys: ``key`` (the same text the statement's rows carry for the
      same thing), ``quantity``, optionally ``unit_value`` (value of one unit, in the company's
      currency), ``name`` (what people read) and the line fields listed in
      ``_line_dimensions``. One row per key. For a ``partial`` run only the keys of the
      statement are compared, so it may restrict itself to them (the run's lines).
    - ``_line_dimensions()``: names of ``integration.reconciliation.line`` fields the rows of
      both sides fill (a connector adds them to the line model: product, location...), for
      reports grouped by them.
    - ``_cause_sql(run)`` and ``_cause_label(run, cause)``: how a difference's cause is named
      (an SQL expression over the line table aliased ``line``, and its words). By default:
      missing in Odoo, missing in the other system, more or less there than in Odoo.
    - ``_apply_corrections(run, lines)``: make Odoo match the statement for the approved
      ``lines`` and return ``{line id: records made}``; a line then points to its records.
    - ``_request_statement(flow)``: asked every N hours when the flow schedules reconciliation
      (*Request a statement every (hours)*): queue a request to the other system, or pull the
      statement and queue it. The statement then arrives as any inbound message.
    - ``_tolerance(run)``: the difference below which quantities match.
    """

    _name = "integration.reconciler"
    _description = "Integration Reconciler"

    @api.model
    def _odoo_side(self, run):
        """Odoo's figures at ``run.as_of``: an ``SQL`` SELECT or an iterable of dicts."""
        raise NotImplementedError(f"{self._name} does not give Odoo's side")

    @api.model
    def _line_dimensions(self):
        """Fields of ``integration.reconciliation.line`` the rows of both sides fill."""
        return ()

    @api.model
    def _tolerance(self, run):
        """Quantities closer than this match."""
        return 0.0001

    @api.model
    def _cause_sql(self, run):
        """An SQL expression over the line table ``line`` naming a difference's cause."""
        return SQL(
            """CASE line.status
                   WHEN 'missing_odoo' THEN 'missing_in_odoo'
                   WHEN 'missing_external' THEN 'missing_in_external'
                   ELSE CASE WHEN line.difference_quantity > 0 THEN 'external_more'
                             ELSE 'external_less' END
               END"""
        )

    @api.model
    def _cause_label(self, run, cause):
        """The words of a cause, e.g. for the title of its exception card."""
        other = run.endpoint_id.name or run.endpoint_id.code
        labels = {
            "missing_in_odoo": _("missing in Odoo"),
            "missing_in_external": _("missing in %s", other),
            "external_more": _("more in %s than in Odoo", other),
            "external_less": _("less in %s than in Odoo", other),
        }
        return labels.get(cause, cause)

    @api.model
    def _apply_corrections(self, run, lines):
        """Make Odoo match the statement for ``lines``; return ``{line id: records made}``."""
        raise UserError(
            _("%s cannot apply corrections: ignore these differences instead.", self._description)
        )

    @api.model
    def _request_statement(self, flow):
        """Ask ``flow``'s endpoint for a new statement (queue a request, or pull it)."""
        raise UserError(
            _("%s cannot request statements: the other system sends them.", self._description)
        )
