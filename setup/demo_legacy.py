#!/usr/bin/env python3
"""The acquired plant's legacy ERP loads a small extract into the demo through the HTTP API.

Against a served demo database (``python3 setup/demo.py``, or any database with the suite's
demo data), it issues an API key on the ``PLANT2_ERP`` endpoint through ``odoo shell`` (only
its hash is stored; the clear key stays in this process), then posts what the legacy ERP would
send at the start of coexistence, as batches to ``/integration/v1/PLANT2_ERP/<flow>``:

- an item master of eight items, plus three items that look like products Odoo already has
  (the same internal reference written another way, a very similar name in the same
  category): they wait as *Possible duplicate* cards in Integration > Exceptions;
- four customers and vendors, two bills of materials, two open sales orders and one open
  purchase order (created with their cross-references, their status from the value maps);
- the trial balance of last month, deliberately unbalanced: refused, nothing posted, a card.

It prints the answer of each post; the scheduled actions apply the messages within seconds.

Usage: python3 setup/demo_legacy.py [--db DATABASE] [--url http://localhost:8069]
"""

import argparse
import json
import subprocess
from datetime import date, timedelta

import _suite
import requests

ENDPOINT = "PLANT2_ERP"
KEY_NAME = "Legacy ERP demo load"
SHELL_SCRIPT = """
import json
endpoint = env["integration.endpoint"].search([("code", "=", "PLANT2_ERP")], limit=1)
group = env.ref("integration_core.group_integration_api")
user = env["res.users"].search([("login", "=", "plant2_erp_service")], limit=1)
user = user or env["res.users"].create({
    "name": "Plant 2 legacy ERP (service account)", "login": "plant2_erp_service",
    "company_id": endpoint.company_id.id, "company_ids": [(6, 0, endpoint.company_id.ids)],
    "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])]})
key = env["integration.api.key"].create({"name": KEY_NAME, "endpoint_id": endpoint.id,
                                          "user_id": user.id})
products = env["product.product"].search(
    [("default_code", "!=", False), ("company_id", "in", (endpoint.company_id.id, False))],
    order="id", limit=2)
state = {"key": key._issue(), "company": endpoint.company_id.name,
         "products": [{"code": p.default_code, "name": p.name,
                       "category": p.categ_id.complete_name} for p in products]}
env.cr.commit()
print("DEMO_LEGACY " + json.dumps(state))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="manufacturing_integration_demo", help="demo database")
    parser.add_argument("--url", default="http://localhost:8069", help="where Odoo serves it")
    return parser.parse_args()


def prepare(database):
    """The clear API key, the endpoint's company and two products to look like."""
    command = _suite.odoo_command("shell", "-d", database, "--no-http", "--log-level=warn")
    script = f"KEY_NAME = {KEY_NAME!r}\n{SHELL_SCRIPT}"
    result = subprocess.run(command, input=script, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("DEMO_LEGACY "):
            return json.loads(line.removeprefix("DEMO_LEGACY "))
    _suite.fail(f"odoo shell could not prepare the legacy ERP:\n{result.stderr[-3000:]}", 1)
    return None


def near_duplicates(products):
    """Items that look like ``products``: the code written another way, then a similar name."""
    items = []
    for number, product in enumerate(products, start=1):
        spaced = product["code"].replace("-", " ").replace("_", " ").lower()
        items.append({"code": spaced, "name": product["name"], "uom": "Units", "type": "goods"})
        items.append(
            {
                "code": f"LG-DUP-{number}",
                "name": product["name"] + "s",
                "category": product["category"],
                "uom": "Units",
            }
        )
    return items[:3]


def extract(company, products):
    """``{flow: [payloads]}`` of the legacy ERP's first load, in the order to send them."""
    items = [
        {
            "code": "LG-P100",
            "name": "Pump housing, grey iron",
            "category": "Legacy / Castings",
            "uom": "Units",
            "weight": 12.5,
            "tracking": "lot",
            "barcode": "4006381000017",
        },
        {
            "code": "LG-P110",
            "name": "Impeller 160 mm",
            "category": "Legacy / Castings",
            "uom": "Units",
            "weight": 2.1,
        },
        {
            "code": "LG-P120",
            "name": "Shaft seal kit",
            "category": "Legacy / Parts",
            "uom": "Units",
            "purchase_uom": "Box of 10",
            "purchase_uom_factor": 10,
        },
        {"code": "LG-P130", "name": "Bearing 6205", "category": "Legacy / Parts", "uom": "Units"},
        {
            "code": "LG-P140",
            "name": "Motor flange",
            "category": "Legacy / Castings",
            "uom": "Units",
            "weight": 4.0,
        },
        {
            "code": "LG-P150",
            "name": "Hex screw M10x30",
            "category": "Legacy / Fasteners",
            "uom": "Units",
        },
        {
            "code": "LG-A200",
            "name": "Centrifugal pump CP-160",
            "category": "Legacy / Pumps",
            "uom": "Units",
            "tracking": "serial",
            "weight": 31.0,
        },
        {"code": "LG-S900", "name": "Commissioning service", "uom": "Units", "type": "service"},
    ] + near_duplicates(products)
    partners = [
        {
            "code": "LC-1001",
            "name": "Nordic Castings AB",
            "country": "SE",
            "vendor": True,
            "vat": "SE556677889901",
        },
        {
            "code": "LC-1002",
            "name": "Brenner Hydraulik GmbH",
            "country": "DE",
            "customer": True,
            "addresses": [{"type": "delivery", "name": "Werk Ulm", "city": "Ulm", "country": "DE"}],
        },
        {"code": "LC-1003", "name": "Ostrava Steel s.r.o.", "country": "CZ", "vendor": True},
        {"code": "LC-1004", "name": "Waterworks Lyon", "country": "FR", "customer": True},
    ]
    boms = [
        {
            "code": "BOM-A200",
            "product": "LG-A200",
            "quantity": 1,
            "components": [
                {"item": "LG-P100", "quantity": 1},
                {"item": "LG-P110", "quantity": 1},
                {"item": "LG-P120", "quantity": 1},
                {"item": "LG-P130", "quantity": 2},
                {"item": "LG-P140", "quantity": 1},
                {"item": "LG-P150", "quantity": 8},
            ],
        },
        {
            "code": "BOM-P140",
            "product": "LG-P140",
            "quantity": 1,
            "components": [{"item": "LG-P150", "quantity": 4}],
        },
    ]
    line = {"item": "LG-A200", "quantity": 2, "price_unit": 2450.0}
    sales = [
        {"order": "SO-88001", "customer": "LC-1002", "status": "REL", "lines": [line]},
        {
            "order": "SO-88002",
            "customer": "LC-1004",
            "status": "OPEN",
            "lines": [
                dict(line, quantity=1),
                {"item": "LG-S900", "quantity": 1, "price_unit": 600},
            ],
        },
    ]
    purchases = [
        {
            "order": "PO-55001",
            "vendor": "LC-1001",
            "status": "REL",
            "lines": [{"item": "LG-P100", "quantity": 40, "price_unit": 58.0}],
        },
    ]
    last_month = date.today().replace(day=1) - timedelta(days=1)
    trial_balance = {
        "period": last_month.strftime("%Y-%m"),
        "company": company,
        "lines": [
            {"account": "1200", "label": "Bank", "debit": 48250.0, "credit": 0},
            {"account": "1400", "label": "Receivables", "debit": 12100.0, "credit": 0},
            {"account": "1600", "label": "Payables", "debit": 0, "credit": 9800.0},
            {"account": "2000", "label": "Equity", "debit": 0, "credit": 50500.0},
        ],
    }
    return [
        ("item", items),
        ("partner", partners),
        ("bom", boms),
        ("sale_order", sales),
        ("purchase_order", purchases),
        ("trial_balance", [trial_balance]),
    ]


def send(url, key, flow, payloads):
    """POST ``payloads`` as one batch; return the HTTP status and the answer."""
    stamp = date.today().isoformat()
    messages = [
        dict(
            payload, message_id=f"demo-legacy-{flow}-{number}-{stamp}", sent_at=f"{stamp}T06:00:00Z"
        )
        for number, payload in enumerate(payloads, start=1)
    ]
    response = requests.post(
        f"{url}/integration/v1/{ENDPOINT}/{flow}",
        json={"messages": messages},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    return response.status_code, response.text


def main():
    args = parse_args()
    state = prepare(args.db)
    for flow, payloads in extract(state["company"], state["products"]):
        status, answer = send(args.url.rstrip("/"), state["key"], flow, payloads)
        print(f"{flow:<15} {len(payloads):>2} message(s): HTTP {status}")
        if status >= 400:
            print(f"  {answer[:500]}")
    print(
        "Sent. Within seconds: Integration > Legacy ERP > Possible Duplicates lists the items "
        "to review, Integration > Exceptions shows them and the refused trial balance."
    )


if __name__ == "__main__":
    main()
