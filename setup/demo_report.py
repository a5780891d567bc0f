"""What the demo tells its user on the terminal: the plant's runs, the open exceptions, a curl.

Reads the outcome as the demo's administrator (admin/admin) through XML-RPC, so what it prints
is what the user will find in Odoo.
"""

import json
import shlex
import time
import xmlrpc.client
from datetime import datetime, timezone


class Odoo:
    """Reads the demo database as admin through XML-RPC."""

    def __init__(self, url, database):
        self.url, self.database = url, database
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(database, "admin", "admin", {})
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def read(self, model, domain, fields):
        return self.models.execute_kw(
            self.database, self.uid, "admin", model, "search_read", [domain], {"fields": fields}
        )


def plant_messages(odoo, keys):
    """The inbound messages with these idempotency keys."""
    domain = [("idempotency_key", "in", keys), ("direction", "=", "inbound")]
    return odoo.read("integration.message", domain, ["idempotency_key", "state", "exception_id"])


def print_runs(odoo, sent, messages, orders):
    """One line per report the plant sent, then the state of its work orders."""
    by_key = {message["idempotency_key"]: message for message in messages}
    print("\nPlant 1 MES reported (message state in Odoo; HTTP answers to each delivery):")
    for what, message_id, statuses in sent:
        message = by_key.get(message_id, {})
        exception = message.get("exception_id")
        note = ", see its exception below" if exception else ""
        print(f"  {what:<30} {message.get('state', '?'):<8} {statuses}{note}")
    references = [order["reference"] for order in orders.values()]
    work_orders = odoo.read(
        "integration.mes.work.order",
        [("name", "in", references)],
        ["name", "state", "qty_planned", "qty_produced", "production_ids"],
    )
    for work_order in sorted(work_orders, key=lambda w: w["name"]):
        print(
            f"  Work order {work_order['name']}: {work_order['state']}, "
            f"{work_order['qty_produced']:g} of {work_order['qty_planned']:g} produced, "
            f"{len(work_order['production_ids'])} manufacturing order(s)"
        )


def print_exceptions(odoo):
    """The open exceptions, each in one line (README.rst, Quickstart, explains each one)."""
    exceptions = odoo.read(
        "integration.exception",
        [("state", "in", ("new", "in_progress"))],
        ["name", "message_count"],
    )
    print(f"\nOpen exceptions in Integration > Exceptions: {len(exceptions)}")
    for exception in sorted(exceptions, key=lambda e: e["id"]):
        name = exception["name"]
        name = name if len(name) <= 110 else name[:107] + "..."
        print(f"  - {name} ({exception['message_count']} message(s))")
    if exceptions:
        print("  What each one means and how to resolve it: README.rst, Quickstart.")


def curl_command(odoo_url, key):
    """A copy-paste curl call posting one equipment event as the plant's MES would."""
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    payload = {
        "message_id": f"curl-{int(time.time())}",
        "message_type": "equipment.event",
        "sent_at": now,
        "work_center": "ASM1",
        "state": "idle",
        "reason": "Shift change",
        "start": now,
    }
    return (
        f"curl -s -w '\\nHTTP %{{http_code}}\\n' -X POST "
        f"{odoo_url}/integration/v1/PLANT1_MES/equipment.event \\\n"
        f"    -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n"
        f"    -d {shlex.quote(json.dumps(payload))}"
    )


def print_try_it(odoo_url, key):
    """The curl call, with a key issued for it at this start."""
    if not key:
        return
    print(
        "\nSend a message yourself (an API key of PLANT1_MES issued for this run; the next "
        "start replaces it):\n"
        f"  {curl_command(odoo_url, key)}\n"
        "The answer is 202 with the message's id; the same call again answers 200 with the "
        "same id (a duplicate is never queued twice). The message is in Integration > Messages.",
        flush=True,
    )
