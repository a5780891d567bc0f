/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("integration_cockpit_replay", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Integration app: it starts on the overview",
            trigger: '.o_app[data-menu-xmlid="integration_core.menu_integration_root"]',
            run: "click",
        },
        {
            content: "The overview counts the open exception",
            trigger: ".o_integration_dashboard .o_tile_exceptions .o_tile_value:contains(1)",
        },
        {
            content: "Go to the Exceptions kanban",
            trigger: '.o_main_navbar a[data-menu-xmlid="integration_core.menu_integration_exception"]',
            run: "click",
        },
        {
            content: "The four stages are columns",
            trigger: '.o_kanban_group:contains("Ignored")',
        },
        {
            content: "Open the card of the rejected message",
            trigger: '.o_kanban_group:contains("New") .o_kanban_record:contains("TOUR_SYS/partner.upsert")',
            run: "click",
        },
        {
            content: "The form explains the problem in plain words",
            trigger: '.o_form_view .alert-info:contains("What to do")',
        },
        {
            content: "Edit the payload of the failed message",
            trigger: ".o_field_widget[name=integration_message_ids] .o_data_row .fa-pencil",
            run: "click",
        },
        {
            content: "Correct the payload: the contact gets its name",
            trigger: ".modal .o_field_widget[name=payload] textarea",
            run: 'edit {"ref": "TOUR-1", "name": "Tour Robotics"}',
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Name taken from the plant's customer list",
        },
        {
            content: "Replay",
            trigger: ".modal button[name=action_replay]",
            run: "click",
        },
        {
            content: "The card is resolved",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Resolved")',
        },
        {
            content: "The edit is on record",
            trigger: '.o_form_view .o_notebook a:contains("Payload edits")',
        },
        {
            content: "Open the monitoring",
            trigger: '.o_main_navbar button:contains("Monitoring")',
            run: "click",
        },
        {
            trigger: '.dropdown-item:contains("Endpoint health")',
            run: "click",
        },
        {
            content: "The endpoint's health card shows its failure rate",
            trigger: '.o_kanban_record:contains("TOUR_SYS"):contains("Failure rate")',
        },
        {
            content: "Failures by category is a graph",
            trigger: '.o_main_navbar button:contains("Monitoring")',
            run: "click",
        },
        {
            trigger: '.dropdown-item:contains("Failures by category")',
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer",
        },
    ],
});
