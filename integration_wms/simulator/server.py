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

import threading

from . import kit
from .warehouse import Warehouse


class WmsSimulator(kit.CommandSimulator):
    """A WMS on ``host:port`` that reports to Odoo through ``sender``; ``readers`` fetch the
    transfer orders Odoo sends by RabbitMQ or drop folder (``poll``)."""

    commands = (
        "receive",
        "ship",
        "adjust",
        "count",
        "snapshot",
        "answer_requests",
        "release_held",
        "poll",
    )
    subject = "transfer"

    def __init__(self, sender, host="127.0.0.1", port=0, name="WMS", readers=(), auto_answer=False):
        super().__init__(sender, host, port)
        self.warehouse = Warehouse(name)
        self.readers = list(readers)
        self.auto_answer = auto_answer
        self.requests = []

    def pages(self):
        warehouse = self.warehouse
        return {
            "/transfer-orders": lambda: warehouse.orders,
            "/received": lambda: warehouse.received,
            "/stock": lambda: [
                {"product": product, "location": location, "lot": lot, "quantity": quantity}
                for (product, location, lot), quantity in warehouse.stock.items()
            ],
        }

    def accept(self, message, path, headers):
        kind = str(message.get("message_type", ""))
        if not kind.startswith("transfer_order.") and "requested_at" not in message:
            raise ValueError("not a transfer order or a snapshot request")
        return self.take(message, path)

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
