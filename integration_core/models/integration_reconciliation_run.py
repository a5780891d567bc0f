"""A comparison of an external statement with Odoo's own figures at the statement's time."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..lib.explanations import plural
from ..lib.reconciliation import COVERAGES, ranges_text
from ..tools import access

_logger = logging.getLogger(__name__)

STATES = [
    ("receiving", "Receiving"),
    ("to_review", "To review"),
    ("done", "Done"),
    ("incomplete", "Incomplete"),
    ("superseded", "Superseded"),
]
# States of a run whose statement was compared: newer statements than these are the only
# ones accepted for the same endpoint, entity and scope.
COMPARED = ("to_review", "done", "superseded")
# Lines decided per call of the reconciler: its corrections are made a batch at a time.
DECISION_BATCH = 500


class IntegrationReconciliationRun(models.Model):
    """One statement of one endpoint (its chunks, its lines, its decisions), created by the
    statement's handler through ``integration.reconciliation.engine``. Nobody edits a run: it
    changes through the comparison and a manager's decisions, each kept on its lines and in
    the chatter."""

    _name = "integration.reconciliation.run"
    _description = "Integration Reconciliation Run"
    _inherit = ["mail.thread"]
    _order = "as_of desc, id desc"

    name = fields.Char(string="Statement", required=True, readonly=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, readonly=True, index=True, ondelete="restrict"
    )
    flow_id = fields.Many2one("integration.flow", readonly=True, index="btree_not_null")
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    reconciler = fields.Char(readonly=True, help="Technical name of the connector's reconciler.")
    entity = fields.Char(required=True, readonly=True, help="What is compared, e.g. stock.")
    scope = fields.Char(required=True, readonly=True, help="The part compared, e.g. a warehouse.")
    coverage = fields.Selection(
        [(c, c.title()) for c in COVERAGES],
        required=True,
        readonly=True,
        help="Full: whatever Odoo has in the scope and the statement lacks is a difference. "
        "Partial: only what the statement lists is compared.",
    )
    as_of = fields.Datetime(
        string="As of", required=True, readonly=True, help="The time the figures hold for."
    )
    state = fields.Selection(STATES, default="receiving", required=True, readonly=True)
    chunk_count = fields.Integer(string="Chunks expected", readonly=True, default=1)
    chunks_received = fields.Integer(readonly=True)
    chunk_ids = fields.One2many("integration.reconciliation.chunk", "run_id", readonly=True)
    missing_chunks = fields.Char(compute="_compute_missing_chunks")
    chunk_deadline = fields.Datetime(
        string="Waiting for chunks until",
        readonly=True,
        help="The run is incomplete when its missing chunks have not arrived by then.",
    )
    compared_at = fields.Datetime(string="Compared on", readonly=True)
    superseded_by_id = fields.Many2one(
        "integration.reconciliation.run", string="Superseded by", readonly=True
    )
    line_ids = fields.One2many("integration.reconciliation.line", "run_id", readonly=True)
    difference_ids = fields.One2many(
        "integration.reconciliation.line",
        "run_id",
        domain=[("status", "!=", "matched")],
        readonly=True,
    )
    line_count = fields.Integer(string="Lines", readonly=True)
    matched_count = fields.Integer(string="Matched", readonly=True)
    missing_odoo_count = fields.Integer(string="Missing in Odoo", readonly=True)
    missing_external_count = fields.Integer(string="Missing in the other system", readonly=True)
    different_count = fields.Integer(string="Different", readonly=True)
    open_count = fields.Integer(string="To decide", readonly=True)
    applied_count = fields.Integer(string="Corrections applied", readonly=True)
    ignored_count = fields.Integer(string="Ignored", readonly=True)
    matched_rate = fields.Float(
        string="Matched (%)",
        digits=(5, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the lines that matched when compared.",
    )
    external_quantity_total = fields.Float(string="Their quantity", digits=(16, 4), readonly=True)
    odoo_quantity_total = fields.Float(string="Odoo quantity", digits=(16, 4), readonly=True)
    external_value_total = fields.Monetary(string="Their value", readonly=True)
    odoo_value_total = fields.Monetary(string="Odoo value", readonly=True)
    difference_value_total = fields.Monetary(
        string="Net value difference", readonly=True, help="Their value minus Odoo's."
    )
    gross_difference_value = fields.Monetary(
        string="Value of the differences",
        readonly=True,
        help="Sum of the differences' values, each counted positive.",
    )
    exception_ids = fields.One2many(
        "integration.exception", "reconciliation_run_id", string="Exception cards", readonly=True
    )
    open_exception_count = fields.Integer(
        compute="_compute_open_exception_count", string="Open cards"
    )

    _sql_constraints = [
        (
            "statement_unique",
            "unique(endpoint_id, entity, name)",
            "One run per statement of an endpoint and entity.",
        ),
    ]

    @api.depends("endpoint_id.code", "name")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.endpoint_id.code or ''} {run.name or ''}".strip()

    @api.depends("chunk_ids.number", "chunk_count")
    def _compute_missing_chunks(self):
        for run in self:
            missing = set(range(1, run.chunk_count + 1)) - set(run.chunk_ids.mapped("number"))
            run.missing_chunks = ranges_text(missing) if missing else False

    def _compute_open_exception_count(self):
        counts = dict(
            self.env["integration.exception"]._read_group(
                [
                    ("reconciliation_run_id", "in", self.ids),
                    ("state", "in", ("new", "in_progress")),
                ],
                ["reconciliation_run_id"],
                ["__count"],
            )
        )
        for run in self:
            run.open_exception_count = counts.get(run, 0)

    def _reconciler(self):
        self.ensure_one()
        if not self.reconciler or self.reconciler not in self.env:
            raise UserError(_("The reconciler %s of this run is not installed.", self.reconciler))
        return self.env[self.reconciler]

    # ------------------------------------------------------------------ figures
    def _refresh_figures(self):
        """Counts and totals of the runs' lines, in one query per run."""
        self.env["integration.reconciliation.line"].flush_model()
        for run in self:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT count(*) AS line_count,
                           count(*) FILTER (WHERE status = 'matched') AS matched_count,
                           count(*) FILTER (WHERE status = 'missing_odoo') AS missing_odoo_count,
                           count(*) FILTER (WHERE status = 'missing_external')
                               AS missing_external_count,
                           count(*) FILTER (WHERE status = 'different') AS different_count,
                           count(*) FILTER (WHERE decision = 'open') AS open_count,
                           count(*) FILTER (WHERE decision = 'applied') AS applied_count,
                           count(*) FILTER (WHERE decision = 'ignored') AS ignored_count,
                           COALESCE(sum(external_quantity), 0) AS external_quantity_total,
                           COALESCE(sum(odoo_quantity), 0) AS odoo_quantity_total,
                           COALESCE(sum(external_value), 0) AS external_value_total,
                           COALESCE(sum(odoo_value), 0) AS odoo_value_total,
                           COALESCE(sum(difference_value), 0) AS difference_value_total,
                           COALESCE(sum(abs(difference_value)), 0) AS gross_difference_value
                      FROM integration_reconciliation_line
                     WHERE run_id = %s
                    """,
                    run.id,
                )
            )
            values = {
                name: float(value) if name.endswith(("_total", "_value")) else value
                for name, value in self.env.cr.dictfetchone().items()
            }
            lines = values["line_count"]
            values["matched_rate"] = (
                round(100.0 * values["matched_count"] / lines, 1) if lines else 100.0
            )
            if run.state == "to_review" and not values["open_count"]:
                values["state"] = "done"
            run.sudo().write(values)

    # ------------------------------------------------------------------ actions
    def action_open_decision(self):
        """Approve or ignore every difference still to decide of the run."""
        access.require_manager(self.env, _("approve or ignore reconciliation differences"))
        self.ensure_one()
        self.check_access("read")
        return self._decision_action()

    def _decision_action(self, lines=None, card=None):
        context = {"default_run_id": self.id}
        if lines:
            context["default_line_ids"] = [(6, 0, lines.ids)]
        if card:
            context["default_exception_id"] = card.id
        return {
            "type": "ir.actions.act_window",
            "name": _("Approve or ignore differences"),
            "res_model": "integration.reconciliation.decide",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_view_lines(self):
        """The run's lines, differences first, in a list to filter, group and select."""
        access.require_integration_user(self.env, _("open reconciliation lines"))
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_reconciliation_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_to_decide": 1}
        action["display_name"] = _("Lines of %s", self.display_name)
        return action

    # ------------------------------------------------------------------ decisions
    def _decidable(self, lines):
        """The open differences among ``lines`` (of this run); UserError when none."""
        self.ensure_one()
        if self.state != "to_review":
            raise UserError(
                _(
                    "Run %(run)s is %(state)s: only a run to review takes decisions.",
                    run=self.display_name,
                    state=dict(STATES)[self.state].lower(),
                )
            )
        lines = lines.sudo().filtered(lambda line: line.run_id == self and line.decision == "open")
        if not lines:
            raise UserError(_("No difference left to decide among these lines."))
        return lines

    def _check_latest(self, lines):
        """Refuse lines whose key a newer statement of the same scope has compared since: its
        figures are the newer truth, and correcting from older ones would undo them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT line.key, newer.name
                  FROM integration_reconciliation_line line
                  JOIN integration_reconciliation_run newer
                    ON newer.endpoint_id = %(endpoint)s AND newer.entity = %(entity)s
                   AND newer.scope = %(scope)s AND newer.as_of > %(as_of)s
                   AND newer.state IN %(compared)s
                  JOIN integration_reconciliation_line other
                    ON other.run_id = newer.id AND other.key = line.key
                 WHERE line.id = ANY(%(ids)s)
                 LIMIT 1
                """,
                endpoint=self.endpoint_id.id,
                entity=self.entity,
                scope=self.scope,
                as_of=self.as_of,
                compared=COMPARED,
                ids=lines.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            raise UserError(
                _(
                    "Statement %(newer)s, newer than this one, compared %(key)s again: decide "
                    "its differences there; nothing was changed.",
                    newer=row[1],
                    key=row[0],
                )
            )

    def _approve_lines(self, lines):
        """Apply the reconciler's corrections for the open differences among ``lines`` and
        record who approved them, when, and the records each correction made."""
        access.require_manager(self.env, _("approve reconciliation corrections"))
        lines = self._decidable(lines)
        self._check_latest(lines)
        reconciler = self._reconciler().sudo()
        Line = self.env["integration.reconciliation.line"].sudo()
        for ids in split_every(DECISION_BATCH, lines.ids):
            batch = Line.browse(ids)
            made = reconciler._apply_corrections(self.sudo(), batch) or {}
            self._record_decisions(batch, "applied", made=made)
        self._after_decisions(lines, _("approved and applied"))
        return lines

    def _ignore_lines(self, lines, reason):
        """Leave Odoo as it is for the open differences among ``lines``, with a reason."""
        access.require_manager(self.env, _("ignore reconciliation differences"))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why these differences can be ignored."))
        lines = self._decidable(lines)
        self._record_decisions(lines, "ignored", reason=reason)
        self._after_decisions(lines, _("ignored (%s)", reason))
        return lines

    def _record_decisions(self, lines, decision, made=None, reason=None):
        """Write a decision on ``lines`` in one statement, with each line's correction."""
        # Keyed by line id (or by line: the reconciler may group its records by line).
        made = {getattr(key, "id", key): records for key, records in (made or {}).items()}
        models_, ids_ = [], []
        for line_id in lines.ids:
            records = made.get(line_id)
            has_records = isinstance(records, models.BaseModel) and records
            models_.append(records._name if has_records else None)
            ids_.append(",".join(map(str, records.ids)) if has_records else None)
        lines.flush_recordset()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_reconciliation_line line
                   SET decision = %(decision)s, decided_by_id = %(uid)s, decided_at = %(now)s,
                       ignore_reason = %(reason)s, correction_model = t.model,
                       correction_ids = t.ids, write_uid = %(uid)s, write_date = %(now)s
                  FROM unnest(%(lines)s::int[], %(models)s::varchar[], %(rids)s::varchar[])
                       AS t(id, model, ids)
                 WHERE line.id = t.id
                """,
                decision=decision,
                uid=self.env.uid,
                now=now,
                reason=reason,
                lines=lines.ids,
                models=models_,
                rids=ids_,
            )
        )
        lines.invalidate_recordset()

    def _after_decisions(self, lines, what):
        self._refresh_figures()
        # As the deciding manager: the cards say who closed them.
        lines.exception_id.with_env(self.env)._refresh_reconciliation_card()
        self.sudo().message_post(
            body=_(
                "%(lines)s %(what)s by %(user)s.",
                lines=plural(len(lines), _("difference"), _("differences")),
                what=what,
                user=self.env.user.name,
            )
        )

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_expire_statements(self):
        """Runs still waiting for chunks past their deadline become incomplete, each with an
        exception card saying which chunks never arrived."""
        expired = self.search(
            [("state", "=", "receiving"), ("chunk_deadline", "<", fields.Datetime.now())]
        )
        for run in expired:
            run.state = "incomplete"
            self.env["integration.reconciliation.cards"]._file_incomplete(run)
        return len(expired)

    @api.model
    def _cron_request_statements(self):
        """Ask the reconciler of each flow whose reconciliation is due for a new statement.
        One flow failing is noted on it and does not stop the others."""
        now = fields.Datetime.now()
        flows = self.env["integration.flow"].search(
            [
                ("state", "=", "active"),
                ("reconciler", "!=", False),
                ("reconcile_interval_hours", ">", 0),
            ]
        )
        asked = 0
        for flow in flows:
            last = flow.reconcile_requested_at
            if last and last + timedelta(hours=flow.reconcile_interval_hours) > now:
                continue
            try:
                with self.env.cr.savepoint():
                    flow._request_statement()
                asked += 1
            except UserError as error:
                _logger.warning("Reconciliation of flow %s not requested: %s", flow.code, error)
                flow.message_post(body=_("Reconciliation statement not requested: %s", error))
                flow.reconcile_requested_at = now
        return asked
