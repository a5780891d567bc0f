"""Reading the MES's inbound messages: plain Python, no Odoo.

Each ``parse_*`` function takes a decoded JSON payload and returns a plain dict with checked
types (quantities as floats, times as naive UTC datetimes), or raises ``InvalidMessage`` listing
every problem at once, through the core's ``PayloadReader``. The JSON Schemas in ``schemas/``
document the same shapes for the MES side.
"""

from datetime import datetime, timezone

from odoo.addons.integration_core.lib.errors import InvalidMessage
from odoo.addons.integration_core.lib.payload import PayloadReader

EQUIPMENT_STATES = ("running", "idle", "down")
QUALITY_RESULTS = {"pass": True, "fail": False}

__all__ = ["InvalidMessage", "parse_equipment_event", "parse_performance", "parse_quality_result"]


def _envelope(reader, work_order_required=True):
    return {
        "message_id": reader.text("message_id"),
        "sent_at": reader.datetime("sent_at", required=False),
        "work_order": reader.text("work_order", required=work_order_required),
        "sequence": reader.integer("sequence", required=work_order_required, minimum=1),
    }


def _line(reader, *optional):
    """A consumed or scrapped line: a product and a positive quantity, ``optional`` texts."""
    line = {
        "product": reader.text("product"),
        "quantity": reader.decimal("quantity", positive=True),
    }
    line.update({key: reader.text(key, required=False) for key in optional})
    return line


def parse_performance(payload):
    """``production.performance``: what was produced, consumed and scrapped, and for how long."""
    reader = PayloadReader(payload)
    result = _envelope(reader)
    result["final"] = reader.boolean("final") is True
    result["produced"] = [
        produced
        for n, line in enumerate(reader.items("produced"))
        for produced in _produced(line, n)
    ]
    result["consumed"] = [_line(line, "uom", "lot") for line in reader.items("consumed")]
    result["scrap"] = [_line(line, "uom", "lot", "reason") for line in reader.items("scrap")]
    result["operations"] = [_operation(line) for line in reader.items("operations")]
    return reader.done(result)


def _produced(reader, n):
    """One produced line, or one line of one unit per serial number when it lists ``serials``."""
    common = {
        "line": n,  # the line the MES sent, for messages about a serial of a ``serials`` line
        "product": reader.text("product", required=False),
        "uom": reader.text("uom", required=False),
    }
    serials = reader.raw("serials")
    if serials is None:
        lot = reader.text("lot", required=False)
        return [dict(common, quantity=reader.decimal("quantity", positive=True), lot=lot)]
    if (
        not isinstance(serials, list)
        or not serials
        or not all(isinstance(serial, str) and serial.strip() for serial in serials)
    ):
        reader.problem("serials", "must be a non-empty list of non-empty texts")
        return []
    if reader.raw("lot") not in (None, ""):
        reader.problem("", "gives both lot and serials: give one of them")
    quantity = reader.decimal("quantity", required=False, positive=True)
    if quantity is not None and quantity != len(serials):
        reader.problem("quantity", f"is {quantity:g} but {len(serials)} serials are listed")
    return [dict(common, quantity=1.0, lot=serial.strip()) for serial in serials]


def _operation(reader):
    operation = {
        "operation_id": reader.text("operation_id"),
        "start": reader.datetime("start"),
        "end": reader.datetime("end"),
    }
    if operation["start"] and operation["end"] and operation["end"] < operation["start"]:
        reader.problem("end", "is before its start")
    return operation


def parse_equipment_event(payload):
    """``equipment.event``: a work center's state (running, idle, down) from start to end."""
    reader = PayloadReader(payload)
    result = _envelope(reader, work_order_required=False)
    result["work_center"] = reader.text("work_center")
    result["state"] = reader.enum("state", EQUIPMENT_STATES)
    result["reason"] = reader.text("reason", required=False)
    result["start"] = reader.datetime("start")
    result["end"] = reader.datetime("end", required=False)
    if result["start"] and result["end"] and result["end"] < result["start"]:
        reader.problem("end", "is before start")
    return reader.done(result)


def parse_quality_result(payload):
    """``quality.result``: one test of one lot, with its value and verdict."""
    reader = PayloadReader(payload)
    result = _envelope(reader, work_order_required=False)
    if result["work_order"] and result["sequence"] is None:
        reader.problem("", "a result for a work order needs its sequence")
    result["lot"] = reader.text("lot")
    result["product"] = reader.text("product", required=False)
    result["test"] = reader.text("test")
    result["value"] = reader.decimal("value", required=False)
    result["unit"] = reader.text("unit", required=False)
    result["passed"] = reader.enum("result", QUALITY_RESULTS) is True
    result["measured_at"] = reader.datetime("measured_at", required=False)
    return reader.done(result)


def outbound_request(payload, message_type, now=None):
    """The request that sends a queued work-order ``payload``, stamped with its sending time."""
    now = now or datetime.now(timezone.utc)
    body = dict(payload, sent_at=now.astimezone(timezone.utc).isoformat(timespec="seconds"))
    body["sent_at"] = body["sent_at"].replace("+00:00", "Z")
    return {"body": body, "headers": {"X-Message-Type": message_type}}
