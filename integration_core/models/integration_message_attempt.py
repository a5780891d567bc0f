"""Immutable log of every try at a message: when, how long, and what happened."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

OUTCOMES = [
    ("done", "Done"),
    ("retry", "Failed, will retry"),
    ("failed", "Failed, given up"),
    ("deferred", "Deferred (circuit open)"),
    ("waiting", "Waiting for a reference"),
]


class IntegrationMessageAttempt(models.Model):
    _name = "integration.message.attempt"
    _description = "Integration Message Attempt"
    _order = "id desc"
    _log_access = False

    message_id = fields.Many2one(
        "integration.message", required=True, readonly=True, index=True, ondelete="cascade"
    )
    flow_id = fields.Many2one("integration.flow", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    number = fields.Integer(string="Attempt", readonly=True)
    started_at = fields.Datetime(string="Started", readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    outcome = fields.Selection(OUTCOMES, required=True, readonly=True)
    status_code = fields.Integer(string="HTTP status", readonly=True)
    error = fields.Text(readonly=True)
    worker = fields.Char(readonly=True)

    @api.model
    def _log(self, rows):
        """Insert attempt rows in one statement (the queue's hot path bypasses the ORM)."""
        if not rows:
            return
        columns = (
            "message_id",
            "flow_id",
            "company_id",
            "number",
            "started_at",
            "duration_ms",
            "outcome",
            "status_code",
            "error",
            "worker",
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO integration_message_attempt (%s) SELECT * FROM unnest(%s::int[],"
                " %s::int[], %s::int[], %s::int[], %s::timestamp[], %s::int[], %s::varchar[],"
                " %s::int[], %s::text[], %s::varchar[])",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                *([row.get(c) for row in rows] for c in columns),
            )
        )

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(_("The attempt log is a record of what happened: nobody edits it."))

    def unlink(self):
        self.check_access("unlink")
        if not self.env.context.get("integration_retention"):
            raise UserError(_("The attempt log is a record of what happened: nobody deletes it."))
        return super().unlink()
