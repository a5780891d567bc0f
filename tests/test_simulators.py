import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.tests.http_test_server import LoopbackRequestsMixin

ROOT = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"simulator listening on (http://\S+)")


@tagged("post_install", "-at_install")
class TestSimulatorLaunchers(LoopbackRequestsMixin, BaseCase):
    """``setup/mes_simulator.py`` and ``setup/wms_simulator.py`` start their simulator as a
    process of its own, with no Odoo importable at all, and it answers over HTTP."""

    def launch(self, script, no_odoo):
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "setup" / script), "--port", "0", "--api-key", "k"],
            env=dict(os.environ, PYTHONPATH=os.pathsep.join([no_odoo, *sys.path])),
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(process.wait, 10)
        self.addCleanup(process.terminate)
        deadline = time.monotonic() + 60
        for line in process.stderr:
            found = LISTENING.search(line)
            if found or time.monotonic() > deadline:
                break
        self.assertTrue(found, f"{script} did not start: {line}")
        return found.group(1)

    def test_launchers_serve_without_odoo(self):
        with tempfile.TemporaryDirectory() as no_odoo:
            (Path(no_odoo) / "odoo").mkdir()
            (Path(no_odoo) / "odoo" / "__init__.py").write_text("raise ImportError('no Odoo')")
            for script, page in (
                ("mes_simulator.py", "/work-orders"),
                ("wms_simulator.py", "/stock"),
            ):
                url = self.launch(script, no_odoo)
                answer = requests.get(url + page, timeout=10)
                self.assertEqual(
                    (answer.status_code, answer.json()), (200, {} if "mes" in script else [])
                )
                unknown = requests.post(url + "/commands/nothing", json={}, timeout=10)
                self.assertEqual(unknown.status_code, 404)
