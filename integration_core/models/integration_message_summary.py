"""What retention keeps of purged messages: per flow and day, how many and how they went.

Decision: purged messages leave one summary row per flow and day of completion
(messages, tries, failed tries, latency) rather than their attempt rows, whose number grows
with every message and would defeat the purge. Rows are added to by the purge, never edited
by people.
"""

from odoo import _, fields, models
from odoo.exceptions import UserError


class IntegrationMessageSummary(models.Model):
    _name = "integration.message.summary"
    _description = "Integration Daily Summary of Purged Messages"
    _order = "day desc, flow_id"
    _rec_name = "day"

    flow_id = fields.Many2one("integration.flow", required=True, readonly=True, index=True)
    endpoint_id = fields.Many2one("integration.endpoint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    day = fields.Date(required=True, readonly=True, help="Day the messages were done.")
    message_count = fields.Integer(string="Messages", readonly=True)
    attempt_count = fields.Integer(string="Tries", readonly=True)
    failed_attempt_count = fields.Integer(string="Failed tries", readonly=True)
    latency_total_seconds = fields.Float(
        string="Total latency (s)", readonly=True, aggregator="sum"
    )
    latency_max_seconds = fields.Float(string="Slowest (s)", readonly=True, aggregator="max")
    latency_avg_seconds = fields.Float(
        string="Average latency (s)", compute="_compute_latency_avg", aggregator="avg"
    )

    _sql_constraints = [
        ("flow_day_unique", "unique(flow_id, day)", "One summary per flow and day."),
    ]

    def _compute_latency_avg(self):
        for row in self:
            count = row.message_count
            row.latency_avg_seconds = row.latency_total_seconds / count if count else 0.0

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(_("Summaries of purged messages are kept as they were computed."))

    def unlink(self):  # pylint: disable=method-required-super
        self.check_access("unlink")
        raise UserError(_("Summaries of purged messages are kept as they were computed."))
