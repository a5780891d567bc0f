import json

from lxml import etree

from odoo.tests import HttpCase, tagged

from .cockpit_data import make_cockpit_data
from .common import make_integration_users, with_encryption_key

# Opens one action after the other through the web client's action service, in every view the
# action offers, and fails on the first client error (console errors fail browser_js too).
OPEN_EVERY_ACTION = """
(async () => {
    const [filters, actions] = %s;
    const env = odoo.__WOWL_DEBUG__.root.env;
    const { Domain } = odoo.loader.modules.get("@web/core/domain");
    const { evaluateExpr } = odoo.loader.modules.get("@web/core/py_js/py");
    const { user } = odoo.loader.modules.get("@web/core/user");
    const { getGroupBy } = odoo.loader.modules.get("@web/search/utils/group_by");
    for (const filter of filters) {
        try {
            if (filter.domain) {
                new Domain(filter.domain).toList(user.context);
            }
            if (filter.context) {
                const context = evaluateExpr(filter.context, user.context);
                [].concat(context.group_by || []).forEach((groupBy) => getGroupBy(groupBy));
            }
        } catch (error) {
            throw new Error(`filter ${filter.view}/${filter.name}: ${error.message}`);
        }
    }
    console.log(`evaluated ${filters.length} filters`);
    const waitFor = async (selector, what) => {
        for (let i = 0; i < 200; i++) {
            if (document.querySelector(".o_error_dialog")) {
                throw new Error(`${what}: ${document.querySelector(".o_error_dialog").innerText}`);
            }
            if (document.querySelector(selector)) {
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`${what}: ${selector} never appeared`);
    };
    for (const action of actions) {
        for (const view of action.views) {
            const what = `${action.menu} (${view})`;
            const options = { clearBreadcrumbs: true };
            if (view === "client") {
                await env.services.action.doAction(action.id, options);
                await waitFor(".o_action_manager .o_action", what);
                continue;
            }
            if (action.target === "new") {
                await env.services.action.doAction(action.id, options);
                await waitFor(".modal .o_form_view", what);
                await env.services.action.doAction({ type: "ir.actions.act_window_close" });
                continue;
            }
            options.viewType = view;
            if (view === "form") {
                options.props = { resId: action.first_id };
            }
            await env.services.action.doAction(action.id, options);
            await waitFor(`.o_action_manager .o_${view}_view`, what);
            console.log(`opened ${what}`);
        }
    }
    console.log("test successful");
})().catch((error) => console.error(error.message || error));
"""


@tagged("post_install", "-at_install")
class TestCockpitBrowser(HttpCase):
    """The cockpit's screens in Chromium, on demo-like data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.data = make_cockpit_data(cls.env)
        plants = cls.data["plants"]
        for user in (cls.users["user"], cls.users["manager"]):
            user.write({"company_ids": [(4, c.id) for c in plants], "company_id": plants[0].id})
        cls.cids = {"cids": "-".join(str(c.id) for c in plants)}

    def menu_actions(self):
        """Every action of the Integration menus: id, views, a record for its form."""
        root = self.env.ref("integration_core.menu_integration_root")
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", root.id), ("action", "!=", False)]
        )
        actions = []
        for menu in menus:
            action = menu.action
            row = {"id": action.id, "menu": menu.complete_name, "target": "current"}
            if action._name == "ir.actions.client":
                row["views"] = ["client"]
            else:
                row["target"] = action.target
                views = action.view_mode.split(",")
                record = (
                    self.env[action.res_model]
                    .with_user(self.users["manager"])
                    .with_context(allowed_company_ids=self.data["plants"].ids)
                    .search([], limit=1)
                )
                row["first_id"] = record.id
                row["views"] = [v for v in views if v != "form" or record or action.target == "new"]
            actions.append(row)
        return actions

    def search_filters(self):
        """Every filter of the suite's search views: its domain and context as written."""
        modules = ["integration_core", "integration_stock", "integration_mes", "integration_wms"]
        modules += ["integration_legacy_erp", "manufacturing_integration"]
        view_ids = (
            self.env["ir.model.data"]
            .search([("module", "in", modules), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        filters = []
        for view in self.env["ir.ui.view"].browse(view_ids).filtered(lambda v: v.type == "search"):
            for node in etree.fromstring(view.arch_db).iter("filter"):
                if node.get("domain") or node.get("context"):
                    filters.append(
                        {
                            "view": view.xml_id,
                            "name": node.get("name"),
                            "domain": node.get("domain"),
                            "context": node.get("context"),
                        }
                    )
        return filters

    def test_every_integration_menu_action_opens_without_a_client_error(self):
        """Every filter of every search view evaluates in the web client, and every action
        of the Integration menus opens in each of its views with its default filters."""
        filters = self.search_filters()
        self.assertIn("last_24h", {f["name"] for f in filters})
        manager = self.users["manager"]
        manager.write({"groups_id": [(4, self.env.ref("base.group_system").id)]})
        connector_groups = ("mrp.group_mrp_manager", "stock.group_stock_manager")
        connector_groups += ("sales_team.group_sale_salesman", "purchase.group_purchase_user")
        for connector_group in connector_groups:
            group = self.env.ref(connector_group, raise_if_not_found=False)
            if group:
                manager.write({"groups_id": [(4, group.id)]})
        actions = self.menu_actions()
        names = {row["menu"] for row in actions}
        self.assertIn("Integration/Monitoring/Throughput and latency", names)
        self.assertIn("Integration/Monitoring/Failures by category", names)
        self.assertIn("Integration/Overview", names)
        self.browser_js(
            "/odoo",
            OPEN_EVERY_ACTION % json.dumps([filters, actions]),
            ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
            login="int_manager",
            cookies=self.cids,
            timeout=300,
        )

    def contacts_flow(self, name, code):
        """An active inbound contacts flow on a new test endpoint of the first plant."""
        endpoint = self.env["integration.endpoint"].create(
            {
                "name": name,
                "code": code,
                "environment": "test",
                "company_id": self.data["plants"][0].id,
            }
        )
        return self.env["integration.flow"].create(
            {
                "name": "Contacts",
                "code": "partner.upsert",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.partner",
                "state": "active",
            }
        )

    def test_dashboard_with_data(self):
        self.start_tour(
            "/odoo", "integration_cockpit_dashboard", login="int_user", cookies=self.cids
        )

    def test_retry_feedback(self):
        flow = self.contacts_flow("Retry system", "RETRY_SYS")
        Message = self.env["integration.message"]
        messages = Message.enqueue(flow, {"ref": "RT-1"}) | Message.enqueue(flow, {"ref": "RT-2"})
        self.env["integration.queue.worker"]._process_now(messages)
        card = messages.exception_id
        card.with_user(self.users["user"]).action_assign_to_me()
        self.assertEqual(card.state, "in_progress")
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_cockpit_retry",
            login="int_user",
        )
        self.assertEqual(card.state, "new")
        self.assertEqual(set(messages.mapped("attempts")), {2})

    def test_resolved_card_look(self):
        flow = self.contacts_flow("Done system", "DONE_SYS")
        message = self.env["integration.message"].enqueue(flow, {"ref": "OK-1"})
        worker = self.env["integration.queue.worker"]
        worker._process_now(message)
        card = message.exception_id
        message.sudo().write({"payload": '{"ref": "OK-1", "name": "Fixed Ltd"}'})
        message.action_retry()
        worker._process_now(message)
        self.assertEqual((message.state, card.state), ("done", "resolved"))
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_cockpit_resolved_card",
            login="int_user",
        )
