"""The demo's Plant 2 warehouse: its WMS simulator beside Odoo, driven through a day's work.

``DemoWms.start`` (called by ``demo.py``) works in the background while the demo serves: it
issues a new API key on the PLANT2_WMS endpoint (through ``odoo shell``: only its hash is
stored), starts the WMS simulator as a child process (its log in
``.build/logs/demo-wms-simulator.log``), waits for Odoo and for the demo's receipt and delivery
of Plant 2 to reach the simulator (the queue's scheduled action sends them once the cron
workers are up), then commands the simulator as the warehouse would:

- the receipt: part of it (40 rolls of film, 12 sealant of a new lot with its expiry date)
  delivered twice (the second delivery has no effect), then the rest with one damaged roll,
  closed (no backorder);
- the delivery: shipped in two packages (SSCC) with the carrier's tracking number;
- a count that finds three differences, then a full inventory snapshot: its reconciliation run
  waits for a manager's approval in Integration > Reconciliation.

It prints what happened. A database whose warehouse already confirmed its transfers is served
without new work. The simulator listens on 127.0.0.1:8098, or on a free port when 8098 is
taken (the endpoint's URL follows).
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import _suite
import demo_report
import requests

SIMULATOR_PORT = 8098
SIMULATOR_LOG = _suite.BUILD / "logs" / "demo-wms-simulator.log"
TIMEOUT = 240
SHELL_SCRIPT = """
import json
state = {"transfers": {}}
endpoint = env.ref("manufacturing_integration.demo_endpoint_plant2_wms", raise_if_not_found=False)
key = env.ref("manufacturing_integration.demo_api_key_plant2_wms", raise_if_not_found=False)
if endpoint and key and endpoint.system_type == "wms":
    if endpoint.url != URL:
        endpoint.url = URL
    state["key"] = key._issue()
    for name in ("receipt", "delivery"):
        picking = env.ref(
            "manufacturing_integration.demo_picking_plant2_" + name, raise_if_not_found=False
        )
        if picking and picking.wms_transfer:
            state["transfers"][name] = {"reference": picking.wms_transfer, "state": picking.state}
    env.cr.commit()
print("DEMO_WMS " + json.dumps(state))
"""


def _say(text):
    print(f"[Plant 2 WMS] {text}", flush=True)


def _free_port():
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", SIMULATOR_PORT))
            return SIMULATOR_PORT
        except OSError:
            return _suite.free_port()


class DemoWms:
    """The WMS simulator and its work, in a background thread of the demo."""

    def __init__(self, database, odoo_port):
        self.database = database
        self.odoo_url = f"http://127.0.0.1:{odoo_port}"
        self.simulator_url = f"http://127.0.0.1:{_free_port()}"
        self.child = None
        self.stopping = threading.Event()

    def start(self):
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self):
        self.stopping.set()
        if self.child and self.child.poll() is None:
            self.child.terminate()
            try:
                self.child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.child.kill()

    # ------------------------------------------------------------------ steps
    def _run(self):
        try:
            state = self._prepare()
            if "key" not in state:
                _say("no PLANT2_WMS endpoint in this database: no WMS simulator.")
                return
            self._start_simulator(state["key"])
            transfers = state["transfers"]
            if set(transfers) != {"receipt", "delivery"}:
                _say("this database has no released Plant 2 transfers: the simulator waits.")
                return
            if any(t["state"] in ("done", "cancel") for t in transfers.values()):
                _say("the warehouse already confirmed its transfers in this database.")
                return
            self._work(transfers["receipt"]["reference"], transfers["delivery"]["reference"])
        except (requests.RequestException, RuntimeError, OSError, ValueError) as error:
            _say(f"stopped: {error}")

    def _prepare(self):
        command = _suite.odoo_command("shell", "-d", self.database, "--no-http", "--log-level=warn")
        script = f"URL = {self.simulator_url!r}\n{SHELL_SCRIPT}"
        result = subprocess.run(command, input=script, capture_output=True, text=True, check=False)
        for line in result.stdout.splitlines():
            if line.startswith("DEMO_WMS "):
                return json.loads(line.removeprefix("DEMO_WMS "))
        raise RuntimeError(f"odoo shell could not prepare the WMS:\n{result.stderr[-2000:]}")

    def _start_simulator(self, key):
        port = self.simulator_url.rsplit(":", 1)[1]
        command = [sys.executable, str(_suite.ROOT / "setup" / "wms_simulator.py")]
        command += ["--port", port, "--odoo-url", self.odoo_url, "--endpoint", "PLANT2_WMS"]
        command += ["--name", "P2WMS", "--auto-answer"]
        SIMULATOR_LOG.parent.mkdir(parents=True, exist_ok=True)
        with SIMULATOR_LOG.open("a") as log:
            self.child = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "WMS_SIMULATOR_API_KEY": key},
                start_new_session=True,
            )
        _say(f"WMS simulator on {self.simulator_url} (log: {SIMULATOR_LOG}).")

    def _wait(self, check, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not self.stopping.is_set():
            try:
                found = check()
            except (requests.RequestException, OSError, ValueError):
                found = None
            if found:
                return found
            time.sleep(2)
        raise RuntimeError(f"{what} did not happen within {TIMEOUT} s")

    def _command(self, name, **arguments):
        response = requests.post(
            f"{self.simulator_url}/commands/{name}", json=arguments, timeout=120
        )
        response.raise_for_status()
        return response.json()

    def _work(self, receipt, delivery):
        self._wait(lambda: requests.get(f"{self.odoo_url}/web/health", timeout=5).ok, "Odoo")
        _say(f"waiting for {receipt} and {delivery} to reach the WMS...")

        def arrived():
            orders = requests.get(f"{self.simulator_url}/transfer-orders", timeout=10).json()
            return receipt in orders and delivery in orders

        self._wait(arrived, "the transfer orders' arrival")
        orders = requests.get(f"{self.simulator_url}/transfer-orders", timeout=10).json()
        stock = orders[delivery]["source_location"]
        expiry = (datetime.now(timezone.utc) + timedelta(days=365)).date().isoformat()
        sent = [
            self._command(
                "receive",
                transfer=receipt,
                lines=[
                    {"product": "FILM-500", "quantity": 40},
                    {
                        "product": "SEAL-20",
                        "quantity": 12,
                        "lots": [{"lot": "SEAL-L200", "quantity": 12, "expiration_date": expiry}],
                    },
                ],
                times=2,
            ),
            self._command(
                "receive",
                transfer=receipt,
                lines=[
                    {
                        "product": "FILM-500",
                        "quantity": 19,
                        "damaged": [{"quantity": 1, "reason": "TORN"}],
                    },
                    {
                        "product": "SEAL-20",
                        "quantity": 8,
                        "lots": [{"lot": "SEAL-L200", "quantity": 8}],
                    },
                ],
                closed=True,
            ),
            self._command(
                "ship",
                transfer=delivery,
                lines=[
                    {"product": "FILM-500", "quantity": 20, "package": "340123450000000019"},
                    {"product": "FILM-500", "quantity": 10, "package": "340123450000000026"},
                    {
                        "product": "SEAL-20",
                        "quantity": 10,
                        "lot": "SEAL-L100",
                        "package": "340123450000000026",
                    },
                ],
                tracking="DHL-7731-0042",
                weight=412.5,
            ),
        ]
        keys = [answer["message"]["message_id"] for answer in sent]
        odoo = demo_report.Odoo(self.odoo_url, self.database)

        def applied():
            messages = demo_report.plant_messages(odoo, keys)
            done = [m for m in messages if m["state"] in ("done", "failed")]
            return messages if len(done) == len(keys) else None

        states = {m["idempotency_key"]: m["state"] for m in self._wait(applied, "applying")}
        for answer in sent:
            message = answer["message"]
            statuses = [reply["status"] for reply in answer["replies"]]
            _say(
                f"{message['message_type']} {message['transfer']} #{message['sequence']}: "
                f"HTTP {statuses} -> {states.get(message['message_id'])}"
            )
        # The warehouse's book as Odoo has it now, then a count with three real differences.
        for product, location, quantity, lot in (
            ("FILM-500", stock, 146, None),
            ("SEAL-20", stock, 29, "SEAL-L100"),
            ("SEAL-20", stock, 20, "SEAL-L200"),
            ("FILM-500", "P2-DAMAGED", 2, None),
        ):
            self._command("count", product=product, location=location, quantity=quantity, lot=lot)
        self._command("snapshot", warehouse="P2")
        _say(
            "a snapshot with three differences was sent: its run waits for approval in "
            "Integration > Reconciliation."
        )
