"""One received part of a statement that arrives in several messages."""

from odoo import fields, models


class IntegrationReconciliationChunk(models.Model):
    """Which chunks of a run's statement arrived, and in which message: a chunk number is
    stored once, so a chunk delivered twice is applied once."""

    _name = "integration.reconciliation.chunk"
    _description = "Integration Reconciliation Statement Chunk"
    _order = "run_id, number"

    run_id = fields.Many2one(
        "integration.reconciliation.run", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    number = fields.Integer(string="Chunk", required=True, readonly=True)
    message_id = fields.Many2one("integration.message", readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)

    _sql_constraints = [
        ("number_unique", "unique(run_id, number)", "A chunk is received once per statement."),
    ]
