"""The demo's plant simulators (MES and WMS) as child processes, and their HTTP commands."""

import os
import subprocess
import sys

import _suite
import requests


def log_path(kind):
    """Where the ``kind`` simulator (mes, wms) writes its log."""
    return _suite.BUILD / "logs" / f"demo-{kind}-simulator.log"


def start(kind, url, odoo_url, endpoint, key, extra=()):
    """``setup/<kind>_simulator.py`` listening on ``url``'s port, sending to ``endpoint`` of
    ``odoo_url`` with the API key ``key`` (in its environment, never on its command line), in
    its own session (Ctrl+C stops it once, with the demo), its log in ``log_path(kind)``."""
    port = url.rsplit(":", 1)[1]
    command = [sys.executable, str(_suite.ROOT / "setup" / f"{kind}_simulator.py")]
    command += ["--port", port, "--odoo-url", odoo_url, "--endpoint", endpoint, *extra]
    log_file = log_path(kind)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, f"{kind.upper()}_SIMULATOR_API_KEY": key},
            start_new_session=True,
        )


def command(url, name, arguments=None, **keywords):
    """Run the simulator command ``name`` (``POST <url>/commands/<name>``); its JSON answer."""
    response = requests.post(
        f"{url}/commands/{name}", json={**(arguments or {}), **keywords}, timeout=120
    )
    response.raise_for_status()
    return response.json()
