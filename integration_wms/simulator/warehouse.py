"""The simulated warehouse: the transfer orders it holds, its own stock book, its messages."""

import copy
import itertools
from datetime import datetime, timezone


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Warehouse:
    """What a WMS knows: transfer orders as last received, stock per product, location and
    lot (its own book: receipts add, shipments take, adjustments and counts change it), and
    the numbers of the messages it sends (a ``sequence`` per transfer)."""

    def __init__(self, name="WMS", warehouse="WH"):
        self.name = name
        self.warehouse = warehouse
        self.orders = {}
        self.received = []
        self.message_ids = set()
        self.stock = {}
        self._sequences = {}
        self._numbers = itertools.count(1)

    # ------------------------------------------------------------------ from Odoo
    def receive(self, message):
        """Record a transfer order message; False when its message id came before."""
        if message.get("message_id") in self.message_ids:
            return False
        self.message_ids.add(message.get("message_id"))
        self.received.append(message)
        transfer = message.get("transfer")
        if message.get("message_type") == "transfer_order.cancel":
            self.orders.setdefault(transfer, {})["cancelled"] = True
        elif transfer:
            self.orders[transfer] = copy.deepcopy(message)
        return True

    # ------------------------------------------------------------------ to Odoo
    def _envelope(self, message_type, transfer=None):
        number = next(self._numbers)
        message = {
            "message_id": f"{self.name}:{message_type}:{number}",
            "message_type": message_type,
            "sent_at": now_iso(),
        }
        if transfer:
            sequence = self._sequences.get(transfer, 0) + 1
            self._sequences[transfer] = sequence
            message.update(transfer=transfer, sequence=sequence)
        return message

    def order(self, transfer):
        if transfer not in self.orders or self.orders[transfer].get("cancelled"):
            raise KeyError(transfer)
        return self.orders[transfer]

    def receipt(self, transfer, lines=None, closed=False):
        """A receipt confirmation; ``lines`` default to every ordered line in full."""
        order = self.order(transfer)
        if lines is None:
            lines = [
                {"product": line["product"], "quantity": line["quantity"]}
                for line in order["lines"]
            ]
        message = dict(self._envelope("receipt.confirmation", transfer), closed=closed)
        message["lines"] = lines
        for line in lines:
            location = order.get("destination_location")
            for lot in line.get("lots") or [{"lot": None, "quantity": line["quantity"]}]:
                self._book(line["product"], location, lot["lot"], lot["quantity"])
        return message

    def shipment(self, transfer, lines=None, closed=False, tracking=None, weight=None):
        """A shipment confirmation; ``lines`` default to every ordered line in one package."""
        order = self.order(transfer)
        if lines is None:
            lines = [
                {"product": line["product"], "quantity": line["quantity"], "package": "SSCC-1"}
                for line in order["lines"]
            ]
        message = dict(self._envelope("shipment.confirmation", transfer), closed=closed)
        message.update(tracking_reference=tracking, weight_kg=weight, lines=lines)
        for line in lines:
            location = line.get("location") or order.get("source_location")
            self._book(line["product"], location, line.get("lot"), -line["quantity"])
        return message

    def adjustment(self, product, location, quantity_delta, reason, lot=None):
        message = self._envelope("stock.adjustment")
        message.update(
            adjustment_id=f"ADJ-{message['message_id'].rsplit(':', 1)[1]}",
            product=product,
            location=location,
            quantity_delta=quantity_delta,
            reason=reason,
        )
        if lot:
            message["lot"] = lot
        self._book(product, location, lot, quantity_delta)
        return message

    def count(self, product, location, quantity, lot=None):
        """A count that finds ``quantity`` (a real difference Odoo does not know of)."""
        self.stock[(product, location, lot)] = quantity
        return {"product": product, "location": location, "lot": lot, "quantity": quantity}

    def snapshot(self, warehouse=None, as_of=None, chunk_size=0):
        """The stock book as inventory snapshot messages (several chunks when it is long)."""
        lines = [
            dict({"product": product, "location": location, "quantity": quantity}, **lot_of(lot))
            for (product, location, lot), quantity in sorted(
                self.stock.items(), key=lambda item: tuple(str(part) for part in item[0])
            )
        ]
        size = chunk_size or max(len(lines), 1)
        chunks = [lines[start : start + size] for start in range(0, len(lines), size)] or [[]]
        snapshot_id = f"{self.name}:snapshot:{next(self._numbers)}"
        messages = []
        for number, chunk in enumerate(chunks, start=1):
            message = self._envelope("inventory.snapshot")
            message.update(
                snapshot_id=snapshot_id,
                as_of=as_of or now_iso(),
                scope="full",
                warehouse=warehouse or self.warehouse,
                chunk=number,
                chunks=len(chunks),
                lines=chunk,
            )
            messages.append(message)
        return messages

    def _book(self, product, location, lot, quantity):
        if not location:
            return
        key = (product, location, lot)
        self.stock[key] = self.stock.get(key, 0) + quantity
        if not self.stock[key]:
            del self.stock[key]


def lot_of(lot):
    return {"lot": lot} if lot else {}
