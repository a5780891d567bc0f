"""The Integration app's landing page: what needs attention, per plant and endpoint."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.sql import create_index

from ..tools import access, dashboard_stats

WINDOW_HOURS = 24
# Temporary coexistence flows whose sunset is this close (or past) are listed.
SUNSET_WARNING_DAYS = 30
OPEN_STATES = ("new", "in_progress")
# The overview lists the latest run of this many endpoint, entity and scope combinations,
# found among this many recent runs.
RECONCILIATION_ROWS = 8
RECONCILIATION_SCAN = 200


class IntegrationDashboard(models.AbstractModel):
    _name = "integration.dashboard"
    _description = "Integration Overview Dashboard"

    def init(self):
        # Traffic of the last hours reads messages by creation time; a BRIN index fits the
        # append-only table and costs next to nothing on insert.
        create_index(
            self.env.cr,
            "integration_message_create_date_brin",
            "integration_message",
            ["create_date"],
            method="brin",
        )

    @api.model
    def get_overview(self):
        """Everything the overview shows, as plain values, limited to what the caller reads."""
        access.require_integration_user(self.env, _("see the integration overview"))
        now = fields.Datetime.now()
        since = now - timedelta(hours=WINDOW_HOURS)
        endpoints = self.env["integration.endpoint"].search([])
        return {
            "since": fields.Datetime.to_string(since),
            "window_hours": WINDOW_HOURS,
            "plants": self._plants(endpoints),
            "exceptions": self._exceptions(),
            "circuits": self._circuits(endpoints),
            "freezes": self._freezes(),
            "paused_flows": self._flow_rows(self._paused_flows()),
            "sunset_flows": self._flow_rows(self._sunset_flows(now), sunset=True),
            "throughput": self._throughput(endpoints, since),
            "latency": self._latency(endpoints),
            "reconciliation": self._reconciliation(),
        }

    # ------------------------------------------------------------------ per plant
    def _plants(self, endpoints):
        ids = endpoints.ids
        traffic = dashboard_stats.traffic(self.env, ids, WINDOW_HOURS)
        backlog = dashboard_stats.backlog(self.env, ids)
        open_cards = dict(
            self.env["integration.exception"]._read_group(
                [("state", "in", OPEN_STATES), ("endpoint_id", "in", ids)],
                ["endpoint_id"],
                ["__count"],
            )
        )
        frozen = endpoints._freezes_in_effect()
        plants = {}
        for endpoint in endpoints:
            plant = plants.setdefault(
                endpoint.company_id.id,
                {"id": endpoint.company_id.id, "name": endpoint.company_id.name, "endpoints": []},
            )
            plant["endpoints"].append(
                self._endpoint_row(
                    endpoint,
                    traffic.get(endpoint.id, {"inbound": 0, "outbound": 0, "failed": 0}),
                    backlog.get(endpoint.id, {}),
                    open_cards.get(endpoint, 0),
                    frozen=endpoint.id in frozen,
                )
            )
        return sorted(plants.values(), key=lambda plant: plant["name"])

    @api.model
    def _endpoint_row(self, endpoint, traffic, backlog, open_exceptions, frozen=False):
        failed_now = backlog.get("failed", 0)
        over_sla = backlog.get("over_sla", 0)
        if endpoint.circuit_state == "open":
            status, label = "danger", _("Down: circuit open")
        elif frozen:
            status, label = "info", _("Frozen")
        elif failed_now or over_sla or open_exceptions:
            status, label = "warning", _("Needs attention")
        elif not (traffic["inbound"] or traffic["outbound"] or backlog.get("count")):
            status, label = "muted", _("No traffic")
        else:
            status, label = "success", _("Healthy")
        return {
            "id": endpoint.id,
            "code": endpoint.code,
            "name": endpoint.name,
            "status": status,
            "status_label": label,
            "circuit_state": endpoint.circuit_state,
            **traffic,
            "failed_now": failed_now,
            "backlog": backlog.get("count", 0),
            "oldest_minutes": backlog.get("oldest_minutes"),
            "over_sla": over_sla,
            "held": backlog.get("held", 0),
            "open_exceptions": open_exceptions,
        }

    # ------------------------------------------------------------------ exceptions
    def _exceptions(self):
        groups = self.env["integration.exception"]._read_group(
            [("state", "in", OPEN_STATES)], ["category", "severity"], ["__count"]
        )
        categories = dict(
            self.env["integration.exception"]._fields["category"]._description_selection(self.env)
        )
        severities = ["high", "medium", "low"]
        rows = {}
        for category, severity, count in groups:
            row = rows.setdefault(
                category,
                {"category": category, "label": categories.get(category, category), "total": 0}
                | dict.fromkeys(severities, 0),
            )
            row[severity or "medium"] += count
            row["total"] += count
        ordered = sorted(rows.values(), key=lambda row: (-row["high"], -row["total"]))
        return {
            "total": sum(row["total"] for row in ordered),
            "high": sum(row["high"] for row in ordered),
            "by_category": ordered,
        }

    # ------------------------------------------------------------------ flows and circuits
    def _circuits(self, endpoints):
        return [
            {
                "id": endpoint.id,
                "code": endpoint.code,
                "state": endpoint.circuit_state,
                "label": dict(endpoint._fields["circuit_state"].selection)[endpoint.circuit_state],
                "opened_at": fields.Datetime.to_string(endpoint.circuit_opened_at),
            }
            for endpoint in endpoints
            if endpoint.circuit_state != "closed"
        ]

    def _freezes(self):
        """Freezes in force or planned, as the caller may read them (its companies)."""
        freezes = self.env["integration.freeze"].search([("state", "=", "active")])
        return [
            {
                "id": freeze.id,
                "target": freeze.target,
                "endpoint_id": freeze.endpoint_id.id or freeze.flow_id.endpoint_id.id,
                "reason": freeze.name,
                "set_by": freeze.user_id.name,
                "since": fields.Datetime.to_string(freeze.date_start),
                "until": fields.Datetime.to_string(freeze.date_end),
                "in_effect": freeze.in_effect,
            }
            for freeze in freezes.sorted("date_start")
        ]

    def _paused_flows(self):
        return self.env["integration.flow"].search(
            [("paused", "=", True), ("state", "!=", "retired")]
        )

    def _sunset_flows(self, now):
        horizon = fields.Date.to_date(now) + timedelta(days=SUNSET_WARNING_DAYS)
        return self.env["integration.flow"].search(
            [
                ("lifecycle", "=", "temporary"),
                ("state", "!=", "retired"),
                ("sunset_date", "!=", False),
                ("sunset_date", "<=", horizon),
            ],
            order="sunset_date",
        )

    @api.model
    def _flow_rows(self, flows, sunset=False):
        today = fields.Date.context_today(self)
        rows = []
        for flow in flows:
            row = {"id": flow.id, "code": flow.code, "endpoint": flow.endpoint_id.code}
            if sunset:
                row["sunset_date"] = fields.Date.to_string(flow.sunset_date)
                row["days_left"] = (flow.sunset_date - today).days
            rows.append(row)
        return rows

    # ------------------------------------------------------------------ reconciliation
    def _reconciliation(self):
        """Runs to review and the latest run of each endpoint, entity and scope."""
        Run = self.env["integration.reconciliation.run"]
        to_review = Run._read_group(
            [("state", "=", "to_review")], [], ["__count", "open_count:sum"]
        )
        runs, open_differences = to_review[0]
        states = dict(Run._fields["state"]._description_selection(self.env))
        latest = {}
        for run in Run.search([], order="as_of desc, id desc", limit=RECONCILIATION_SCAN):
            key = (run.endpoint_id, run.entity, run.scope)
            if key not in latest and len(latest) < RECONCILIATION_ROWS:
                latest[key] = {
                    "id": run.id,
                    "endpoint": run.endpoint_id.code,
                    "statement": run.name,
                    "scope": run.scope,
                    "as_of": fields.Datetime.to_string(run.as_of),
                    "matched_rate": run.matched_rate,
                    "open_count": run.open_count,
                    "state": run.state,
                    "state_label": states[run.state],
                }
        return {
            "runs_to_review": runs,
            "open_differences": open_differences or 0,
            "incomplete": Run.search_count([("state", "=", "incomplete")]),
            "latest": list(latest.values()),
        }

    # ------------------------------------------------------------------ graphs
    def _throughput(self, endpoints, since):
        """One row per hour of the window, hours without traffic included (zeros)."""
        counts = {
            hour: (inbound, outbound, failed)
            for hour, inbound, outbound, failed in dashboard_stats.throughput_per_hour(
                self.env, endpoints.ids, WINDOW_HOURS
            )
        }
        first = since.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        rows = []
        for step in range(WINDOW_HOURS):
            hour = first + timedelta(hours=step)
            inbound, outbound, failed = counts.get(hour, (0, 0, 0))
            rows.append(
                {
                    "hour": fields.Datetime.to_string(hour),
                    "inbound": inbound,
                    "outbound": outbound,
                    "failed": failed,
                }
            )
        return rows

    def _latency(self, endpoints):
        figures = dashboard_stats.latency_percentiles(self.env, endpoints.ids, WINDOW_HOURS)
        return [
            {
                "id": endpoint.id,
                "code": endpoint.code,
                "count": figures[endpoint.id][0],
                "p50": round(figures[endpoint.id][1], 2),
                "p95": round(figures[endpoint.id][2], 2),
                "p99": round(figures[endpoint.id][3], 2),
            }
            for endpoint in endpoints
            if endpoint.id in figures
        ]
