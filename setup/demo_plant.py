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

It prints what happened (``demo_report.py``: the runs, the open exceptions, a curl call with a
key issued for it), opens a web browser where there is a screen, and serves until Ctrl+C or
SIGTERM, then stops both children. The simulator listens on 127.0.0.1:8099, or on a free port
when 8099 is taken (the endpoint's URL is set to wherever it listens). A database whose plant
already ran is served without new runs. After login, admin lands on Integration (its home
action is set in the demo database).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import webbrowser
import xmlrpc.client
from datetime import datetime, timedelta, timezone

import _suite
import demo_report
import requests

SIMULATOR_PORT = 8099
WORK_ORDER_TIMEOUT = 180
SIMULATOR_LOG = _suite.BUILD / "logs" / "demo-mes-simulator.log"
CURL_KEY = "Quickstart curl"
SHELL_SCRIPT = """
import json
endpoint = env.ref("integration_mes.demo_endpoint_plant1_mes", raise_if_not_found=False)
key = env.ref("integration_mes.demo_api_key_plant1_mes", raise_if_not_found=False)
state = {"orders": {}}
# After login, admin lands on Integration (its first menu) instead of Odoo's default app.
root = env.ref("integration_core.menu_integration_root", raise_if_not_found=False)
first = root and root.child_id.filtered("action").sorted("sequence")[:1]
if first:
    env.ref("base.user_admin").action_id = first.action.id
if endpoint and key:
    if PLANT and endpoint.url != URL:
        endpoint.url = URL
    if PLANT:
        state["key"] = key._issue()
    keys = env["integration.api.key"]
    curl = keys.search([("endpoint_id", "=", endpoint.id), ("name", "=", CURL_KEY)], limit=1)
    curl = curl or keys.create({"name": CURL_KEY, "endpoint_id": endpoint.id,
                                "user_id": key.user_id.id})
    state["curl_key"] = curl._issue()
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


def prepare(database, simulator_url, plant):
    """Point PLANT1_MES at the simulator, issue its key and the curl call's (with ``plant``,
    else the curl call's only); return the keys and the orders."""
    print("Issuing the API keys of Plant 1's MES (simulator, curl)...", flush=True)
    command = _suite.odoo_command("shell", "-d", database, "--no-http", "--log-level=warn")
    script = f"URL, PLANT, CURL_KEY = {simulator_url!r}, {plant!r}, {CURL_KEY!r}\n{SHELL_SCRIPT}"
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


def report(odoo, sent, orders):
    """Wait (up to 2 minutes) for the queue to settle, then print what the plant did."""
    keys = [message_id for _what, message_id, _statuses in sent if message_id]

    def settled():
        messages = demo_report.plant_messages(odoo, keys)
        busy = [m for m in messages if m["state"] in ("pending", "processing", "waiting")]
        return messages if len(messages) == len(keys) and not busy else None

    messages = wait_until(settled, 120, {}) or demo_report.plant_messages(odoo, keys)
    demo_report.print_runs(odoo, sent, messages, orders)


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
    report(demo_report.Odoo(odoo_url, database), sent, orders)


def stop(children):
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()


def start_simulator(simulator_url, odoo_url, key):
    """The MES simulator as a child process, its log in SIMULATOR_LOG."""
    port = simulator_url.rsplit(":", 1)[1]
    command = [sys.executable, str(_suite.ROOT / "setup" / "mes_simulator.py")]
    command += ["--port", port, "--odoo-url", odoo_url, "--endpoint", "PLANT1_MES"]
    SIMULATOR_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SIMULATOR_LOG.open("a") as log:
        child = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MES_SIMULATOR_API_KEY": key},
            start_new_session=True,
        )
    print(f"MES simulator on {simulator_url} (log: {SIMULATOR_LOG}).", flush=True)
    return child


def summarize(odoo_url, database, state, browser):
    """Print the open exceptions and the curl call; open a browser where there is a screen."""
    try:
        demo_report.print_exceptions(demo_report.Odoo(odoo_url, database))
    except (OSError, xmlrpc.client.Error) as error:
        print(f"Could not read the outcome as admin/admin ({error}).", flush=True)
    demo_report.print_try_it(odoo_url, state.get("curl_key"))
    url = odoo_url.replace("127.0.0.1", "localhost") + "/odoo"
    print(f"\nOpen {url} (admin/admin): after login, Integration. Ctrl+C stops.", flush=True)
    has_screen = (
        sys.platform in ("darwin", "win32")
        or os.environ.get("DISPLAY")
        or (os.environ.get("WAYLAND_DISPLAY"))
    )
    if browser and has_screen:
        webbrowser.open(url)


def serve(database, port, odoo_command, plant=True, browser=True):
    """Serve Odoo (``odoo_command``), with the plant's MES simulator and its runs when
    ``plant``, print the summary, and serve until Ctrl+C or SIGTERM."""
    # Set even where SIGINT came ignored (a background job of a script): Ctrl+C and SIGTERM stop.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    odoo_url = f"http://127.0.0.1:{port}"
    simulator_url = f"http://127.0.0.1:{simulator_port()}" if plant else ""
    children = {}
    try:
        state = prepare(database, simulator_url, plant)
        # Own sessions: Ctrl+C reaches this script only, which stops each child once, cleanly.
        if "key" in state:
            children["MES simulator"] = start_simulator(simulator_url, odoo_url, state["key"])
        children["Odoo"] = subprocess.Popen(odoo_command, start_new_session=True)
        if not wait_until(
            lambda: requests.get(f"{odoo_url}/web/health", timeout=5).ok, 600, children
        ):
            raise RuntimeError("Odoo did not answer /web/health within 10 minutes")
        if plant:
            run_plant(odoo_url, database, simulator_url, state, children)
        summarize(odoo_url, database, state, browser)
        wait_until(lambda: False, float("inf"), children)  # until a child stops or Ctrl+C
    except RuntimeError as error:
        print(f"Demo stopped: {error}.", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Odoo" + (" and the MES simulator..." if plant else "..."), flush=True)
    finally:
        stop(children)
    return 0
