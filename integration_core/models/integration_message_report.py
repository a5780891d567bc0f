"""Read-only analysis of the queue: throughput, latency, failures and backlog age per flow."""

from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .integration_message import STATES


class IntegrationMessageReport(models.Model):
    _name = "integration.message.report"
    _description = "Integration Message Analysis"
    _auto = False
    _order = "received_at desc"
    _rec_name = "flow_id"

    flow_id = fields.Many2one("integration.flow", readonly=True)
    endpoint_id = fields.Many2one("integration.endpoint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    direction = fields.Selection([("inbound", "Inbound"), ("outbound", "Outbound")], readonly=True)
    state = fields.Selection(STATES, readonly=True)
    category = fields.Selection(
        selection="_selection_category", string="Failure category", readonly=True
    )
    received_at = fields.Datetime(string="Received", readonly=True)
    done_at = fields.Datetime(string="Done", readonly=True)
    attempts = fields.Integer(readonly=True, aggregator="sum")
    latency_seconds = fields.Float(
        string="Latency (s)", readonly=True, aggregator="avg", help="From receipt to done."
    )
    backlog_age_minutes = fields.Float(
        string="Backlog age (min)",
        readonly=True,
        aggregator="max",
        help="How long an unfinished message has been waiting so far.",
    )
    failed = fields.Integer(readonly=True, aggregator="sum")

    @api.model
    def _selection_category(self):
        """The exception categories, including those connector addons add."""
        return self.env["integration.exception"]._fields["category"].selection

    def init(self):
        # This report looks at recent tries only (recent done messages: see the message's
        # own ``init``).
        create_index(
            self.env.cr,
            "integration_message_attempt_started_idx",
            "integration_message_attempt",
            ["started_at"],
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                SELECT m.id, m.flow_id, m.endpoint_id, m.company_id, m.direction, m.state,
                       e.category, m.create_date AS received_at, m.done_at, m.attempts,
                       EXTRACT(EPOCH FROM m.done_at - m.create_date) AS latency_seconds,
                       CASE WHEN m.state IN ('pending', 'processing', 'waiting')
                            THEN EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - m.create_date)
                                 / 60.0 END AS backlog_age_minutes,
                       (m.state = 'failed')::int AS failed
                  FROM integration_message m
                  LEFT JOIN integration_exception e ON e.id = m.exception_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
