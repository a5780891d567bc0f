"""The simulator's HTTP face: Odoo posts transfer orders to it, people and tests command it.

- ``POST /<any path>`` with a transfer order (``transfer_order.release``, ``.update``,
  ``.cancel``): recorded; 202, or 200 for a message id already received. An
  ``inventory.snapshot.request`` (``{"warehouse", "scope", "requested_at"}``) is answered
  with a snapshot of the stock book (at once with ``auto_answer``, else on command).
- ``GET /transfer-orders``: the orders as last received; ``GET /received``: every message;
  ``GET /stock``: the stock book.
- ``POST /commands/<name>`` with a JSON object: ``receive``, ``ship``, ``adjust``, ``count``,
  ``snapshot``, ``answer_requests``, ``release_held``, ``poll`` (see ``WmsSimulator``);
  answers what was sent and what Odoo replied.
"""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .warehouse import Warehouse

_logger = logging.getLogger(__name__)


class WmsSimulator:
    """A WMS on ``host:port`` that reports to Odoo through ``sender``; ``readers`` fetch the
    transfer orders Odoo sends by RabbitMQ or drop folder (``poll``)."""

    def __init__(self, sender, host="127.0.0.1", port=0, name="WMS", readers=(), auto_answer=False):
        self.warehouse = Warehouse(name)
        self.sender = sender
        self.readers = list(readers)
        self.auto_answer = auto_answer
        self.held = []
        self.requests = []
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

    # ------------------------------------------------------------------ from Odoo
    def take(self, message, where=""):
        """A message from Odoo: a transfer order, or a snapshot request; True when new."""
        if "requested_at" in message and not message.get("message_type"):
            self.requests.append(message)
            if self.auto_answer:
                threading.Timer(1.0, self.answer_requests).start()
            return True
        return self.warehouse.receive(message)

    def poll(self):
        """Fetch what Odoo sent by RabbitMQ or drop folder; how many messages."""
        return {"taken": sum(reader.drain(self) for reader in self.readers)}

    # ------------------------------------------------------------------ commands
    def receive(self, transfer, lines=None, closed=False, times=1, hold=False):
        """Confirm a receipt; ``times`` > 1 delivers it again, ``hold`` keeps it back."""
        return self._deliver(self.warehouse.receipt(transfer, lines, closed), times, hold)

    def ship(
        self, transfer, lines=None, closed=False, tracking=None, weight=None, times=1, hold=False
    ):
        message = self.warehouse.shipment(transfer, lines, closed, tracking, weight)
        return self._deliver(message, times, hold)

    def adjust(self, product, location, quantity_delta, reason, lot=None, times=1):
        message = self.warehouse.adjustment(product, location, quantity_delta, reason, lot)
        return self._deliver(message, times)

    def count(self, product, location, quantity, lot=None):
        """Change the stock book without telling Odoo: a difference the next snapshot shows."""
        return self.warehouse.count(product, location, quantity, lot)

    def snapshot(self, warehouse=None, as_of=None, chunk_size=0):
        messages = self.warehouse.snapshot(warehouse, as_of, chunk_size)
        return [self._deliver(message) for message in messages]

    def answer_requests(self):
        """Send a full snapshot for each snapshot request received."""
        requests_, self.requests = self.requests, []
        return [self.snapshot(request.get("warehouse")) for request in requests_]

    def release_held(self):
        """Deliver the held-back messages now (after later ones: out of order)."""
        held, self.held = self.held, []
        return [self._deliver(message) for message in held]

    def _deliver(self, message, times=1, hold=False):
        if hold:
            self.held.append(message)
            return {"message": message, "held": True}
        replies = [self.sender.send(message) for _attempt in range(times)]
        _logger.info("Sent %s %s: %s", message["message_type"], message["message_id"], replies)
        return {"message": message, "replies": replies}

    def run_command(self, name, arguments):
        commands = {
            "receive": self.receive,
            "ship": self.ship,
            "adjust": self.adjust,
            "count": self.count,
            "snapshot": self.snapshot,
            "answer_requests": self.answer_requests,
            "release_held": self.release_held,
            "poll": self.poll,
        }
        if name not in commands:
            raise KeyError(name)
        return commands[name](**arguments)


class _Handler(BaseHTTPRequestHandler):
    """Answers for one ``WmsSimulator`` (set on a subclass per simulator)."""

    simulator = None

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        warehouse = self.simulator.warehouse
        pages = {
            "/transfer-orders": lambda: warehouse.orders,
            "/received": lambda: warehouse.received,
            "/stock": lambda: [
                {"product": product, "location": location, "lot": lot, "quantity": quantity}
                for (product, location, lot), quantity in warehouse.stock.items()
            ],
        }
        if self.path not in pages:
            return self._reply(404, {"error": "unknown path"})
        return self._reply(200, pages[self.path]())

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._reply(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return self._reply(400, {"error": "the body must be a JSON object"})
        if self.path.startswith("/commands/"):
            return self._command(self.path.removeprefix("/commands/"), body)
        kind = str(body.get("message_type", ""))
        if not kind.startswith("transfer_order.") and "requested_at" not in body:
            return self._reply(400, {"error": "not a transfer order or a snapshot request"})
        new = self.simulator.take(body, self.path)
        return self._reply(202 if new else 200, {"accepted": True, "duplicate": not new})

    def _command(self, name, arguments):
        try:
            return self._reply(200, self.simulator.run_command(name, arguments))
        except KeyError as error:
            return self._reply(404, {"error": f"unknown command or transfer {error}"})
        except (TypeError, ValueError) as error:
            return self._reply(400, {"error": str(error)})

    def log_message(self, format, *args):
        _logger.debug("%s " + format, self.address_string(), *args)
