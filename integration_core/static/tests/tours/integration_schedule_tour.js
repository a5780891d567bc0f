/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("integration_freeze_lift", {
    steps: () => [
        {
            content: "A manager freezes the flow from its form",
            trigger: '.o_form_view button[name="action_freeze"]',
            run: "click",
        },
        {
            content: "Says why",
            trigger: '.modal .o_field_widget[name="name"] input',
            run: "edit Stock count weekend",
        },
        {
            content: "Saves the freeze",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The flow says it is frozen, by whom and why",
            trigger: '.o_form_view .o_integration_hold:contains("Frozen by"):contains("Stock count weekend")',
        },
        {
            content: "Lifts the freeze",
            trigger: '.o_form_view button[name="action_lift_freeze"]',
            run: "click",
        },
        {
            content: "Confirms",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The flow can be frozen again: it is processed",
            trigger: '.o_form_view button[name="action_freeze"]',
        },
    ],
});

registry.category("web_tour.tours").add("integration_extend_sunset", {
    steps: () => [
        {
            content: "The flow says it reached its sunset date",
            trigger: '.o_form_view .o_integration_sunset:contains("reached its sunset date")',
        },
        {
            content: "A manager extends it",
            trigger: '.o_form_view button[name="action_extend_sunset"]',
            run: "click",
        },
        {
            content: "Gives the new date",
            trigger: '.modal .o_field_widget[name="new_date"] input',
            run: "edit 01/15/2031",
        },
        {
            content: "And why",
            trigger: '.modal .o_field_widget[name="reason"] textarea',
            run: "edit The new MES goes live later",
        },
        {
            content: "Saves",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The flow no longer says it ended",
            trigger: '.o_form_view:not(:has(.o_integration_sunset)) .o_notebook a[name="lifecycle"]',
            run: "click",
        },
        {
            content: "Its lifecycle shows the new date and the extension",
            trigger: '.o_form_view .o_field_widget[name="sunset_date"]:contains("01/15/2031")',
        },
        {
            content: "with its reason",
            trigger: '.o_form_view .o_field_widget[name="sunset_extension_ids"]:contains("The new MES goes live later")',
        },
    ],
});
