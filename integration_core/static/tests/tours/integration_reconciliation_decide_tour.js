/** @odoo-module **/

import { registry } from "@web/core/registry";

const differences = '.o_field_widget[name="difference_ids"]';

registry.category("web_tour.tours").add("integration_reconciliation_decide", {
    steps: () => [
        {
            content: "A line missing in Odoo is red",
            trigger: `${differences} .o_data_row.text-danger:contains(B9):contains(Missing in Odoo)`,
        },
        {
            content: "A line missing in the other system is orange",
            trigger: `${differences} .o_data_row.text-warning:contains(B3)`,
        },
        {
            content: "A line that differs is blue",
            trigger: `${differences} .o_data_row.text-info:contains(B2)`,
        },
        {
            content: "The run says what is left to decide",
            trigger: ".alert-warning:contains(difference(s) to decide)",
        },
        {
            content: "The manager approves the corrections",
            trigger: 'button[name="action_open_decision"]',
            run: "click",
        },
        {
            content: "The wizard says how many differences, and their value",
            trigger: '.modal .o_form_view .alert-info:contains(3):contains(difference(s) to decide)',
        },
        {
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The manager is told what was done",
            trigger: '.o_notification:contains("3 corrections applied")',
        },
        {
            content: "The run is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: "Each line keeps its decision and the record its correction made",
            trigger: `${differences} .o_data_row:contains(B2):contains(Correction applied) a[href*="integration.kit.example.adjustment"]`,
        },
    ],
});
