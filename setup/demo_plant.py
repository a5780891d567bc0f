"""The demo's running plant: Plant 1's MES simulator beside Odoo, driven through a few runs.

``serve`` issues a new API key on the PLANT1_MES endpoint (through ``odoo shell``: the clear key
goes from that process to the simulator's environment, only its hash is stored), starts the MES
simulator and Odoo as child processes, waits for the two gearbox orders of the demo data to
reach the simulator (the queue's scheduled action sends them once the cron workers are up, within
a minute or two), then commands the simulator as a plant would:

- order 1 (10 gearboxes): a partial run of 4, a run of 3 delivered twice (the second delivery is
  answered 200 and has no effect), the final run of 3;
- assembly line 1 down for 15 minutes (an equipment event);
- order 2 (4 gearboxes): one deliberately broken result, 8 produced where 4 are planned: refused
  whole (over-production), a failed message with an exception in Integration > Exceptions.

It prints what happened and serves until Ctrl+C or SIGTERM, then stops both children. The
simulator listens on 127.0.0.1:8099, or on a free port when 8099 is taken (the endpoint's URL is
set to wherever it listens). A database whose plant already ran is served without new runs.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from datetime import datetime, timedelta, timezone

import _suite
import requests

SIMULATOR_PORT = 8099
WORK_ORDER_TIMEOUT = 180
SIMULATOR_LOG = _suite.BUILD / "logs" / "demo-mes-simulator.log"
SHELL_SCRIPT = """
import json
endpoint = env.ref("integration_mes.demo_endpoint_plant1_mes", raise_if_not_found=False)
key = env.ref("integration_mes.demo_api_key_plant1_mes", raise_if_not_found=False)
state = {"orders": {}}
if endpoint and key:
    if endpoint.url != URL:
        endpoint.url = URL
    state["key"] = key._issue()
    for name in ("batch", "spares"):
        order = env.ref("integration_mes.demo_production_gearbox_" + name, raise_if_not_found=False)
        work_order = order.mes_work_order_id if order else None
        if work_order:
            state["orders"][name] = {"reference": work_order.name, "quantity": order.product_qty,
                                     "state": work_order.state, "last": work_order.last_sequence}
    env.cr.commit()
print("DEMO_PLANT " + json.dumps(state))
"""


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def simulator_port():
    """8099 when it is free, else any free port (the endpoint's URL follows)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", SIMULATOR_PORT))
            return SIMULATOR_PORT
        except OSError:
            pass
    port = _suite.free_port()
    print(f"Port {SIMULATOR_PORT} is taken: the MES simulator listens on {port}.", flush=True)
    return port


def prepare(database, simulator_url):
    """Point PLANT1_MES at the simulator and issue its key; return the key and the orders."""
    print("Issuing an API key for Plant 1's MES simulator...", flush=True)
    command = _suite.odoo_command("shell", "-d", database, "--no-http", "--log-level=warn")
    script = f"URL = {simulator_url!r}\n{SHELL_SCRIPT}"
    result = subprocess.run(command, input=script, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("DEMO_PLANT "):
            return json.loads(line.removeprefix("DEMO_PLANT "))
    _suite.fail(f"odoo shell could not prepare the demo plant:\n{result.stderr[-3000:]}", 1)


def wait_until(check, timeout, children):
    """Poll ``check`` every 2 s until it returns something true; None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, child in children.items():
            if child.poll() is not None:
                raise RuntimeError(f"{name} stopped (exit {child.returncode})")
        try:
            found = check()
        except (requests.RequestException, OSError):
            found = None
        if found:
            return found
        time.sleep(2)
    return None


def _iso(moment):
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def plant_runs(batch, spares):
    """(what, command, arguments) of each thing the plant reports."""
    now = datetime.now(timezone.utc)
    down = {"start": _iso(now - timedelta(minutes=25)), "end": _iso(now - timedelta(minutes=10))}
    return [
        ("partial run, 4 made", "produce", dict(work_order=batch, quantity=4, lot="GX40-0001")),
        (
            "run of 3 delivered twice",
            "produce",
            dict(work_order=batch, quantity=3, lot="GX40-0002", times=2),
        ),
        (
            "final run, 3 made",
            "produce",
            dict(work_order=batch, quantity=3, lot="GX40-0003", final=True),
        ),
        (
            "assembly line 1 down 15 min",
            "equipment",
            dict(work_center="ASM1", state="down", reason="Equipment Failure", **down),
        ),
        (
            "broken: 8 made of 4 planned",
            "produce",
            dict(work_order=spares, quantity=8, lot="GX40-0004"),
        ),
    ]


def drive(simulator_url, batch, spares):
    """Command the simulator; return (what, message id, HTTP statuses) per report."""
    sent = []
    for what, name, arguments in plant_runs(batch, spares):
        try:
            response = requests.post(
                f"{simulator_url}/commands/{name}", json=arguments, timeout=120
            )
            answer = response.json()
            statuses = [reply["status"] for reply in answer["replies"]]
            sent.append((what, answer["message"]["message_id"], statuses))
        except (requests.RequestException, ValueError, KeyError) as error:
            sent.append((what, None, [f"failed: {error}"]))
    return sent


class Odoo:
    """Reads the outcome as the demo's administrator (admin/admin) through XML-RPC."""

    def __init__(self, url, database):
        self.url, self.database = url, database
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(database, "admin", "admin", {})
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def read(self, model, domain, fields):
        return self.models.execute_kw(
            self.database, self.uid, "admin", model, "search_read", [domain], {"fields": fields}
        )


def report(odoo, sent, orders):
    """Wait (up to 2 minutes) for the queue to settle, then print what happened."""
    keys = [message_id for _what, message_id, _statuses in sent if message_id]

    def read_messages():
        domain = [("idempotency_key", "in", keys), ("direction", "=", "inbound")]
        return odoo.read(
            "integration.message", domain, ["idempotency_key", "state", "exception_id"]
        )

    def settled():
        messages = read_messages()
        busy = [m for m in messages if m["state"] in ("pending", "processing", "waiting")]
        return messages if len(messages) == len(keys) and not busy else None

    messages = wait_until(settled, 120, {}) or read_messages()
    by_key = {message["idempotency_key"]: message for message in messages}
    print("\nPlant 1 MES reported (message state in Odoo; HTTP answers to each delivery):")
    for what, message_id, statuses in sent:
        message = by_key.get(message_id, {})
        exception = message.get("exception_id")
        note = f", exception: {exception[1]}" if exception else ""
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
    print(
        f"See Integration > MES > Work Orders and Integration > Exceptions on {odoo.url}/odoo.\n",
        flush=True,
    )


def run_plant(odoo_url, database, simulator_url, state, children):
    """Wait for the released orders at the simulator, drive it, print what happened."""
    orders = state["orders"]
    if set(orders) != {"batch", "spares"}:
        print(
            f"Database {database} has no released demo orders (it predates the running plant): "
            "serving without plant runs. Create a new demo database (--db) to see them.",
            flush=True,
        )
        return
    if orders["batch"]["last"] or orders["batch"]["state"] != "released":
        print(
            "The plant already reported its runs in this database (Integration > MES > Work "
            f"Orders): serving, the MES simulator listens on {simulator_url}.",
            flush=True,
        )
        return
    batch, spares = orders["batch"]["reference"], orders["spares"]["reference"]
    print(f"Waiting for {batch} and {spares} to reach the MES (up to 3 minutes)...", flush=True)

    def arrived():
        received = requests.get(f"{simulator_url}/work-orders", timeout=10).json()
        return batch in received and spares in received

    if not wait_until(arrived, WORK_ORDER_TIMEOUT, children):
        print(
            "The work orders did not reach the MES simulator within 3 minutes: see the "
            "outbound messages in Integration > Messages. Serving anyway.",
            flush=True,
        )
        return
    sent = drive(simulator_url, batch, spares)
    try:
        report(Odoo(odoo_url, database), sent, orders)
    except (OSError, xmlrpc.client.Error) as error:
        print(f"Could not read the outcome as admin/admin ({error}).", flush=True)


def stop(children):
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()


def serve(database, port, odoo_command):
    """Serve Odoo (``odoo_command``) with the plant's MES simulator until Ctrl+C or SIGTERM."""
    # Set even where SIGINT came ignored (a background job of a script): Ctrl+C and SIGTERM stop.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    sim_port = simulator_port()
    simulator_url, odoo_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{port}"
    simulator = [sys.executable, str(_suite.ROOT / "setup" / "mes_simulator.py")]
    simulator += ["--port", str(sim_port), "--odoo-url", odoo_url, "--endpoint", "PLANT1_MES"]
    children = {}
    try:
        state = prepare(database, simulator_url)
        SIMULATOR_LOG.parent.mkdir(parents=True, exist_ok=True)
        # Own sessions: Ctrl+C reaches this script only, which stops each child once, cleanly.
        if "key" in state:
            with SIMULATOR_LOG.open("a") as log:
                children["MES simulator"] = subprocess.Popen(
                    simulator,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "MES_SIMULATOR_API_KEY": state["key"]},
                    start_new_session=True,
                )
            print(f"MES simulator on {simulator_url} (log: {SIMULATOR_LOG}).", flush=True)
        children["Odoo"] = subprocess.Popen(odoo_command, start_new_session=True)
        if not wait_until(
            lambda: requests.get(f"{odoo_url}/web/health", timeout=5).ok, 600, children
        ):
            raise RuntimeError("Odoo did not answer /web/health within 10 minutes")
        run_plant(odoo_url, database, simulator_url, state, children)
        wait_until(lambda: False, float("inf"), children)  # until a child stops or Ctrl+C
    except RuntimeError as error:
        print(f"Demo stopped: {error}.", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Odoo and the MES simulator...", flush=True)
    finally:
        stop(children)
    return 0
