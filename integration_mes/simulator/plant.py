"""The plant: work orders received from the ERP and the messages it reports about them."""

import threading
import uuid
from datetime import datetime, timedelta, timezone


def now_iso(moment=None):
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Plant:
    """Keeps the work orders as last received and numbers each one's results.

    ``sequence`` numbers every result of a work order (production and quality alike), from 1,
    as the ERP applies them in that order.
    """

    def __init__(self, name="MES"):
        self.name = name
        self.work_orders = {}
        self.received = []
        self._sequences = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ from the ERP
    def receive(self, message):
        """Record a work-order message; False when its message id was already received."""
        with self._lock:
            if any(m.get("message_id") == message.get("message_id") for m in self.received):
                return False
            self.received.append(message)
            reference = message.get("work_order")
            if message.get("message_type") == "work_order.cancel":
                self.work_orders.setdefault(reference, {})["cancelled"] = True
            else:
                self.work_orders[reference] = dict(message, cancelled=False)
            return True

    # ------------------------------------------------------------------ to the ERP
    def next_sequence(self, reference):
        with self._lock:
            self._sequences[reference] = self._sequences.get(reference, 0) + 1
            return self._sequences[reference]

    def _envelope(self, message_type, reference=None):
        message = {
            "message_id": f"{self.name}-{uuid.uuid4().hex[:12]}",
            "message_type": message_type,
            "sent_at": now_iso(),
        }
        if reference:
            message.update(work_order=reference, sequence=self.next_sequence(reference))
        return message

    def performance(
        self,
        reference,
        quantity=None,
        lot=None,
        final=False,
        scrap=(),
        minutes=None,
        component_lots=None,
        lots=None,
        serials=None,
    ):
        """A production result: ``quantity`` made, components consumed as the order planned.

        ``lots`` (``[{"lot": ..., "quantity": ...}]``) reports several lots at once, ``serials``
        (``["SN-1", ...]``) serial numbers; the quantity is then their total.
        """
        order = self.work_orders[reference]
        if lots:
            quantity = sum(line["quantity"] for line in lots)
            produced = [dict(line, uom=order["uom"]) for line in lots]
        elif serials:
            quantity = len(serials)
            produced = [{"serials": list(serials), "uom": order["uom"]}]
        else:
            quantity = quantity or 0
            produced = [{"quantity": quantity, "uom": order["uom"], "lot": lot}] if quantity else []
        per_unit = order["quantity"] or 1
        consumed = []
        for component in order.get("components", []):
            used = round(component["quantity"] * quantity / per_unit, 6)
            if not used:
                continue
            line = {"product": component["product"], "quantity": used, "uom": component["uom"]}
            lots = (component_lots or {}).get(component["product"]) or [
                lot_line["lot"] for lot_line in component.get("lots", [])
            ]
            if lots:
                line["lot"] = lots[0]
            consumed.append(line)
        message = self._envelope("production.performance", reference)
        message.update(
            final=final,
            produced=produced,
            consumed=consumed if quantity else [],
            scrap=[dict(line) for line in scrap],
            operations=self._operation_times(order, minutes) if quantity else [],
        )
        return message

    def _operation_times(self, order, minutes):
        end = datetime.now(timezone.utc).replace(microsecond=0)
        times = []
        for operation in reversed(order.get("operations", [])):
            start = end - timedelta(minutes=minutes or operation["duration_minutes"] or 1)
            times.append(
                {
                    "operation_id": operation["operation_id"],
                    "start": now_iso(start),
                    "end": now_iso(end),
                }
            )
            end = start
        return list(reversed(times))

    def equipment_event(self, work_center, state, reason=None, start=None, end=None):
        message = self._envelope("equipment.event")
        message.update(
            work_center=work_center, state=state, reason=reason, start=start or now_iso(), end=end
        )
        return message

    def quality_result(self, lot, test, value, unit, passed, reference=None, product=None):
        message = self._envelope("quality.result", reference)
        message.update(
            lot=lot,
            product=product,
            test=test,
            value=value,
            unit=unit,
            result="pass" if passed else "fail",
            measured_at=now_iso(),
        )
        return message
