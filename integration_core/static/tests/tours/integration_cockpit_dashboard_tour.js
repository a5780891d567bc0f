/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("integration_cockpit_dashboard", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Integration app: its first screen is the overview",
            trigger: '.o_app[data-menu-xmlid="integration_core.menu_integration_root"]',
            run: "click",
        },
        {
            content: "Two open exceptions, one of high severity",
            trigger: ".o_tile_exceptions:contains(2):contains(Open exceptions):contains(1 high severity)",
        },
        {
            content: "Plant 1: its MES received 3 messages in the last 24 hours, 1 failed",
            trigger: '.o_integration_panel:contains(Dash Plant 1) tr[data-endpoint="DASH_MES"] td:nth-child(3):contains(3)',
        },
        {
            trigger: '.o_integration_panel:contains(Dash Plant 1) tr[data-endpoint="DASH_MES"] td:nth-child(5):contains(1)',
        },
        {
            content: "A backlog over its SLA is flagged",
            trigger: 'tr[data-endpoint="DASH_MES"]:contains(over SLA)',
        },
        {
            content: "An endpoint with nothing going on says so",
            trigger: 'tr[data-endpoint="DASH_IDLE"]:contains(No traffic)',
        },
        {
            content: "The other plant has its own table",
            trigger: '.o_integration_panel:contains(Dash Plant 2) tr[data-endpoint="DASH_WMS"]:contains(Down: circuit open)',
        },
        {
            content: "Paused flows are listed as paused",
            trigger: ".o_integration_flows:contains(DASH_MES/machine.event):contains(paused)",
        },
        {
            content: "A temporary flow near its sunset is listed",
            trigger: ".o_integration_flows:contains(DASH_WMS/legacy.stock):contains(sunset in 10 days)",
        },
        {
            content: "Exceptions by category and severity",
            trigger: ".o_integration_exceptions tr:contains(Invalid message)",
        },
        {
            content: "The throughput graph has one column per hour of the last 24",
            trigger: ".o_integration_throughput .o_chart_hours span:nth-child(24):last-child",
        },
        {
            content: "Latency percentiles per endpoint",
            trigger: ".o_integration_latency .o_latency_row:contains(DASH_MES)",
        },
        {
            content: "The failures of the last 24 hours open as a list",
            trigger: 'tr[data-endpoint="DASH_MES"] td:nth-child(5) a',
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Plant 1 MES)",
        },
        {
            content: "Exactly the one failed message",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2)))",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Overview)",
            run: "click",
        },
        {
            content: "The exceptions tile opens the open exceptions",
            trigger: ".o_tile_exceptions",
            run: "click",
        },
        {
            trigger: ".o_kanban_view .o_kanban_record:contains(DASH_MES)",
        },
    ],
});
