"""The simulator kit the connectors' simulators are built on, over real loopback HTTP."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import requests

from odoo.tests import BaseCase, tagged

from ..simulator_kit import CommandSimulator, HttpSender
from .http_test_server import LoopbackRequestsMixin, Reply, ScriptedHttpServer


class Recorder:
    """A sender that keeps what it is given."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message["message_id"])
        return {"status": 202}


class Counter(CommandSimulator):
    """A system that takes ``tick`` messages and sends numbered ones on command."""

    commands = ("send", "release_held")
    subject = "counter"

    def __init__(self, sender):
        super().__init__(sender)
        self.ticks = {}

    def pages(self):
        return {"/ticks": lambda: self.ticks}

    def accept(self, message, path, headers):
        if message.get("message_type") != "tick":
            raise ValueError("not a tick")
        new = message["message_id"] not in self.ticks
        self.ticks[message["message_id"]] = path
        return new

    def send(self, number, times=1, hold=False):
        if number < 0:
            raise KeyError(number)
        return self._deliver({"message_id": f"N{number}", "message_type": "n"}, times, hold)


@tagged("post_install", "-at_install")
class TestSimulatorKit(LoopbackRequestsMixin, BaseCase):
    def setUp(self):
        super().setUp()
        self.sender = Recorder()
        self.simulator = Counter(self.sender).start()
        self.addCleanup(self.simulator.stop)

    def post(self, path, data, headers=None):
        return requests.post(self.simulator.url + path, data=data, headers=headers, timeout=10)

    def command(self, name, **arguments):
        return self.post(f"/commands/{name}", json.dumps(arguments))

    def test_commands_send_again_hold_back_and_release(self):
        answer = self.command("send", number=1, times=2)
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["replies"], [{"status": 202}, {"status": 202}])
        self.assertTrue(self.command("send", number=2, hold=True).json()["held"])
        self.command("send", number=3)
        self.assertEqual(len(self.command("release_held").json()), 1)
        self.assertEqual(self.sender.sent, ["N1", "N1", "N3", "N2"], "held back: out of order")

    def test_only_the_command_table_is_callable_and_errors_are_4xx(self):
        for name in ("stop", "accept", "_deliver", "nothing"):
            answer = self.command(name)
            self.assertEqual(answer.status_code, 404, name)
            self.assertIn("unknown command or counter", answer.json()["error"])
        self.assertEqual(self.command("send", number=-1).status_code, 404, "unknown key")
        self.assertEqual(self.command("send", wrong=1).status_code, 400, "wrong arguments")
        self.assertEqual(self.sender.sent, [])

    def test_messages_plain_or_gzip_duplicates_and_refusals(self):
        tick = json.dumps({"message_id": "T1", "message_type": "tick"}).encode()
        self.assertEqual(self.post("/in", tick).status_code, 202)
        duplicate = self.post("/again", gzip.compress(tick), {"Content-Encoding": "gzip"})
        self.assertEqual((duplicate.status_code, duplicate.json()["duplicate"]), (200, True))
        self.assertEqual(
            requests.get(self.simulator.url + "/ticks", timeout=10).json(), {"T1": "/again"}
        )
        refusals = {
            b"not json": "the body must be JSON",
            b"[1]": "the body must be a JSON object",
            b'{"message_type": "tock"}': "not a tick",
        }
        for body, error in refusals.items():
            answer = self.post("/in", body)
            self.assertEqual((answer.status_code, answer.json()["error"]), (400, error))
        answer = self.post("/in", b"not gzip", {"Content-Encoding": "gzip"})
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(requests.get(self.simulator.url + "/nope", timeout=10).status_code, 404)

    def test_http_sender_posts_to_the_flow_with_the_api_key(self):
        with ScriptedHttpServer() as odoo:
            odoo.script(Reply(202, body='{"ids": [1]}'), Reply(200, body='{"ids": [1]}'))
            sender = HttpSender(odoo.url, "PLANT_X", "key-1", timeout=5)
            message = {"message_id": "M1", "message_type": "quality.result"}
            self.assertEqual(sender.send(message), {"status": 202, "body": {"ids": [1]}})
            sender.gzip = True
            self.assertEqual(sender.send(message)["status"], 200)
        plain, zipped = odoo.requests
        self.assertEqual(plain.path, "/integration/v1/PLANT_X/quality.result")
        self.assertEqual(plain.headers["authorization"], "Bearer key-1")
        self.assertEqual(json.loads(plain.body), message)
        self.assertEqual(zipped.headers["content-encoding"], "gzip")
        self.assertEqual(json.loads(gzip.decompress(zipped.body)), message)

    def test_the_kit_runs_without_odoo(self):
        code = "import sys, simulator_kit; print(sorted(m for m in sys.modules if m[:4] == 'odoo'))"
        folder = Path(__file__).resolve().parents[1]
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True
        )
        self.assertEqual(result.stdout.strip(), "[]")
