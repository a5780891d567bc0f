/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { session } from "@web/session";

const COLOURS = { development: "info", test: "warning", production: "danger" };

/**
 * The environment of this database (development, test, production) at the top of every
 * screen, from the session (ir.http.session_info). Managers open its setting by a click.
 */
export class EnvironmentTag extends Component {
    static template = "integration_core.EnvironmentTag";
    static props = {};

    setup() {
        this.action = useService("action");
        this.environment = session.integration_environment;
    }

    get colour() {
        return COLOURS[this.environment.tag] || "secondary";
    }

    onClick() {
        if (this.environment.can_change) {
            this.action.doAction("integration_core.integration_environment_tag_action");
        }
    }
}

export const environmentTagItem = {
    Component: EnvironmentTag,
    isDisplayed: () => Boolean(session.integration_environment),
};

registry.category("systray").add("integration_core.EnvironmentTag", environmentTagItem, {
    sequence: 100,
});
