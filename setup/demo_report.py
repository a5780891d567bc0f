"""What the demo tells its user on the terminal: the day's summary table and a curl call.

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


STATES = ("pending", "processing", "waiting", "done", "failed")
OPEN = ("new", "in_progress")


def _groups(odoo, model, domain, groupby):
    return odoo.models.execute_kw(
        odoo.database,
        odoo.uid,
        "admin",
        model,
        "read_group",
        [domain, ["__count"], groupby],
        {"lazy": False},
    )


def message_table(odoo):
    """``{"ENDPOINT/flow": {state: count}}`` of every flow with messages."""
    flows = {}
    codes = {
        endpoint["id"]: endpoint["code"]
        for endpoint in odoo.read("integration.endpoint", [], ["code"])
    }
    for flow in odoo.read("integration.flow", [], ["code", "endpoint_id"]):
        flows[flow["id"]] = f"{codes.get(flow['endpoint_id'][0], '?')}/{flow['code']}"
    table = {}
    for group in _groups(odoo, "integration.message", [], ["flow_id", "state"]):
        name = flows.get(group["flow_id"][0], "?") if group["flow_id"] else "(no flow)"
        table.setdefault(name, {})[group["state"]] = group["__count"]
    return table


def open_exceptions(odoo):
    """``{category label: count}`` of the open exception cards."""
    groups = _groups(odoo, "integration.exception", [("state", "in", OPEN)], ["category"])
    return {group["category"]: group["__count"] for group in groups}


def print_summary(day):
    """Messages per flow by state, the backlog, open exceptions by category, reconciliations."""
    odoo = day.odoo
    table = message_table(odoo)
    stamp = time.strftime("%H:%M:%S")
    print(f"\n  -- {stamp} {day.step or 'summary'}: messages per flow --", flush=True)
    print("  " + f"{'flow':<34}" + "".join(f"{state:>11}" for state in STATES))
    for name in sorted(table):
        counts = table[name]
        print("  " + f"{name:<34}" + "".join(f"{counts.get(s, 0):>11}" for s in STATES))
    backlog = sum(counts.get("pending", 0) for counts in table.values())
    print(f"  backlog (pending): {backlog}")
    exceptions = open_exceptions(odoo)
    listed = ", ".join(f"{category} {count}" for category, count in sorted(exceptions.items()))
    print(f"  open exceptions by category: {listed or 'none'}")
    runs = odoo.read(
        "integration.reconciliation.run",
        [],
        ["name", "state", "line_count", "matched_count", "different_count", "open_count"],
    )
    for run in runs:
        print(
            f"  reconciliation {run['name']}: {run['state']}, {run['line_count']} lines, "
            f"{run['matched_count']} matched, {run['different_count']} different, "
            f"{run['open_count']} to decide"
        )
    print("", flush=True)


def curl_command(odoo_url, endpoint, key):
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
        f"{odoo_url}/integration/v1/{endpoint}/equipment.event \\\n"
        f"    -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n"
        f"    -d {shlex.quote(json.dumps(payload))}"
    )


def print_try_it(odoo_url, endpoint, key):
    """The curl call to the MES ``endpoint``, with a key issued for it at this start."""
    if not key:
        return
    print(
        f"\nSend a message yourself (an API key of {endpoint} issued for this run; the next "
        "start replaces it):\n"
        f"  {curl_command(odoo_url, endpoint, key)}\n"
        "The answer is 202 with the message's id; the same call again answers 200 with the "
        "same id (a duplicate is never queued twice). The message is in Integration > Messages.",
        flush=True,
    )
