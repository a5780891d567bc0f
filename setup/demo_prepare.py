# ruff: noqa: F821 - run by ``odoo shell`` (``env`` given), after a line setting SETTINGS
"""The day's preparation in the demo database, run by ``demo_day.prepare`` in ``odoo shell``.

Points PLANT1_MES and PLANT2_WMS at their simulators and issues each a new API key (only the
hash is stored; the clear key is printed for the simulator's environment), issues a key for the
README's curl call, gives PLANT2_ERP the drop folder its extracts are loaded from, sets the flat
file format the connector ships on each legacy flow that reads one (open orders of both kinds
through ``sale_order``), and lands admin on Integration after login.
Prints one line ``DEMO_DAY <json>``.
"""

import json
from pathlib import Path

from odoo.tools.misc import file_path

LEGACY_FORMATS = {
    "item": "integration_legacy_erp.file_format_legacy_items",
    "partner": "integration_legacy_erp.file_format_legacy_partners",
    "bom": "integration_legacy_erp.file_format_legacy_bom_lines",
    "trial_balance": "integration_legacy_erp.file_format_legacy_trial_balance",
    "sale_order": "integration_legacy_erp.file_format_legacy_open_orders",  # both kinds
}


def endpoint_key(endpoint, key_xmlid, url):
    """Point ``endpoint`` at its simulator (a test system: also when a rehearsed package made it
    a production endpoint) and issue a new key; the clear key."""
    endpoint.write({"url": url, "environment": "test"})
    return env.ref(key_xmlid)._issue()


def mes_state():
    endpoint = env.ref("integration_mes.demo_endpoint_plant1_mes")
    state = {"key": endpoint_key(endpoint, "integration_mes.demo_api_key_plant1_mes", MES_URL)}
    keys = env["integration.api.key"]
    name = "Quickstart curl"
    curl = keys.search([("endpoint_id", "=", endpoint.id), ("name", "=", name)], limit=1)
    user = env.ref("integration_mes.demo_api_key_plant1_mes").user_id
    curl = curl or keys.create({"name": name, "endpoint_id": endpoint.id, "user_id": user.id})
    state["curl_key"] = curl._issue()
    state["orders"] = {}
    for name in ("batch", "spares"):
        order = env.ref("integration_mes.demo_production_gearbox_" + name)
        work_order = order.mes_work_order_id
        if work_order:
            fresh = work_order.state == "released" and not work_order.last_sequence
            state["orders"][name] = {"reference": work_order.name, "fresh": fresh}
    return state


def wms_state():
    endpoint = env.ref("manufacturing_integration.demo_endpoint_plant2_wms")
    key = "manufacturing_integration.demo_api_key_plant2_wms"
    state = {"key": endpoint_key(endpoint, key, WMS_URL), "transfers": {}}
    for name in ("receipt", "delivery"):
        picking = env.ref("manufacturing_integration.demo_picking_plant2_" + name)
        if picking.wms_transfer:
            state["transfers"][name] = {"reference": picking.wms_transfer}
    return state


def legacy_state():
    endpoint = env.ref("manufacturing_integration.demo_endpoint_plant2_erp")
    Path(DROP_FOLDER, "initial").mkdir(parents=True, exist_ok=True)
    endpoint.file_root = DROP_FOLDER
    flows = env["integration.flow"].search([("endpoint_id", "=", endpoint.id)])
    by_code = {flow.code: flow for flow in flows}
    for code, xmlid in LEGACY_FORMATS.items():
        by_code[code].file_format_id = env.ref(xmlid)
    bom_map = file_path("integration_legacy_erp/data/payload_maps/file_bom.json")
    by_code["bom"].payload_map = Path(bom_map).read_text()
    products = env["product.product"].search(
        [("default_code", "!=", False), ("company_id", "in", (endpoint.company_id.id, False))],
        order="id",
        limit=2,
    )
    return {
        "company": endpoint.company_id.name,
        "flows": {code: flow.id for code, flow in by_code.items()},
        "products": [
            {"code": p.default_code, "name": p.name, "category": p.categ_id.complete_name}
            for p in products
        ],
    }


MES_URL, WMS_URL = SETTINGS["mes_url"], SETTINGS["wms_url"]
DROP_FOLDER = SETTINGS["drop_folder"]
root = env.ref("integration_core.menu_integration_root")
first = root.child_id.filtered("action").sorted("sequence")[:1]
env.ref("base.user_admin").action_id = first.action.id
day = {
    "played": env["ir.config_parameter"].sudo().get_param(SETTINGS["played_parameter"]),
    "mes": mes_state(),
    "wms": wms_state(),
    "legacy": legacy_state(),
}
env.cr.commit()
print("DEMO_DAY " + json.dumps(day))
