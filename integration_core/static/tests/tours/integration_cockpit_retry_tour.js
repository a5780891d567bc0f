/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("integration_cockpit_retry", {
    steps: () => [
        {
            content: "The card being worked on is In progress",
            trigger: '.o_kanban_group:contains("In progress") .o_kanban_record:contains("RETRY_SYS")',
        },
        {
            content: "Retry it from the card",
            trigger: '.o_kanban_record:contains("RETRY_SYS") button[name="action_retry"]',
            run: "click",
        },
        {
            content: "The person is told the messages failed again, and why",
            trigger: '.o_notification:contains("Retried 2 messages"):contains("2 failed again"):contains("needs a name")',
        },
        {
            content: "The card is back in New",
            trigger: '.o_kanban_group:contains("New") .o_kanban_record:contains("RETRY_SYS")',
        },
        {
            content: "Its count uses the plural",
            trigger: '.o_kanban_record:contains("RETRY_SYS") .o_exception_card_count:contains("2 messages, 2 still failing")',
        },
    ],
});
