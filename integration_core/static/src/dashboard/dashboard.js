/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";

const UNFINISHED = ["pending", "processing", "waiting"];
const OPEN_EXCEPTION = ["new", "in_progress"];

/** "1 message" / "3 messages": the count with the right form of its noun. */
export function countLabel(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
}

const RUN_BADGES = { to_review: "warning", done: "success", incomplete: "danger", receiving: "info" };

/** The colour of a matched rate: all but a trace matched, most matched, or too little. */
export function rateColour(rate) {
    return rate >= 99 ? "success" : rate >= 90 ? "warning" : "danger";
}

/** A short, human age from minutes: "12 min", "5 h", "3 d". */
export function ageLabel(minutes) {
    if (minutes === null || minutes === undefined) {
        return "";
    }
    if (minutes < 60) {
        return _t("%s min", Math.floor(minutes));
    }
    if (minutes < 1440) {
        return _t("%s h", Math.floor(minutes / 60));
    }
    return _t("%s d", Math.floor(minutes / 1440));
}

export class IntegrationDashboard extends Component {
    static template = "integration_core.Dashboard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        this.countLabel = countLabel;
        this.ageLabel = ageLabel;
        this.dateTimeLabel = (value) => formatDateTime(deserializeDateTime(value));
        this.rateColour = rateColour;
        this.runBadge = (state) => RUN_BADGES[state] || "light";
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("integration.dashboard", "get_overview", []);
    }

    get data() {
        return this.state.data;
    }

    get totals() {
        const endpoints = this.data.plants.flatMap((plant) => plant.endpoints);
        const sum = (key) => endpoints.reduce((total, row) => total + row[key], 0);
        return {
            inbound: sum("inbound"),
            outbound: sum("outbound"),
            failed: sum("failed"),
            failedNow: sum("failed_now"),
            backlog: sum("backlog"),
            overSla: sum("over_sla"),
        };
    }

    // ------------------------------------------------------------------ graphs
    get throughputBars() {
        const rows = this.data.throughput;
        const peak = Math.max(1, ...rows.map((row) => row.inbound + row.outbound));
        const width = 100 / rows.length;
        return rows.map((row, index) => {
            const hour = deserializeDateTime(row.hour);
            const scale = (value) => (80 * value) / peak;
            return {
                ...row,
                x: index * width,
                width: width * 0.8,
                inboundHeight: scale(row.inbound),
                outboundHeight: scale(row.outbound),
                failedHeight: scale(row.failed),
                label: hour.toFormat("HH:mm"),
                showLabel: index % 3 === 0,
                title: _t(
                    "%(hour)s: %(inbound)s in, %(outbound)s out, %(failed)s failed",
                    {
                        hour: formatDateTime(hour),
                        inbound: row.inbound,
                        outbound: row.outbound,
                        failed: row.failed,
                    }
                ),
            };
        });
    }

    get throughputPeak() {
        return Math.max(0, ...this.data.throughput.map((row) => row.inbound + row.outbound));
    }

    get latencyRows() {
        const peak = Math.max(0.001, ...this.data.latency.map((row) => row.p99));
        const share = (value) => Math.max(1, (100 * value) / peak);
        return this.data.latency.map((row) => ({
            ...row,
            p50Width: share(row.p50),
            p95Width: share(row.p95),
            p99Width: share(row.p99),
        }));
    }

    // ------------------------------------------------------------------ opening lists
    openList(model, domain, name, views = ["list", "form"], context = {}) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: model,
            domain,
            context,
            views: views.map((view) => [false, view]),
        });
    }

    openMessages(endpointId, extra, name) {
        const domain = endpointId ? [["endpoint_id", "=", endpointId], ...extra] : extra;
        this.openList("integration.message", domain, name);
    }

    openTraffic(endpointId, direction) {
        const extra = [["create_date", ">=", this.data.since]];
        if (direction) {
            extra.push(["direction", "=", direction]);
        }
        const name = direction === "inbound" ? _t("Received, last 24 h") : _t("Sent, last 24 h");
        this.openMessages(endpointId, extra, name);
    }

    openFailures24h(endpointId) {
        this.openMessages(
            endpointId,
            [["create_date", ">=", this.data.since], ["state", "=", "failed"]],
            _t("Failed, last 24 h")
        );
    }

    openFailedNow(endpointId) {
        this.openMessages(endpointId, [["state", "=", "failed"]], _t("Failed messages"));
    }

    openBacklog(endpointId) {
        this.openMessages(endpointId, [["state", "in", UNFINISHED]], _t("Backlog"));
    }

    openExceptions(extra = [], name = _t("Open exceptions")) {
        this.openList(
            "integration.exception",
            [["state", "in", OPEN_EXCEPTION], ...extra],
            name,
            ["kanban", "list", "form"]
        );
    }

    openEndpoint(endpointId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "integration.endpoint",
            res_id: endpointId,
            views: [[false, "form"]],
        });
    }

    openFreeze(freezeId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "integration.freeze",
            res_id: freezeId,
            views: [[false, "form"]],
        });
    }

    openFlows(ids, name) {
        this.openList("integration.flow", [["id", "in", ids]], name);
    }

    openRuns(domain, name) {
        this.openList("integration.reconciliation.run", domain, name);
    }

    openRun(runId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "integration.reconciliation.run",
            res_id: runId,
            views: [[false, "form"]],
        });
    }

    openCircuits() {
        this.openList(
            "integration.endpoint",
            [["circuit_state", "!=", "closed"]],
            _t("Open circuits")
        );
    }
}

registry.category("actions").add("integration_core.dashboard", IntegrationDashboard);
