"""Day 1 of the acquisition, played on the demo database with the three simulators beside Odoo.

The day talks to one endpoint of each kind, ``codes`` (``{kind: code}``: the demo plant's
``PLANT1_MES``, ``PLANT2_WMS`` and ``PLANT2_ERP``, or a rehearsed package's:
``demo_rehearse.py``). ``play`` prepares the database through ``odoo shell``
(``demo_prepare.py``: new API keys for the MES and the WMS, their endpoints pointed at the
simulators, the day's orders and transfers routed to them, the legacy ERP's drop folder and the
flat file formats of its flows), starts the legacy ERP simulator (in this process), the MES and
WMS simulators and Odoo (two cron workers) as child processes, then plays the steps in order,
each waiting (over XML-RPC, as admin) until its effect is visible in Odoo:

1. the legacy extract is loaded (``demo_legacy.py``);
2. the cutover of the item flow under a freeze (``demo_freeze.py``);
3. Plant 1's MES runs (``demo_plant.py``);
4. Plant 2's WMS confirmations and snapshot reconciliation (``demo_wms.py``);
5. the legacy trial balance posted for last month (``demo_legacy.py``).

A summary (``demo_report.py``) is printed after each step and every ``SUMMARY_EVERY`` seconds
of waiting. ``speed`` divides the pauses and the day's simulated clock; waits keep at least
their own timeout (Odoo does not work faster). The database records the last step played
(system parameter ``manufacturing_integration.demo_day``): a database where the day was played,
even in part (or whose plant ran under an earlier demo), is served as it is, never replayed: the
simulators keep no state between runs, so a step cannot be played again or resumed there.
"""

import json
import signal
import socket
import subprocess
import time
import xmlrpc.client

import _suite
import demo_freeze
import demo_legacy
import demo_plant
import demo_report
import demo_simulators
import demo_wms
import legacy_simulator
import requests

PLAYED_PARAMETER = "manufacturing_integration.demo_day"
SUMMARY_EVERY = 15
PREFERRED_PORTS = {"mes": 8099, "wms": 8098}
PARTS = {"mes": "mes", "wms": "wms", "legacy": "legacy_erp"}  # the state's parts: their kind
STEPS = [
    ("The acquired plant's legacy extract is loaded", demo_legacy.load_extract),
    ("Cutover of the item flow under a freeze", demo_freeze.cutover),
    ("Plant 1's MES: orders down, results up", demo_plant.run),
    ("Plant 2's WMS: transfers confirmed, stock reconciled", demo_wms.run),
    ("The legacy trial balance is posted", demo_legacy.post_trial_balance),
]
PREPARE_SCRIPT = _suite.ROOT / "setup" / "demo_prepare.py"


class Day:
    """What the steps share: Odoo over XML-RPC, the simulators, the pace, the printing."""

    def __init__(self, database, odoo_url, codes, speed, children):
        self.database, self.odoo_url, self.speed = database, odoo_url, speed
        self.codes = dict(codes)  # {kind: endpoint code}: mes, wms, legacy_erp
        self.children = children
        self.drop_folder = _suite.BUILD / "demo-drop" / database
        self.mes_url = f"http://127.0.0.1:{port('mes')}"
        self.wms_url = f"http://127.0.0.1:{port('wms')}"
        self.legacy = legacy_simulator.LegacySimulator(rows_per_table=0, root=self.drop_folder)
        self.state, self.flows, self.step = {}, {}, ""
        self.odoo = None
        self.live = True  # a summary every SUMMARY_EVERY seconds of waiting
        self._last_summary = time.monotonic()

    # ------------------------------------------------------------------ Odoo
    def call(self, model, method, args, kwargs=None):
        return self.odoo.models.execute_kw(
            self.database, self.odoo.uid, "admin", model, method, args, kwargs or {}
        )

    def read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", [domain], {"fields": fields, **kwargs})

    def count(self, model, domain):
        return self.call(model, "search_count", [domain])

    def last_id(self, model):
        found = self.call(model, "search", [[]], {"order": "id desc", "limit": 1})
        return found[0] if found else 0

    def inbound(self, keys):
        return demo_report.plant_messages(self.odoo, list(keys))

    def applied(self, keys):
        """The inbound messages with these keys are all done or failed."""
        messages = self.inbound(keys)
        finished = [m for m in messages if m["state"] in ("done", "failed")]
        return len(finished) == len(set(keys))

    def require(self, part, flow_codes):
        """RuntimeError naming the flows of ``flow_codes`` that the endpoint of ``part`` (a key
        of ``state``: mes, wms, legacy) lacks: the day needs them."""
        missing = [code for code in flow_codes if code not in self.state[part]["flows"]]
        if missing:
            endpoint = self.codes[PARTS[part]]
            raise RuntimeError(
                f"the day needs the flow(s) {', '.join(missing)} of endpoint {endpoint}, "
                "which it lacks or has not active"
            )

    def flow(self, code):
        """The id of the legacy ERP endpoint's flow ``code``."""
        self.require("legacy", (code,))
        return self.flows[code]

    def settled(self, flow_codes, waiting=0):
        """The legacy ERP's ``flow_codes`` have nothing to work, and ``waiting`` messages wait."""
        domain = [("flow_id", "in", [self.flow(code) for code in flow_codes])]
        busy = self.count(
            "integration.message", domain + [("state", "in", ("pending", "processing"))]
        )
        parked = self.count("integration.message", domain + [("state", "=", "waiting")])
        return not busy and parked == waiting

    # ------------------------------------------------------------------ pace and printing
    def say(self, text):
        print(f"  [{self.step}] {text}", flush=True)

    def pause(self, seconds):
        self._sleep(seconds / self.speed)

    def wait(self, check, timeout, what):
        """Poll ``check`` until it returns something true (the value); RuntimeError after
        ``timeout`` seconds (stretched by a slow ``speed``, never shortened)."""
        deadline = time.monotonic() + timeout * max(1.0, 1.0 / self.speed)
        while time.monotonic() < deadline:
            try:
                found = check()
            except (requests.RequestException, OSError, ValueError, KeyError):
                found = None
            if found:
                return found
            self._sleep(1)
        raise RuntimeError(f"{what}: not seen in Odoo within {timeout} s")

    def _sleep(self, seconds):
        end = time.monotonic() + seconds
        while True:
            for name, child in self.children.items():
                if child.poll() is not None:
                    raise RuntimeError(f"{name} stopped (exit {child.returncode})")
            due = time.monotonic() - self._last_summary >= SUMMARY_EVERY
            if self.odoo and self.live and due:
                self.summary()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 1))

    def summary(self):
        self._last_summary = time.monotonic()
        demo_report.print_summary(self)


def port(name):
    """The simulator's usual port when free, else a free one (its endpoint's URL follows)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", PREFERRED_PORTS[name]))
            return PREFERRED_PORTS[name]
        except OSError:
            return _suite.free_port()


def prepare(day):
    """Keys, endpoint URLs, drop folder, flat formats: set through ``odoo shell``."""
    print(
        "Preparing the day with endpoints "
        + ", ".join(f"{code} ({kind})" for kind, code in day.codes.items())
        + " (API keys, simulators' URLs, routing, the legacy drop folder)...",
        flush=True,
    )
    command = _suite.odoo_command("shell", "-d", day.database, "--no-http", "--log-level=warn")
    settings = {
        "mes_url": day.mes_url,
        "wms_url": day.wms_url,
        "drop_folder": str(day.drop_folder),
        "played_parameter": PLAYED_PARAMETER,
        "codes": day.codes,
    }
    script = f"SETTINGS = {settings!r}\n{PREPARE_SCRIPT.read_text()}"
    result = subprocess.run(command, input=script, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("DEMO_DAY "):
            state = json.loads(line.removeprefix("DEMO_DAY "))
            for note in state["notes"]:
                print(f"  {note}", flush=True)
            return state
    raise RuntimeError(f"odoo shell could not prepare the day:\n{result.stderr[-3000:]}")


def start_children(day, odoo_command):
    """The MES and WMS simulators and Odoo, each in its own session (Ctrl+C stops them once)."""
    day.children["MES simulator"] = demo_simulators.start(
        "mes", day.mes_url, day.odoo_url, day.codes["mes"], day.state["mes"]["key"]
    )
    day.children["WMS simulator"] = demo_simulators.start(
        "wms",
        day.wms_url,
        day.odoo_url,
        day.codes["wms"],
        day.state["wms"]["key"],
        extra=("--name", "P2WMS", "--auto-answer"),
    )
    day.children["Odoo"] = subprocess.Popen(odoo_command, start_new_session=True)
    day.legacy.start()
    print(
        f"Simulators: MES {day.mes_url}, WMS {day.wms_url}, legacy ERP {day.legacy.url} "
        f"(drop folder {day.drop_folder}); their logs in {_suite.BUILD / 'logs'}.",
        flush=True,
    )
    day.wait(lambda: requests.get(f"{day.odoo_url}/web/health", timeout=5).ok, 600, "Odoo")
    day.odoo = demo_report.Odoo(day.odoo_url, day.database)


def play_steps(day, last_step):
    """Steps 1..``last_step`` in order, each recorded in the database once played; True when
    all of them succeeded."""
    demo_legacy.seed(day.legacy, day.state["legacy"]["products"])
    for number in range(1, last_step + 1):
        title, step = STEPS[number - 1]
        day.step = f"step {number}"
        print(f"\n== Step {number}/{len(STEPS)}: {title}", flush=True)
        started = time.monotonic()
        try:
            step(day)
        except (RuntimeError, requests.RequestException, xmlrpc.client.Error) as error:
            print(f"Step {number} failed: {error}", flush=True)
            day.summary()
            return False
        day.call("ir.config_parameter", "set_param", [PLAYED_PARAMETER, str(number)])
        day.say(f"done in {time.monotonic() - started:.0f} s")
        day.summary()
    return True


def stop(day):
    for child in day.children.values():
        if child.poll() is None:
            child.terminate()
    for child in day.children.values():
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
    if day.legacy._thread:
        day.legacy.stop()


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def play(database, http_port, odoo_command, codes, speed=1.0, last_step=5, serve=True):
    """Play the day's steps not played yet up to ``last_step`` against the endpoints ``codes``
    (``{kind: code}``), then serve until Ctrl+C (``serve``) or return 0 when every step played
    succeeded, else 1."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    day = Day(database, f"http://127.0.0.1:{http_port}", codes, speed, {})
    ok = True
    try:
        day.state = prepare(day)
        day.flows = day.state["legacy"]["flows"]
        start_children(day, odoo_command)
        played = int(day.state["played"] or 0)
        older = not played and not all(o["fresh"] for o in day.state["mes"]["orders"].values())
        if older or played:
            print(
                f"\nThe day was played in {database} up to step {5 if older else played}: "
                "serving it as it is (--db names a new database to play the day again).",
                flush=True,
            )
            day.summary()
        else:
            ok = play_steps(day, last_step)
        demo_report.print_try_it(day.odoo_url, day.codes["mes"], day.state["mes"].get("curl_key"))
        if serve:
            url = day.odoo_url.replace("127.0.0.1", "localhost") + "/odoo"
            print(f"\nOpen {url} (admin/admin): the Integration overview. Ctrl+C stops.")
            day.live = False
            day.wait(lambda: False, float("inf"), "Ctrl+C")
    except RuntimeError as error:
        print(f"Demo stopped: {error}.", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Odoo and the simulators...", flush=True)
    finally:
        stop(day)
    return 0 if ok else 1
