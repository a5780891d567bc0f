/** @odoo-module **/

import { registry } from "@web/core/registry";

const card = '.o_kanban_group:contains("Resolved") .o_kanban_record:contains("DONE_SYS")';

registry.category("web_tour.tours").add("integration_cockpit_resolved_card", {
    steps: () => [
        {
            content: "A resolved card says when and how it closed",
            trigger: `${card} .o_exception_card_closed:contains("Resolved by itself")`,
        },
        {
            content: "No cause box, no running age, no Retry, singular count",
            trigger: `${card}:not(:has(.o_exception_card_cause)):not(:has(.o_exception_card_age)):not(:has(button[name="action_retry"])):contains("1 message")`,
        },
        {
            content: "The Resolved column's bar tells closed from open: all green",
            trigger: '.o_kanban_group:contains("Resolved") .o_column_progress .bg-success',
        },
        {
            trigger: '.o_kanban_group:contains("Resolved") .o_column_progress:not(:has(.bg-warning)):not(:has(.bg-danger))',
        },
        {
            content: "Open it",
            trigger: card,
            run: "click",
        },
        {
            content: "The form says how it closed",
            trigger: '.o_form_view .alert-success:contains("Resolved by itself")',
        },
        {
            content: "No red error box and no 'What to do' on a closed card",
            trigger: '.o_form_view:not(:has(.alert-danger)):not(:has(.alert-info:visible))',
        },
        {
            content: "There is no New button on exceptions",
            trigger: ".o_form_view .o_control_panel:not(:has(.o_form_button_create))",
        },
    ],
});
