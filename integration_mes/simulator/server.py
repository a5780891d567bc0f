"""The simulator's HTTP face: the ERP posts work orders to it, people and tests command it.

- ``POST /<any path>`` with a work-order message (``work_order.release``, ``.update``,
  ``.cancel``), plain or ``Content-Encoding: gzip``: recorded; 202, or 200 for a message id
  already received.
- ``GET /work-orders``: the work orders as last received; ``GET /received``: every message.
- ``POST /commands/<name>`` with a JSON object: ``produce``, ``release_held``, ``equipment``,
  ``quality`` (see ``MesSimulator``); answers what was sent and what the ERP replied.
"""

import collections
import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .plant import Plant

_logger = logging.getLogger(__name__)


class MesSimulator:
    """A plant MES on ``host:port`` that reports to the ERP through ``sender``."""

    def __init__(self, sender, host="127.0.0.1", port=0, name="MES"):
        self.plant = Plant(name)
        self.sender = sender
        self.held = []
        # Content-Encoding of the work-order requests received ("" for plain), by count.
        self.encodings = collections.Counter()
        handler = type("Handler", (_Handler,), {"simulator": self})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = None
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    # ------------------------------------------------------------------ commands
    def produce(
        self,
        work_order,
        quantity=None,
        lot=None,
        final=False,
        scrap=(),
        times=1,
        hold=False,
        component_lots=None,
        lots=None,
        serials=None,
    ):
        """Report a production run; ``times`` > 1 delivers it again, ``hold`` keeps it back.
        ``lots`` or ``serials`` report several lots or serial numbers in one result."""
        message = self.plant.performance(
            work_order,
            quantity,
            lot=lot,
            final=final,
            scrap=scrap,
            component_lots=component_lots,
            lots=lots,
            serials=serials,
        )
        return self._deliver(message, times, hold)

    def release_held(self):
        """Deliver the held-back messages now (after later ones: out of order)."""
        held, self.held = self.held, []
        return [self._deliver(message) for message in held]

    def equipment(self, work_center, state, reason=None, start=None, end=None):
        return self._deliver(self.plant.equipment_event(work_center, state, reason, start, end))

    def quality(self, lot, test, value, unit, passed, work_order=None, product=None):
        message = self.plant.quality_result(lot, test, value, unit, passed, work_order, product)
        return self._deliver(message)

    def _deliver(self, message, times=1, hold=False):
        if hold:
            self.held.append(message)
            return {"message": message, "held": True}
        replies = [self.sender.send(message) for _attempt in range(times)]
        _logger.info("Sent %s %s: %s", message["message_type"], message["message_id"], replies)
        return {"message": message, "replies": replies}

    def run_command(self, name, arguments):
        commands = {
            "produce": self.produce,
            "release_held": self.release_held,
            "equipment": self.equipment,
            "quality": self.quality,
        }
        if name not in commands:
            raise KeyError(name)
        return commands[name](**arguments)


class _Handler(BaseHTTPRequestHandler):
    """Answers for one ``MesSimulator`` (set on a subclass per simulator)."""

    simulator = None

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if self.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return json.loads(data or b"{}")

    def do_GET(self):
        if self.path == "/work-orders":
            return self._reply(200, self.simulator.plant.work_orders)
        if self.path == "/received":
            return self._reply(200, self.simulator.plant.received)
        return self._reply(404, {"error": "unknown path"})

    def do_POST(self):
        try:
            body = self._body()
        except ValueError:
            return self._reply(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return self._reply(400, {"error": "the body must be a JSON object"})
        if self.path.startswith("/commands/"):
            return self._command(self.path.removeprefix("/commands/"), body)
        if not str(body.get("message_type", "")).startswith("work_order."):
            return self._reply(400, {"error": "not a work-order message"})
        self.simulator.encodings[self.headers.get("Content-Encoding") or ""] += 1
        new = self.simulator.plant.receive(body)
        return self._reply(202 if new else 200, {"accepted": True, "duplicate": not new})

    def _command(self, name, arguments):
        try:
            return self._reply(200, self.simulator.run_command(name, arguments))
        except KeyError as error:
            return self._reply(404, {"error": f"unknown command or work order {error}"})
        except (TypeError, ValueError) as error:
            return self._reply(400, {"error": str(error)})

    def log_message(self, format, *args):
        _logger.debug("%s " + format, self.address_string(), *args)
