/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("integration_core_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Integration app",
            trigger: '.o_app[data-menu-xmlid="integration_core.menu_integration_root"]',
            run: "click",
        },
        {
            content: "The app's menu bar shows its name",
            trigger: '.o_menu_brand:contains("Integration")',
        },
        {
            content: "Open the endpoints",
            trigger: '.o_main_navbar button:contains("Configuration")',
            run: "click",
        },
        {
            trigger: '.dropdown-item:contains("Endpoints")',
            run: "click",
        },
        {
            content: "The demo-free endpoint list shows the endpoint created by the test",
            trigger: '.o_list_view .o_data_cell:contains("TOUR_EP")',
        },
    ],
});
