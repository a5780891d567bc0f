/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("integration_core_mapping_preview", {
    steps: () => [
        {
            content: "The draft mapping is open: try it on a sample first",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_preview"]',
            run: "click",
        },
        {
            content: "Paste a payload from the plant",
            trigger: '.modal div[name="payload"] textarea',
            run: 'edit {"code": " C-77 ", "name": "  Nordic Castings ", "kind": "dlv"}',
        },
        {
            trigger: '.modal footer button[name="action_preview"]',
            run: "click",
        },
        {
            content: "The mapped values are shown",
            trigger: '.modal .o_mapping_preview_result:contains("delivery")',
        },
        {
            trigger: '.modal .o_mapping_preview_result:contains("Nordic Castings")',
        },
        {
            trigger: ".modal footer button.btn-secondary",
            run: "click",
        },
        {
            content: "Go to the flow",
            trigger: '.o_form_view .o_field_widget[name="flow_id"] a.o_form_uri',
            run: "click",
        },
        {
            content: "The flow's form is open",
            trigger: '.o_form_view .o_field_widget[name="handler"]',
        },
        {
            content: "Approve the flow and its mapping",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_approve"]',
            run: "click",
        },
        {
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_activate"]',
            run: "click",
        },
        {
            content: "The flow is active",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Active")',
        },
    ],
});
