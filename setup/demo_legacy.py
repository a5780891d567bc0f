"""The acquired plant's legacy ERP in the day: its extracts, loaded through the core's sources.

The legacy ERP simulator (``legacy_simulator.py``, run in this process on a free port with the
demo's drop folder as its root) holds the plant's tables (items, partners, BOM lines, open
orders, a ledger) and writes them as the legacy ERP does: Windows-1252 flat files, ``;`` between
columns, decimal comma. Odoo reads each file through an *initial load* on the flow of the day's
legacy ERP endpoint (``PLANT2_ERP`` in the demo) that has the matching flat file format
(``legacy_file_formats.xml``; the open orders of both kinds through the flow ``sale_order``,
their ``KIND`` telling which):

- step 1 (``load_extract``): eight items and three that look like products Odoo already has
  (the same reference written another way, a very similar name in the same category: they
  wait as *Possible duplicate* cards), four partners, two bills of materials, two open sales
  orders and one open purchase order;
- step 2 (``change_items``): five items changed at the source, their delta extract loaded
  while the item flow is frozen (``demo_freeze.py``);
- step 5 (``post_trial_balance``): last month's trial balance, first with a typo that
  unbalances it by 50 (refused, nothing posted, a card), then corrected: one posted entry.
"""

from datetime import date, timedelta

import legacy_simulator

ITEMS = [
    ("LG-P100", "Pump housing, grey iron", "Legacy / Castings", "4006381000017", 12.5),
    ("LG-P110", "Impeller 160 mm", "Legacy / Castings", "", 2.1),
    ("LG-P120", "Shaft seal kit", "Legacy / Parts", "", 0.3),
    ("LG-P130", "Bearing 6205", "Legacy / Parts", "", 0.2),
    ("LG-P140", "Motor flange", "Legacy / Castings", "", 4.0),
    ("LG-P150", "Hex screw M10x30", "Legacy / Fasteners", "", 0.05),
    ("LG-A200", "Centrifugal pump CP-160", "Legacy / Pumps", "", 31.0),
    ("LG-P160", "Coupling guard", "Legacy / Parts", "", 1.4),
]
PARTNERS = [
    ("LC-1001", "Nordic Castings AB", "V", "SE556677889901", "SE", "Göteborg"),
    ("LC-1002", "Brenner Hydraulik GmbH", "C", "", "DE", "Ulm"),
    ("LC-1003", "Ostrava Steel s.r.o.", "V", "", "CZ", "Ostrava"),
    ("LC-1004", "Waterworks Lyon", "C", "", "FR", "Lyon"),
]
BOMS = {
    "BOM-A200": ("LG-A200", [("LG-P100", 1), ("LG-P110", 1), ("LG-P120", 1), ("LG-P130", 2)]),
    "BOM-P140": ("LG-P140", [("LG-P150", 4)]),
}
# (order, kind, partner, [(item, quantity, price)], legacy status)
ORDERS = [
    ("SO-88001", "SALE", "LC-1002", [("LG-A200", 2, 2450.0)], "REL"),
    ("SO-88002", "SALE", "LC-1004", [("LG-A200", 1, 2450.0), ("LG-P160", 4, 35.0)], "OPEN"),
    ("PO-55001", "PURCHASE", "LC-1001", [("LG-P100", 40, 58.0)], "REL"),
]
EXTRACT_FLOWS = ("item", "partner", "bom", "sale_order")  # the open orders of both kinds
CHANGED_ITEMS = ("LG-P100", "LG-P110", "LG-P120", "LG-P130", "LG-P140")
LEDGER = [
    ("1200", "Bank", 48250.0, 0.0),
    ("1400", "Receivables", 12100.0, 0.0),
    ("1600", "Payables", 0.0, 9800.0),
    ("2000", "Equity", 0.0, 50550.0),
]


def item_rows(near_duplicates):
    """The item master, and three items looking like ``near_duplicates`` (Odoo products)."""
    rows = [
        {"ITEMNO": code, "DESCR": name, "UOM": "Units", "ITEMGRP": group, "EAN": ean, "WEIGHT": w}
        for code, name, group, ean, w in ITEMS
    ]
    for number, product in enumerate(near_duplicates, start=1):
        spaced = product["code"].replace("-", " ").replace("_", " ").lower()
        rows.append({"ITEMNO": spaced, "DESCR": product["name"], "UOM": "Units"})
        rows.append(
            {
                "ITEMNO": f"LG-DUP-{number}",
                "DESCR": product["name"] + "s",
                "ITEMGRP": product["category"],
                "UOM": "Units",
            }
        )
    return rows[: len(ITEMS) + 3]


def seed(simulator, near_duplicates):
    """Fill the simulator's tables with the acquired plant's data."""
    stamp = "2026-01-05T06:00:00Z"
    for row in item_rows(near_duplicates):
        simulator.change("items", row.pop("ITEMNO"), at=stamp, **row)
    for code, name, kind, vat, country, city in PARTNERS:
        simulator.change(
            "partners", code, at=stamp, NAME=name, KIND=kind, VATNO=vat, COUNTRY=country, CITY=city
        )
    line = 0
    for bom, (parent, components) in BOMS.items():
        for item, quantity in components:
            line += 1
            values = dict(BOMNO=bom, PARENT=parent, ITEMNO=item, QTY=float(quantity), UOM="Units")
            simulator.change("bom_lines", str(line), at=stamp, **values)
    line = 0
    for order, kind, partner, lines, status in ORDERS:
        for item, quantity, price in lines:
            line += 1
            values = dict(ORDERNO=order, KIND=kind, PARTNO=partner, ITEMNO=item, STATUS=status)
            values.update(QTY=float(quantity), PRICE=price)
            simulator.change("open_orders", str(line), at=stamp, **values)


def extract(day, table, flow, rows=None):
    """The simulator writes ``table`` (its current rows, or ``rows``) as a legacy extract into
    the drop folder's ``initial/``; the file's path."""
    rows = day.legacy.data.changed_since(table) if rows is None else rows
    return legacy_simulator.write_extract(day.drop_folder, table, rows, flow, subfolder="initial")


def load(day, flow, path):
    """Start an initial load of ``path`` (inside the drop folder) on the legacy ``flow``."""
    relative = str(path.relative_to(day.drop_folder))
    load_id = day.call(
        "integration.initial.load",
        "create",
        [{"name": f"Day 1: {relative}", "flow_id": day.flow(flow), "file_path": relative}],
    )
    day.call("integration.initial.load", "action_start", [load_id])
    return load_id


def loads_done(day, load_ids):
    loads = day.read("integration.initial.load", [("id", "in", load_ids)], ["state", "error"])
    failed = [load["error"] for load in loads if load["state"] == "failed"]
    if failed:
        raise RuntimeError(f"an initial load failed: {failed[0]}")
    return all(load["state"] == "done" for load in loads)


def load_extract(day):
    """Step 1: the legacy extract, loaded; possible duplicates wait for a review."""
    day.require("legacy", EXTRACT_FLOWS)
    files = [
        ("item", extract(day, "items", "item")),
        ("partner", extract(day, "partners", "partner")),
        ("bom", extract(day, "bom_lines", "bom")),
        ("sale_order", extract(day, "open_orders", "sale_order")),  # sales and purchases
    ]
    load_ids = [load(day, flow, path) for flow, path in files]
    folder = day.drop_folder / "initial"
    day.say(f"{len(files)} extracts written into {folder}, each read by an initial load")
    day.wait(lambda: loads_done(day, load_ids), 180, "the legacy extract's initial loads")
    day.wait(lambda: day.settled(EXTRACT_FLOWS, waiting=3), 240, "the legacy extract's messages")
    for flow in EXTRACT_FLOWS:
        messages = day.read("integration.message", [("flow_id", "=", day.flow(flow))], ["state"])
        states = sorted({m["state"] for m in messages})
        counted = ", ".join(f"{sum(m['state'] == s for m in messages)} {s}" for s in states)
        day.say(f"{flow:<15} {counted}")
    day.say("3 possible duplicates wait for a review (Integration > Legacy ERP)")


def change_items(day):
    """Step 2's traffic: five items changed in the legacy ERP, their delta extract loaded."""
    since = legacy_simulator.now_iso()
    for number, code in enumerate(CHANGED_ITEMS, start=1):
        row = next(r for r in day.legacy.data.changed_since("items") if r["ITEMNO"] == code)
        day.legacy.change("items", code, DESCR=f"{row['DESCR']} (rev. {number})")
    changed = day.legacy.data.changed_since("items", since=since)
    return load(day, "item", extract(day, "items", "item", changed))


def ledger_rows(company, period, typo=0.0):
    """The trial balance of ``period`` as ledger rows; ``typo`` added to the equity's credit."""
    return [
        {
            "LINEID": f"{period}-{account}",
            "PERIOD": period,
            "COMPANY": company,
            "ACCOUNT": account,
            "LABEL": label,
            "DEBIT": debit,
            "CREDIT": credit + (typo if account == "2000" else 0.0),
        }
        for account, label, debit, credit in LEDGER
    ]


def post_trial_balance(day):
    """Step 5: last month's trial balance, sent unbalanced first, then corrected and posted."""
    day.require("legacy", ("trial_balance",))
    period = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    company = day.state["legacy"]["company"]
    for typo, what in ((50.0, "with a typo: unbalanced by 50"), (0.0, "corrected")):
        rows = ledger_rows(company, period, typo)
        load_id = load(day, "trial_balance", extract(day, "ledger", "trial_balance", rows))
        day.wait(lambda load_id=load_id: loads_done(day, [load_id]), 120, "the trial balance load")
        day.wait(lambda: day.settled(("trial_balance",)), 120, "the trial balance")
        last = day.read(
            "integration.message",
            [("flow_id", "=", day.flow("trial_balance"))],
            ["state", "exception_id"],
            order="id desc",
            limit=1,
        )
        entries = day.read("account.move", [("journal_id.code", "=", "LGCY")], ["name", "state"])
        posted = ", ".join(f"{move['name']} ({move['state']})" for move in entries) or "none"
        day.say(f"trial balance {period} {what}: {last[0]['state']}; entries: {posted}")
    if last[0]["state"] != "done":
        raise RuntimeError(
            f"the corrected trial balance was not posted: see {last[0]['exception_id'][1]}"
            if last[0]["exception_id"]
            else "the corrected trial balance was not posted"
        )
