"""Receives statements chunk by chunk, compares them in SQL and files the differences.

Operations manual:

- A connector's statement handler calls ``_receive(message, statement, rows)`` (see
  ``lib/reconciliation.py`` for ``Statement``). The run of the statement (one per endpoint,
  entity and statement id) is found or made and locked for the rest of the transaction, so
  chunks that two workers apply at once take turns. A chunk number already received is not
  applied again; a statement older than one already compared for the same endpoint, entity
  and scope is refused (``StaleStatement``: the message fails, nothing is written).
- Rows go to ``integration_reconciliation_line`` a batch at a time (``lib.reconciliation
  .row_batches``), one INSERT per batch; the rows of one key are added up. Memory holds one
  batch, never the statement.
- When every chunk is in, the run is compared in the same transaction: Odoo's side (an SQL
  SELECT merged by one INSERT ... SELECT, or a stream merged a batch at a time) joins the
  lines by key, one UPDATE classifies them (matched, missing on either side, different) with
  their quantities and values, another names their causes, and the open differences are
  filed on one exception card per cause. A full statement supersedes older runs of its
  scope still under review.
- A statement whose chunks do not all arrive by the flow's waiting deadline (counted from its
  first chunk) becomes *incomplete* with an exception card naming the missing chunks; a late
  chunk is still received, and completing the statement compares it and closes that card.
"""

import hashlib
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.errors import PermanentError, StaleStatement
from ..lib.explanations import headline, plural
from ..lib.reconciliation import row_batches
from .integration_reconciliation_run import COMPARED

LINE_TABLE = "integration_reconciliation_line"
# Column types of the line fields a reconciler may fill, by Odoo field type.
DIMENSION_TYPES = {"many2one": "int4", "char": "varchar", "integer": "int4", "float": "float8"}


class IntegrationReconciliationEngine(models.AbstractModel):
    _name = "integration.reconciliation.engine"
    _description = "Integration Reconciliation Engine"

    # ------------------------------------------------------------------ receiving
    @api.model
    def _receive(self, message, statement, rows):
        """Store one chunk of ``statement`` (``rows``: an iterable of dicts with ``key``,
        ``quantity`` and optionally ``unit_value``, ``name`` and the reconciler's dimensions)
        received in ``message``; compare once every chunk is in. Returns the run."""
        run = self._locked_run(message, statement)
        self._check_same_statement(run, statement)
        self._check_not_stale(run, statement)
        if statement.chunk in run.chunk_ids.mapped("number"):
            return run  # delivered twice: applied once
        count = self._insert_rows(run, rows, "external_quantity")
        self.env["integration.reconciliation.chunk"].sudo().create(
            {
                "run_id": run.id,
                "number": statement.chunk,
                "message_id": message.id,
                "row_count": count,
            }
        )
        run.invalidate_recordset(["chunk_ids"])
        received = len(run.chunk_ids)
        values = {"chunks_received": received}
        if received < run.chunk_count and not run.chunk_deadline:
            minutes = message.flow_id.waiting_deadline_minutes or 1440
            values["chunk_deadline"] = fields.Datetime.now() + timedelta(minutes=minutes)
        run.write(values)
        if received == run.chunk_count:
            self._compare(run)
        return run

    @api.model
    def _locked_run(self, message, statement):
        """The run of ``statement``, made when new, locked until the transaction ends."""
        Run = self.env["integration.reconciliation.run"].sudo()
        domain = [
            ("endpoint_id", "=", message.endpoint_id.id),
            ("entity", "=", statement.entity),
            ("name", "=", statement.statement_id),
        ]
        run = Run.search(domain)
        if not run:
            flow = message.flow_id
            if not flow.reconciler:
                raise PermanentError(
                    _("Flow %s has no reconciler: a manager sets one on the flow.", flow.code)
                )
            # Two chunks of a new statement at once: the second create violates the unique
            # key, and the queue retries its message, which then finds the run.
            run = Run.create(
                {
                    "name": statement.statement_id,
                    "endpoint_id": message.endpoint_id.id,
                    "flow_id": flow.id,
                    "reconciler": flow.reconciler,
                    "entity": statement.entity,
                    "scope": statement.scope,
                    "coverage": statement.coverage,
                    "as_of": statement.as_of,
                    "chunk_count": statement.chunks,
                }
            )
        run.flush_recordset()
        self.env.cr.execute(
            SQL("SELECT id FROM integration_reconciliation_run WHERE id = %s FOR UPDATE", run.id)
        )
        run.invalidate_recordset()
        return run

    @api.model
    def _check_same_statement(self, run, statement):
        """Every chunk of a statement repeats its header: a chunk that disagrees is refused."""
        differences = [
            name
            for name, ours, theirs in (
                ("as_of", run.as_of, statement.as_of.replace(microsecond=0)),
                ("chunks", run.chunk_count, statement.chunks),
                ("scope", run.scope, statement.scope),
                ("coverage", run.coverage, statement.coverage),
            )
            if ours != theirs
        ]
        if differences:
            raise PermanentError(
                _(
                    "Chunk %(chunk)s of statement %(statement)s disagrees with its first chunk "
                    "on %(fields)s: refused, nothing was changed.",
                    chunk=statement.chunk,
                    statement=statement.statement_id,
                    fields=", ".join(differences),
                )
            )

    @api.model
    def _check_not_stale(self, run, statement):
        """Refuse a statement older than one compared for the same endpoint, entity and scope,
        or one superseded by it: older figures never overwrite newer ones."""
        newer = run.superseded_by_id or self.env["integration.reconciliation.run"].sudo().search(
            [
                ("endpoint_id", "=", run.endpoint_id.id),
                ("entity", "=", run.entity),
                ("scope", "=", run.scope),
                ("state", "in", COMPARED),
                ("as_of", ">", run.as_of),
                ("id", "!=", run.id),
            ],
            order="as_of desc",
            limit=1,
        )
        if newer or run.state == "superseded":
            raise StaleStatement(
                _(
                    "Statement %(statement)s as of %(as_of)s is older than statement %(newer)s "
                    "as of %(newer_as_of)s, already compared for %(scope)s: refused, nothing "
                    "was changed.",
                    statement=statement.statement_id,
                    as_of=fields.Datetime.to_string(statement.as_of),
                    newer=newer.name or "?",
                    newer_as_of=fields.Datetime.to_string(newer.as_of) if newer else "?",
                    scope=run.scope,
                )
            )

    # ------------------------------------------------------------------ writing lines
    @api.model
    def _dimensions(self, run):
        """The line fields the run's reconciler fills, with their column types."""
        Line = self.env["integration.reconciliation.line"]
        columns = []
        for name in run._reconciler()._line_dimensions():
            field = Line._fields.get(name)
            if not field or not field.store or field.type not in DIMENSION_TYPES:
                raise UserError(_("%(name)s is not a line field a reconciler can fill.", name=name))
            columns.append((name, DIMENSION_TYPES[field.type]))
        return columns

    @api.model
    def _insert_rows(self, run, rows, side):
        """Add ``rows`` to the run's lines on ``side`` (``external_quantity`` or
        ``odoo_quantity``), a batch per INSERT; a key already there adds up. Returns the
        number of keys written."""
        dimensions = self._dimensions(run)
        count = 0
        for batch in row_batches(rows):
            self._insert_batch(run, batch, side, dimensions)
            count += len(batch)
        return count

    @api.model
    def _insert_batch(self, run, batch, side, dimensions):
        names = [name for name, _type in dimensions]
        arrays = [
            [row["key"] for row in batch],
            [row.get("name") or None for row in batch],
            [row["quantity"] for row in batch],
            [_number(row.get("unit_value")) for row in batch],
        ] + [[row.get(name) or None for row in batch] for name in names]
        types = ["varchar", "varchar", "float8", "float8"] + [kind for _n, kind in dimensions]
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        unnest = SQL(", ").join(
            SQL("%s::%s[]", array, SQL(kind)) for array, kind in zip(arrays, types, strict=True)
        )
        keep = SQL(", ").join(
            SQL("%s = COALESCE(line.%s, EXCLUDED.%s)", *[SQL.identifier(name)] * 3)
            for name in ("name", "unit_value", *names)
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_reconciliation_line AS line
                       (run_id, company_id, key, name, %(side)s, unit_value%(comma)s%(columns)s,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(run)s, %(company)s, t.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(unnest)s) AS t
                    ON CONFLICT (run_id, key) DO UPDATE
                   SET %(side)s = COALESCE(line.%(side)s, 0) + EXCLUDED.%(side)s, %(keep)s
                """,
                side=SQL.identifier(side),
                comma=SQL(", ") if names else SQL(),
                columns=columns,
                run=run.id,
                company=run.company_id.id,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                unnest=unnest,
                keep=keep,
            )
        )

    # ------------------------------------------------------------------ comparing
    @api.model
    def _compare(self, run):
        """Compare the complete statement of ``run`` with Odoo's side and file the
        differences (see the module docstring)."""
        reconciler = run._reconciler()
        odoo_side = reconciler._odoo_side(run)
        if isinstance(odoo_side, SQL):
            self._merge_odoo_sql(run, odoo_side)
        else:
            self._insert_rows(run, odoo_side, "odoo_quantity")
        self._drop_uncompared(run, reconciler)
        self._classify(run, reconciler)
        run.write({"state": "to_review", "compared_at": fields.Datetime.now()})
        run._refresh_figures()
        self._supersede_older(run)
        self._file_differences(run, reconciler)
        run.exception_ids.filtered(
            lambda card: card.reconciliation_cause == "incomplete"
        )._close_reconciliation_card(_("Resolved by itself: the missing chunks arrived."))

    @api.model
    def _merge_odoo_sql(self, run, query):
        """Merge Odoo's side given as one SELECT into the lines, in the database."""
        dimensions = self._dimensions(run)
        names = [name for name, _type in dimensions]
        extra = SQL("").join(SQL(", max(o.%s) AS %s", *[SQL.identifier(n)] * 2) for n in names)
        columns = SQL("").join(SQL(", %s", SQL.identifier(n)) for n in names)
        keep = SQL("").join(
            SQL(", %s = COALESCE(line.%s, EXCLUDED.%s)", *[SQL.identifier(n)] * 3) for n in names
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_reconciliation_line AS line
                       (run_id, company_id, key, name, odoo_quantity, unit_value%(columns)s,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(run)s, %(company)s, o.key, max(o.name), sum(o.quantity),
                       max(o.unit_value)%(extra)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(query)s) AS o
                 GROUP BY o.key
                    ON CONFLICT (run_id, key) DO UPDATE
                   SET odoo_quantity = EXCLUDED.odoo_quantity,
                       name = COALESCE(line.name, EXCLUDED.name),
                       unit_value = COALESCE(line.unit_value, EXCLUDED.unit_value)%(keep)s
                """,
                columns=columns,
                run=run.id,
                company=run.company_id.id,
                extra=extra,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                query=query,
                keep=keep,
            )
        )

    @api.model
    def _drop_uncompared(self, run, reconciler):
        """Odoo's keys the statement does not speak of: all of them for a partial statement,
        those Odoo has none of for a full one."""
        only_odoo = SQL("run_id = %s AND external_quantity IS NULL", run.id)
        if run.coverage == "full":
            only_odoo = SQL(
                "%s AND abs(COALESCE(odoo_quantity, 0)) <= %s",
                only_odoo,
                reconciler._tolerance(run),
            )
        self.env.cr.execute(SQL("DELETE FROM integration_reconciliation_line WHERE %s", only_odoo))

    @api.model
    def _classify(self, run, reconciler):
        """Status, differences and values of every line, then the causes of the differences."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_reconciliation_line
                   SET external_quantity = e, odoo_quantity = o, difference_quantity = e - o,
                       unit_value = u, external_value = e * u, odoo_value = o * u,
                       difference_value = (e - o) * u,
                       status = CASE WHEN abs(e - o) <= %(tol)s THEN 'matched'
                                     WHEN abs(o) <= %(tol)s THEN 'missing_odoo'
                                     WHEN abs(e) <= %(tol)s THEN 'missing_external'
                                     ELSE 'different' END,
                       decision = CASE WHEN abs(e - o) <= %(tol)s THEN NULL ELSE 'open' END
                  FROM (SELECT id, COALESCE(external_quantity, 0) AS e,
                               COALESCE(odoo_quantity, 0) AS o, COALESCE(unit_value, 0) AS u
                          FROM integration_reconciliation_line WHERE run_id = %(run)s) AS v
                 WHERE integration_reconciliation_line.id = v.id
                """,
                tol=reconciler._tolerance(run),
                run=run.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE integration_reconciliation_line AS line SET cause = %s"
                " WHERE run_id = %s AND status != 'matched'",
                reconciler._cause_sql(run),
                run.id,
            )
        )
        self.env["integration.reconciliation.line"].invalidate_model()

    @api.model
    def _supersede_older(self, run):
        """A full statement makes older runs of its scope still open superseded: their
        differences are judged again by this one."""
        if run.coverage != "full":
            return
        older = run.search(
            [
                ("endpoint_id", "=", run.endpoint_id.id),
                ("entity", "=", run.entity),
                ("scope", "=", run.scope),
                ("state", "in", ("receiving", "to_review", "incomplete")),
                ("as_of", "<", run.as_of),
            ]
        )
        if not older:
            return
        older.write({"state": "superseded", "superseded_by_id": run.id})
        older.exception_ids._close_reconciliation_card(
            _("Superseded by the newer statement %s.", run.name)
        )

    # ------------------------------------------------------------------ exception cards
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


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
