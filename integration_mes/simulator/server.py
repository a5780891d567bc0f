"""The simulator's HTTP face: the ERP posts work orders to it, people and tests command it.

- ``POST /<any path>`` with a work-order message (``work_order.release``, ``.update``,
  ``.cancel``), plain or ``Content-Encoding: gzip``: recorded; 202, or 200 for a message id
  already received.
- ``GET /work-orders``: the work orders as last received; ``GET /received``: every message.
- ``POST /commands/<name>`` with a JSON object: ``produce``, ``release_held``, ``equipment``,
  ``quality`` (see ``MesSimulator``); answers what was sent and what the ERP replied.
"""

import collections

from . import kit
from .plant import Plant


class MesSimulator(kit.CommandSimulator):
    """A plant MES on ``host:port`` that reports to the ERP through ``sender``."""

    commands = ("produce", "release_held", "equipment", "quality")
    subject = "work order"

    def __init__(self, sender, host="127.0.0.1", port=0, name="MES"):
        super().__init__(sender, host, port)
        self.plant = Plant(name)
        # Content-Encoding of the work-order requests received ("" for plain), by count.
        self.encodings = collections.Counter()

    def pages(self):
        return {
            "/work-orders": lambda: self.plant.work_orders,
            "/received": lambda: self.plant.received,
        }

    def accept(self, message, path, headers):
        if not str(message.get("message_type", "")).startswith("work_order."):
            raise ValueError("not a work-order message")
        self.encodings[headers.get("Content-Encoding") or ""] += 1
        return self.plant.receive(message)

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

    def equipment(self, work_center, state, reason=None, start=None, end=None):
        return self._deliver(self.plant.equipment_event(work_center, state, reason, start, end))

    def quality(self, lot, test, value, unit, passed, work_order=None, product=None):
        message = self.plant.quality_result(lot, test, value, unit, passed, work_order, product)
        return self._deliver(message)
