# ruff: noqa: F821 - run by ``odoo shell`` (``env`` given), after a line setting SETTINGS
"""The day's preparation in the demo database, run by ``demo_day.prepare`` in ``odoo shell``.

Works on the day's endpoint of each kind, ``SETTINGS["codes"]`` (the demo plant's or a rehearsed
package's, ``demo_rehearse.py``). Points the MES and WMS endpoints at their simulators (set to
environment *Test*) and issues each a new API key (only the hash is stored; the clear key is
printed for the simulator's environment), issues a key for the README's curl call, gives the
legacy ERP endpoint the drop folder its extracts are loaded from and sets the flat file format
the connector ships on each of its flows that reads one (open orders of both kinds through
``sale_order``), gives the WMS snapshot flow the connector's reconciler when it has none, and
lands admin on Integration after login.

When the day's endpoints are not the demo's (a rehearsed package with its own codes), the demo's
gearbox orders and Plant 2 transfers, released to the demo's endpoints when the demo data was
installed, are routed again (their unsent messages cancelled): the demo's routing rules to the
endpoints set aside are archived, and where the package's rules do not route them to the day's
endpoints, one rule per kind is added, reported as ``Rehearsal: ...``. The day's endpoints'
flows that are drafts (a package's flows are imported so) are approved and activated as admin
first. Prints one line ``DEMO_DAY <json>`` (``notes``: what the rerouting did, for the
terminal).
"""

import json
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import file_path

LEGACY_FORMATS = {
    "item": "integration_legacy_erp.file_format_legacy_items",
    "partner": "integration_legacy_erp.file_format_legacy_partners",
    "bom": "integration_legacy_erp.file_format_legacy_bom_lines",
    "trial_balance": "integration_legacy_erp.file_format_legacy_trial_balance",
    "sale_order": "integration_legacy_erp.file_format_legacy_open_orders",  # both kinds
}

WMS_RECONCILERS = {"inventory.snapshot": "integration.wms.stock.reconciler"}


def day_endpoint(kind):
    """The day's endpoint of ``kind`` in the demo's company."""
    return env["integration.endpoint"].search(
        [("code", "=", CODES[kind]), ("company_id", "=", env.ref("base.main_company").id)],
        limit=1,
    )


def simulator_key(endpoint, demo_key):
    """The API key the simulator of ``endpoint`` signs with: the demo's key of its endpoint,
    else a key of the same service account for ``endpoint`` (made once)."""
    if demo_key.endpoint_id == endpoint:
        return demo_key
    keys = env["integration.api.key"]
    key = keys.search([("endpoint_id", "=", endpoint.id), ("name", "=", SIMULATOR_KEY)], limit=1)
    return key or keys.create(
        {"name": SIMULATOR_KEY, "endpoint_id": endpoint.id, "user_id": demo_key.user_id.id}
    )


def endpoint_key(endpoint, demo_key_xmlid, url):
    """Point ``endpoint`` at its simulator (a test system: also when a rehearsed package made it
    a production endpoint) and issue a new key; the clear key."""
    endpoint.write({"url": url, "environment": "test"})
    return simulator_key(endpoint, env.ref(demo_key_xmlid))._issue()


def active_flows(endpoint):
    """``{code: id}`` of the endpoint's active flows."""
    flows = env["integration.flow"].search([("endpoint_id", "=", endpoint.id)])
    return {flow.code: flow.id for flow in flows if flow.state == "active"}


def activate_flows():
    """Approve (as admin, a manager) and activate the day's endpoints' draft and approved
    flows, as a manager does before a cutover: a package's flows are imported as drafts. A
    flow that cannot be is reported and left: the step that needs it fails, naming it."""
    admin = env.ref("base.user_admin")
    flows = (
        env["integration.flow"]
        .with_user(admin)
        .search([("endpoint_id", "in", [day_endpoint(kind).id for kind in CODES])])
    )
    activated = {}
    for flow in flows.filtered(lambda f: f.state in ("draft", "approved")):
        try:
            with env.cr.savepoint():
                if flow.state == "draft":
                    flow.action_approve()
                flow.action_activate()
            code = flow.endpoint_id.code
            activated[code] = activated.get(code, 0) + 1
        except (UserError, AccessError) as error:
            NOTES.append(f"Flow {flow.endpoint_id.code}/{flow.code} left {flow.state}: {error}")
    if activated:
        counts = ", ".join(f"{count} of {code}" for code, count in sorted(activated.items()))
        NOTES.append(f"Flows approved and activated by admin (they were drafts): {counts}.")


def cancel_unsent(endpoint, ordering_key):
    """Cancel the pending outbound messages of ``ordering_key`` to ``endpoint``."""
    unsent = env["integration.message"].search(
        [
            ("endpoint_id", "=", endpoint.id),
            ("direction", "=", "outbound"),
            ("ordering_key", "=", ordering_key),
            ("state", "=", "pending"),
        ]
    )
    if unsent:
        unsent.with_user(env.ref("base.user_admin")).action_cancel()


def set_aside(Route, demo_endpoint, endpoint, kind):
    """Archive the demo's routing rules of ``demo_endpoint`` when it is not the day's."""
    rules = Route.search([("endpoint_id", "=", demo_endpoint.id)])
    if demo_endpoint != endpoint and rules:
        rules.active = False
        NOTES.append(
            f"The demo's {kind} routing rule(s) to {demo_endpoint.code} archived: the day's "
            f"{kind} is {endpoint.code}."
        )


def rehearsal_rule(Route, endpoint, kind, values, criterion):
    """A rule first in line routing ``criterion`` (``values``) to ``endpoint``, reported."""
    first = min(Route.search([]).mapped("sequence"), default=10)
    Route.create(dict(values, endpoint_id=endpoint.id, sequence=first - 1))
    NOTES.append(
        f"Rehearsal: {kind} routing rule added: {criterion} -> {endpoint.code} (the package's "
        f"rules do not route the day's {kind} traffic there; not part of the package)."
    )


def route_orders(endpoint):
    """Route the demo's gearbox orders to the day's MES ``endpoint`` when not yet sent."""
    Route = env["integration.mes.route"]
    productions = env.ref("integration_mes.demo_production_gearbox_batch") | env.ref(
        "integration_mes.demo_production_gearbox_spares"
    )
    moved = productions.filtered(
        lambda p: (
            p.mes_work_order_id
            and p.mes_work_order_id.endpoint_id != endpoint
            and not p.mes_work_order_id.last_sequence
        )
    )
    if not moved:
        return
    set_aside(Route, env.ref("integration_mes.demo_endpoint_plant1_mes"), endpoint, "MES")
    if Route._endpoint_for(moved[0]) != endpoint:
        workcenter = moved[0].workorder_ids.workcenter_id[:1]
        criterion = f"orders with an operation on work center {workcenter.display_name}"
        rehearsal_rule(Route, endpoint, "MES", {"workcenter_id": workcenter.id}, criterion)
    for production in moved:
        old = production.mes_work_order_id
        cancel_unsent(old.endpoint_id, old.name)
        old.state = "cancelled"
        production.mes_work_order_id = False
        production._mes_release()
        NOTES.append(f"Order {production.name} routed to {production.mes_endpoint_id.code}.")


def route_transfers(endpoint):
    """Route the demo's Plant 2 transfers to the day's WMS ``endpoint`` when not yet sent."""
    Route = env["integration.wms.route"]
    pickings = env.ref("manufacturing_integration.demo_picking_plant2_receipt") | env.ref(
        "manufacturing_integration.demo_picking_plant2_delivery"
    )
    moved = pickings.filtered(
        lambda p: p.wms_transfer and p.wms_endpoint_id != endpoint and p.wms_sequence <= 1
    )
    if not moved:
        return
    demo_rule = env.ref("manufacturing_integration.demo_wms_route_plant2")
    set_aside(Route, demo_rule.endpoint_id, endpoint, "WMS")
    if Route._route_for(moved[0]).endpoint_id != endpoint:
        warehouse = moved[0].picking_type_id.warehouse_id
        values = {
            "warehouse_id": warehouse.id,
            "over_receipt_percent": demo_rule.over_receipt_percent,
            "damaged_location_id": demo_rule.damaged_location_id.id,
        }
        criterion = (
            f"transfers of warehouse {warehouse.name} (damaged goods to "
            f"{demo_rule.damaged_location_id.display_name}, as the demo's rule)"
        )
        rehearsal_rule(Route, endpoint, "WMS", values, criterion)
    for picking in moved:
        cancel_unsent(picking.wms_endpoint_id, picking.wms_transfer)
        picking.write(
            {
                "wms_route_id": False,
                "wms_endpoint_id": False,
                "wms_transfer": False,
                "wms_sequence": 0,
            }
        )
        picking._wms_release()
        NOTES.append(f"Transfer {picking.name} routed to {picking.wms_endpoint_id.code}.")


def mes_state():
    endpoint = day_endpoint("mes")
    route_orders(endpoint)
    demo_key = "integration_mes.demo_api_key_plant1_mes"
    state = {"key": endpoint_key(endpoint, demo_key, MES_URL), "flows": active_flows(endpoint)}
    keys = env["integration.api.key"]
    name = "Quickstart curl"
    curl = keys.search([("endpoint_id", "=", endpoint.id), ("name", "=", name)], limit=1)
    user = env.ref(demo_key).user_id
    curl = curl or keys.create({"name": name, "endpoint_id": endpoint.id, "user_id": user.id})
    state["curl_key"] = curl._issue()
    state["orders"] = {}
    for name in ("batch", "spares"):
        order = env.ref("integration_mes.demo_production_gearbox_" + name)
        work_order = order.mes_work_order_id
        if work_order and work_order.endpoint_id == endpoint:
            fresh = work_order.state == "released" and not work_order.last_sequence
            state["orders"][name] = {"reference": work_order.name, "fresh": fresh}
    return state


def set_reconcilers(endpoint):
    """Give the WMS flows the reconciler the connector ships where they have none (a package
    exported before flows carried their reconciler), with a note."""
    flows = env["integration.flow"].search([("endpoint_id", "=", endpoint.id)])
    for flow in flows:
        reconciler = WMS_RECONCILERS.get(flow.code)
        if reconciler and not flow.reconciler:
            flow.reconciler = reconciler
            NOTES.append(
                f"Flow {endpoint.code}/{flow.code} had no reconciler (the package did not "
                f"carry one): set to {reconciler}, the WMS connector's."
            )


def wms_state():
    endpoint = day_endpoint("wms")
    set_reconcilers(endpoint)
    route_transfers(endpoint)
    key = "manufacturing_integration.demo_api_key_plant2_wms"
    state = {"key": endpoint_key(endpoint, key, WMS_URL), "flows": active_flows(endpoint)}
    state["transfers"] = {}
    for name in ("receipt", "delivery"):
        picking = env.ref("manufacturing_integration.demo_picking_plant2_" + name)
        if picking.wms_transfer and picking.wms_endpoint_id == endpoint:
            state["transfers"][name] = {"reference": picking.wms_transfer}
    return state


def legacy_state():
    endpoint = day_endpoint("legacy_erp")
    Path(DROP_FOLDER, "initial").mkdir(parents=True, exist_ok=True)
    endpoint.write({"file_root": DROP_FOLDER, "environment": "test"})
    flows = active_flows(endpoint)
    Flow = env["integration.flow"]
    for code, xmlid in LEGACY_FORMATS.items():
        if code in flows:  # a missing flow fails the step that needs it, naming it
            Flow.browse(flows[code]).file_format_id = env.ref(xmlid)
    if "bom" in flows:
        bom_map = file_path("integration_legacy_erp/data/payload_maps/file_bom.json")
        Flow.browse(flows["bom"]).payload_map = Path(bom_map).read_text()
    products = env["product.product"].search(
        [("default_code", "!=", False), ("company_id", "in", (endpoint.company_id.id, False))],
        order="id",
        limit=2,
    )
    return {
        "company": endpoint.company_id.name,
        "flows": flows,
        "products": [
            {"code": p.default_code, "name": p.name, "category": p.categ_id.complete_name}
            for p in products
        ],
    }


SIMULATOR_KEY = "Rehearsal simulator"
MES_URL, WMS_URL = SETTINGS["mes_url"], SETTINGS["wms_url"]
DROP_FOLDER, CODES = SETTINGS["drop_folder"], SETTINGS["codes"]
NOTES = []
root = env.ref("integration_core.menu_integration_root")
first = root.child_id.filtered("action").sorted("sequence")[:1]
env.ref("base.user_admin").action_id = first.action.id
activate_flows()
day = {
    "played": env["ir.config_parameter"].sudo().get_param(SETTINGS["played_parameter"]),
    "mes": mes_state(),
    "wms": wms_state(),
    "legacy": legacy_state(),
    "notes": NOTES,
}
env.cr.commit()
print("DEMO_DAY " + json.dumps(day))
