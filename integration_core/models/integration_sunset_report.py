"""Temporary flows by sunset date: days left and the traffic they still carry."""

from odoo import fields, models, tools
from odoo.tools import SQL

# Traffic counted over this many days (messages still in the queue: retention purges done
# messages after each flow's retention days).
TRAFFIC_DAYS = 30


class IntegrationSunsetReport(models.Model):
    _name = "integration.sunset.report"
    _description = "Integration Temporary Flows by Sunset"
    _auto = False
    _order = "sunset_date, flow_id"
    _rec_name = "flow_id"

    flow_id = fields.Many2one("integration.flow", readonly=True)
    endpoint_id = fields.Many2one("integration.endpoint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(related="flow_id.state")
    direction = fields.Selection(related="flow_id.direction")
    sunset_date = fields.Date(readonly=True)
    days_left = fields.Integer(
        string="Days left",
        readonly=True,
        aggregator="min",
        help="Days until the sunset date (negative: passed; empty: no date yet).",
    )
    messages_30d = fields.Integer(
        string="Messages (30 days)",
        readonly=True,
        aggregator="sum",
        help="Messages received or queued in the last 30 days.",
    )
    responsible_ids = fields.Many2many(related="flow_id.sunset_user_ids")
    responsible_group_id = fields.Many2one(related="flow_id.sunset_group_id")
    extension_count = fields.Integer(string="Extensions", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT f.id, f.id AS flow_id, f.endpoint_id, f.company_id, f.sunset_date,
                       f.sunset_date - (now() AT TIME ZONE 'UTC')::date AS days_left,
                       COALESCE(m.count, 0) AS messages_30d,
                       (SELECT count(*) FROM integration_sunset_extension x
                         WHERE x.flow_id = f.id) AS extension_count
                  FROM integration_flow f
                  LEFT JOIN (SELECT flow_id, count(*) AS count FROM integration_message
                              WHERE create_date >= (now() AT TIME ZONE 'UTC')
                                                   - make_interval(days => %(days)s)
                              GROUP BY flow_id) m ON m.flow_id = f.id
                 WHERE f.lifecycle = 'temporary'
                )
                """,
                view=SQL.identifier(self._table),
                days=TRAFFIC_DAYS,
            )
        )
