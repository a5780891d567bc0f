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
- When every chunk is in, the run is compared in the same transaction: Odoo's side (the
  reconciler's SQL SELECT, or its stream written a batch at a time) goes to a temporary
  table with one row per key; one UPDATE joins it to the lines and sets their status
  (matched, missing on either side, different), quantities and values; one INSERT adds what
  Odoo holds and a full statement lacks; the differences get their causes, and
  ``integration.reconciliation.cards`` files them on one exception card per cause. A full
  statement supersedes older runs of its scope still under review.
- A statement whose chunks do not all arrive by the flow's waiting deadline (counted from its
  first chunk) becomes *incomplete* with an exception card naming the missing chunks; a late
  chunk is still received, and completing the statement compares it and closes that card.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.errors import PermanentError, StaleStatement
from ..lib.reconciliation import row_batches
from .integration_reconciliation_run import COMPARED

# Odoo's side of the run being compared, one row per key (and as streamed, before that):
# temporary tables, dropped once compared.
STAGE = SQL.identifier("integration_reconciliation_stage")
STREAMED = SQL.identifier("integration_reconciliation_streamed")
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
        count = self._insert_rows(run, rows)
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
        # A chunk reads thousands of records (products, locations, lots...); the queue works
        # several chunks in one transaction, and Odoo's cache would keep them all until it
        # commits: drop them once the chunk is stored (written first), so memory stays that
        # of one chunk whatever the statement's size.
        self.env.invalidate_all()
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
    def _insert_rows(self, run, rows):
        """Add the statement's ``rows`` to the run's lines, a batch per INSERT; a key already
        there adds up. Returns the number of keys written."""
        dimensions = self._dimensions(run)
        names = [name for name, _type in dimensions]
        keep = SQL("").join(
            SQL(", %s = COALESCE(line.%s, EXCLUDED.%s)", *[SQL.identifier(name)] * 3)
            for name in ("name", "unit_value", *names)
        )
        count = 0
        for batch in row_batches(rows):
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO integration_reconciliation_line AS line
                           (run_id, company_id, key, name, external_quantity, unit_value%(columns)s,
                            create_uid, create_date, write_uid, write_date)
                    SELECT %(run)s, %(company)s, t.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM (%(rows)s) AS t
                        ON CONFLICT (run_id, key) DO UPDATE
                       SET external_quantity = line.external_quantity + EXCLUDED.external_quantity
                           %(keep)s
                    """,
                    columns=_columns(names),
                    run=run.id,
                    company=run.company_id.id,
                    uid=self.env.uid,
                    now=fields.Datetime.now(),
                    rows=_unnest(batch, dimensions),
                    keep=keep,
                )
            )
            count += len(batch)
        return count

    # ------------------------------------------------------------------ comparing
    @api.model
    def _compare(self, run):
        """Compare the complete statement of ``run`` with Odoo's side and file the
        differences (see the module docstring)."""
        reconciler = run._reconciler()
        dimensions = self._dimensions(run)
        self.env.flush_all()
        self._stage_odoo_side(run, reconciler._odoo_side(run), dimensions)
        self._classify(run, reconciler, dimensions)
        if run.coverage == "full":
            self._add_missing_in_statement(run, reconciler, dimensions)
        self.env.cr.execute(SQL("DROP TABLE %s", STAGE))
        self.env.cr.execute(
            SQL(
                "UPDATE integration_reconciliation_line AS line SET cause = %s"
                " WHERE run_id = %s AND status != 'matched'",
                reconciler._cause_sql(run),
                run.id,
            )
        )
        self.env["integration.reconciliation.line"].invalidate_model()
        run.write({"state": "to_review", "compared_at": fields.Datetime.now()})
        run._refresh_figures()
        self._supersede_older(run)
        self.env["integration.reconciliation.cards"]._file_differences(run, reconciler)
        run.exception_ids.filtered(
            lambda card: card.reconciliation_cause == "incomplete"
        )._close_reconciliation_card(_("Resolved by itself: the missing chunks arrived."))

    @api.model
    def _stage_odoo_side(self, run, odoo_side, dimensions):
        """Odoo's side in a temporary table, one row per key: the reconciler's SELECT in one
        statement, or its stream a batch at a time."""
        source = odoo_side
        if not isinstance(odoo_side, SQL):
            columns = SQL("").join(
                SQL(", %s %s", SQL.identifier(name), SQL(kind)) for name, kind in dimensions
            )
            self.env.cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE %s (key varchar, name varchar, quantity float8,"
                    " unit_value float8%s) ON COMMIT DROP",
                    STREAMED,
                    columns,
                )
            )
            for batch in row_batches(odoo_side):
                self.env.cr.execute(SQL("INSERT INTO %s %s", STREAMED, _unnest(batch, dimensions)))
            source = SQL("SELECT * FROM %s", STREAMED)
        latest = SQL("").join(
            SQL(", max(o.%s) AS %s", *[SQL.identifier(name)] * 2) for name, _kind in dimensions
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE %(stage)s ON COMMIT DROP AS
                SELECT o.key, max(o.name) AS name, sum(o.quantity) AS quantity,
                       max(o.unit_value) AS unit_value%(latest)s
                  FROM (%(source)s) AS o
                 GROUP BY o.key;
                ANALYZE %(stage)s
                """,
                stage=STAGE,
                latest=latest,
                source=source,
            )
        )
        if source is not odoo_side:
            self.env.cr.execute(SQL("DROP TABLE %s", STREAMED))

    @api.model
    def _classify(self, run, reconciler, dimensions):
        """Every line of the statement with Odoo's figure for its key: status, difference,
        values, in one UPDATE."""
        names = [name for name, _kind in dimensions]
        filled = SQL("").join(
            SQL(", %s = COALESCE(line.%s, v.%s)", *[SQL.identifier(name)] * 3) for name in names
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_reconciliation_line AS line
                   SET odoo_quantity = v.o, external_quantity = v.e,
                       difference_quantity = v.e - v.o, unit_value = v.u,
                       external_value = v.e * v.u, odoo_value = v.o * v.u,
                       difference_value = (v.e - v.o) * v.u,
                       name = COALESCE(line.name, v.name),
                       status = CASE WHEN abs(v.e - v.o) <= %(tol)s THEN 'matched'
                                     WHEN abs(v.o) <= %(tol)s THEN 'missing_odoo'
                                     WHEN abs(v.e) <= %(tol)s THEN 'missing_external'
                                     ELSE 'different' END,
                       decision = CASE WHEN abs(v.e - v.o) <= %(tol)s THEN NULL ELSE 'open' END
                       %(filled)s
                  FROM (SELECT l.id, COALESCE(l.external_quantity, 0) AS e,
                               COALESCE(o.quantity, 0) AS o,
                               COALESCE(l.unit_value, o.unit_value, 0) AS u,
                               o.name%(odoo_columns)s
                          FROM integration_reconciliation_line l
                          LEFT JOIN %(stage)s o ON o.key = l.key
                         WHERE l.run_id = %(run)s) AS v
                 WHERE line.id = v.id
                """,
                tol=reconciler._tolerance(run),
                filled=filled,
                odoo_columns=SQL("").join(SQL(", o.%s", SQL.identifier(n)) for n in names),
                stage=STAGE,
                run=run.id,
            )
        )

    @api.model
    def _add_missing_in_statement(self, run, reconciler, dimensions):
        """A full statement's lines for what Odoo holds and the statement does not list."""
        names = [name for name, _kind in dimensions]
        values = SQL("").join(SQL(", o.%s", SQL.identifier(name)) for name in names)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_reconciliation_line
                       (run_id, company_id, key, name%(columns)s, external_quantity,
                        odoo_quantity, difference_quantity, unit_value, external_value,
                        odoo_value, difference_value, status, decision,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(run)s, %(company)s, o.key, o.name%(values)s, 0, o.quantity,
                       -o.quantity, COALESCE(o.unit_value, 0), 0,
                       o.quantity * COALESCE(o.unit_value, 0),
                       -o.quantity * COALESCE(o.unit_value, 0), 'missing_external', 'open',
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(stage)s o
                 WHERE abs(o.quantity) > %(tol)s
                   AND NOT EXISTS (SELECT 1 FROM integration_reconciliation_line l
                                    WHERE l.run_id = %(run)s AND l.key = o.key)
                """,
                columns=_columns(names),
                values=values,
                run=run.id,
                company=run.company_id.id,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                stage=STAGE,
                tol=reconciler._tolerance(run),
            )
        )

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


def _columns(names):
    """``, name, name`` of extra line columns (nothing without any)."""
    return SQL("").join(SQL(", %s", SQL.identifier(name)) for name in names)


def _unnest(batch, dimensions):
    """A SELECT of the ``batch``'s rows: key, name, quantity, unit value, dimensions."""
    names = [name for name, _type in dimensions]
    arrays = [
        [row["key"] for row in batch],
        [row.get("name") or None for row in batch],
        [row["quantity"] for row in batch],
        [_number(row.get("unit_value")) for row in batch],
    ] + [[row.get(name) or None for row in batch] for name in names]
    types = ["varchar", "varchar", "float8", "float8"] + [kind for _n, kind in dimensions]
    return SQL(
        "SELECT * FROM unnest(%s)",
        SQL(", ").join(
            SQL("%s::%s[]", array, SQL(kind)) for array, kind in zip(arrays, types, strict=True)
        ),
    )


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
