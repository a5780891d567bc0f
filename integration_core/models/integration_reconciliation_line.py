"""One key of a reconciliation run: the external figure, Odoo's, and what was decided."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import access

STATUSES = [
    ("matched", "Matched"),
    ("missing_odoo", "Missing in Odoo"),
    ("missing_external", "Missing in the other system"),
    ("different", "Different"),
]
DECISIONS = [("open", "To decide"), ("applied", "Correction applied"), ("ignored", "Ignored")]
QUANTITY_DIGITS = (16, 4)


class IntegrationReconciliationLine(models.Model):
    """Lines are written in bulk by the comparison (SQL) and changed only by a manager's
    decision; nobody edits them. A connector adds the fields its rows fill (product,
    location...) and names them in its reconciler's ``_line_dimensions``."""

    _name = "integration.reconciliation.line"
    _description = "Integration Reconciliation Line"
    _order = "run_id desc, id"
    _rec_name = "key"

    run_id = fields.Many2one(
        "integration.reconciliation.run",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    key = fields.Char(required=True, readonly=True, help="What is compared, as both sides name it.")
    name = fields.Char(string="Item", readonly=True, help="What the line is about, in words.")
    status = fields.Selection(STATUSES, readonly=True)
    cause = fields.Char(readonly=True, help="The reconciler's name for the difference's cause.")
    external_quantity = fields.Float(string="Their quantity", digits=QUANTITY_DIGITS, readonly=True)
    odoo_quantity = fields.Float(string="Odoo quantity", digits=QUANTITY_DIGITS, readonly=True)
    difference_quantity = fields.Float(
        string="Difference (theirs - Odoo)",
        digits=QUANTITY_DIGITS,
        readonly=True,
        help="Their quantity minus Odoo's: positive when they have more.",
    )
    unit_value = fields.Monetary(string="Unit value", readonly=True)
    external_value = fields.Monetary(string="Their value", readonly=True)
    odoo_value = fields.Monetary(string="Odoo value", readonly=True)
    difference_value = fields.Monetary(string="Value difference", readonly=True)
    decision = fields.Selection(DECISIONS, readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(string="Decided on", readonly=True)
    ignore_reason = fields.Text(string="Ignored because", readonly=True)
    correction_model = fields.Char(readonly=True)
    correction_ids = fields.Char(
        string="Correction record IDs", readonly=True, help="Records the correction made."
    )
    correction_links = fields.Html(
        compute="_compute_correction_links",
        string="Correction",
        sanitize=False,
        help="The Odoo records the approved correction made.",
    )
    exception_id = fields.Many2one(
        "integration.exception", string="Exception card", readonly=True, index="btree_not_null"
    )

    _sql_constraints = [
        ("key_unique", "unique(run_id, key)", "A key appears once per reconciliation run."),
    ]

    @api.depends("name", "key")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.name or line.key

    def _compute_correction_links(self):
        for line in self:
            records = line._correction_records()
            records = records.exists()._filtered_access("read") if records is not None else None
            line.correction_links = (
                Markup(", ").join(
                    Markup('<a href="/odoo/%s/%s">%s</a>')
                    % (record._name, record.id, record.display_name)
                    for record in records
                )
                if records
                else False
            )

    def _correction_records(self):
        self.ensure_one()
        if not (self.correction_model and self.correction_ids) or (
            self.correction_model not in self.env
        ):
            return None
        return self.env[self.correction_model].browse(
            int(i) for i in self.correction_ids.split(",")
        )

    def action_open_decision(self):
        """The approve-or-ignore wizard for the selected lines (one run)."""
        access.require_manager(self.env, _("approve or ignore reconciliation differences"))
        self.check_access("read")
        if len(self.run_id) != 1:
            raise UserError(_("Select the differences of one reconciliation run."))
        return self.run_id._decision_action(lines=self)
