"""Reading the MES's inbound messages: plain Python, no Odoo.

Each ``parse_*`` function takes a decoded JSON payload and returns a plain dict with checked
types (quantities as floats, times as naive UTC datetimes), or raises ``InvalidMessage`` listing
every problem at once, so the exception a person reads says all that is wrong with the message.
The JSON Schemas in ``schemas/`` document the same shapes for the MES side.
"""

from datetime import datetime, timezone

EQUIPMENT_STATES = ("running", "idle", "down")
QUALITY_RESULTS = ("pass", "fail")


class InvalidMessage(ValueError):
    """The payload does not have the documented shape."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("Invalid message: " + "; ".join(self.problems) + ".")


class _Reader:
    """Collects problems while reading fields, so all of them are reported together."""

    def __init__(self, payload):
        self.problems = []
        if not isinstance(payload, dict):
            raise InvalidMessage(["the payload must be a JSON object"])
        self.payload = payload

    def text(self, data, key, where="", required=True):
        value = data.get(key)
        if value in (None, "") and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}{key} must be a non-empty text")
            return None
        return value.strip()

    def number(self, data, key, where="", positive=True, required=True):
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(f"{where}{key} must be a number")
            return None
        if positive and value <= 0:
            self.problems.append(f"{where}{key} must be positive")
            return None
        return float(value)

    def integer(self, data, key, minimum=1, required=True):
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problems.append(f"{key} must be an integer of at least {minimum}")
            return None
        return value

    def moment(self, data, key, where="", required=True):
        value = data.get(key)
        if value in (None, "") and not required:
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.problems.append(f"{where}{key} must be an ISO 8601 date and time")
        return parsed

    def items(self, key):
        value = self.payload.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problems.append(f"{key} must be a list of objects")
            return []
        return value

    def envelope(self, work_order_required=True):
        data = self.payload
        return {
            "message_id": self.text(data, "message_id"),
            "sent_at": self.moment(data, "sent_at", required=False),
            "work_order": self.text(data, "work_order", required=work_order_required),
            "sequence": self.integer(data, "sequence", required=work_order_required),
        }

    def done(self, result):
        if self.problems:
            raise InvalidMessage(self.problems)
        return result


def parse_datetime(value):
    """A naive UTC datetime from ISO 8601 text (``Z`` or an offset; naive means UTC), or None."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def parse_performance(payload):
    """``production.performance``: what was produced, consumed and scrapped, and for how long."""
    reader = _Reader(payload)
    result = reader.envelope()
    final = payload.get("final", False)
    if not isinstance(final, bool):
        reader.problems.append("final must be true or false")
    result["final"] = final is True
    result["produced"] = [
        produced
        for n, line in enumerate(reader.items("produced"))
        for produced in _produced(reader, line, n)
    ]
    result["consumed"] = [
        {
            "product": reader.text(line, "product", f"consumed[{n}]."),
            "quantity": reader.number(line, "quantity", f"consumed[{n}]."),
            "uom": reader.text(line, "uom", f"consumed[{n}].", required=False),
            "lot": reader.text(line, "lot", f"consumed[{n}].", required=False),
        }
        for n, line in enumerate(reader.items("consumed"))
    ]
    result["scrap"] = [
        {
            "product": reader.text(line, "product", f"scrap[{n}]."),
            "quantity": reader.number(line, "quantity", f"scrap[{n}]."),
            "uom": reader.text(line, "uom", f"scrap[{n}].", required=False),
            "lot": reader.text(line, "lot", f"scrap[{n}].", required=False),
            "reason": reader.text(line, "reason", f"scrap[{n}].", required=False),
        }
        for n, line in enumerate(reader.items("scrap"))
    ]
    result["operations"] = [
        _operation(reader, line, n) for n, line in enumerate(reader.items("operations"))
    ]
    return reader.done(result)


def _produced(reader, line, n):
    """One produced line, or one line of one unit per serial number when it lists ``serials``."""
    where = f"produced[{n}]."
    common = {
        "line": n,  # the line the MES sent, for messages about a serial of a ``serials`` line
        "product": reader.text(line, "product", where, required=False),
        "uom": reader.text(line, "uom", where, required=False),
    }
    serials = line.get("serials")
    if serials is None:
        lot = reader.text(line, "lot", where, required=False)
        return [dict(common, quantity=reader.number(line, "quantity", where), lot=lot)]
    if (
        not isinstance(serials, list)
        or not serials
        or not all(isinstance(serial, str) and serial.strip() for serial in serials)
    ):
        reader.problems.append(f"{where}serials must be a non-empty list of non-empty texts")
        return []
    if line.get("lot") not in (None, ""):
        reader.problems.append(f"{where}gives both lot and serials: give one of them")
    quantity = reader.number(line, "quantity", where, required=False)
    if quantity is not None and quantity != len(serials):
        reader.problems.append(
            f"{where}quantity is {quantity:g} but {len(serials)} serials are listed"
        )
    return [dict(common, quantity=1.0, lot=serial.strip()) for serial in serials]


def _operation(reader, line, n):
    where = f"operations[{n}]."
    operation = {
        "operation_id": reader.text(line, "operation_id", where),
        "start": reader.moment(line, "start", where),
        "end": reader.moment(line, "end", where),
    }
    if operation["start"] and operation["end"] and operation["end"] < operation["start"]:
        reader.problems.append(f"{where}end is before its start")
    return operation


def parse_equipment_event(payload):
    """``equipment.event``: a work center's state (running, idle, down) from start to end."""
    reader = _Reader(payload)
    result = reader.envelope(work_order_required=False)
    result["work_center"] = reader.text(payload, "work_center")
    state = payload.get("state")
    if state not in EQUIPMENT_STATES:
        reader.problems.append("state must be one of " + ", ".join(EQUIPMENT_STATES))
    result["state"] = state
    result["reason"] = reader.text(payload, "reason", required=False)
    result["start"] = reader.moment(payload, "start")
    result["end"] = reader.moment(payload, "end", required=False)
    if result["start"] and result["end"] and result["end"] < result["start"]:
        reader.problems.append("end is before start")
    return reader.done(result)


def parse_quality_result(payload):
    """``quality.result``: one test of one lot, with its value and verdict."""
    reader = _Reader(payload)
    result = reader.envelope(work_order_required=False)
    if result["work_order"] and result["sequence"] is None:
        reader.problems.append("a result for a work order needs its sequence")
    result["lot"] = reader.text(payload, "lot")
    result["product"] = reader.text(payload, "product", required=False)
    result["test"] = reader.text(payload, "test")
    result["value"] = reader.number(payload, "value", positive=False, required=False)
    result["unit"] = reader.text(payload, "unit", required=False)
    verdict = payload.get("result")
    if verdict not in QUALITY_RESULTS:
        reader.problems.append("result must be pass or fail")
    result["passed"] = verdict == "pass"
    result["measured_at"] = reader.moment(payload, "measured_at", required=False)
    return reader.done(result)


def outbound_request(payload, message_type, now=None):
    """The request that sends a queued work-order ``payload``, stamped with its sending time."""
    now = now or datetime.now(timezone.utc)
    body = dict(payload, sent_at=now.astimezone(timezone.utc).isoformat(timespec="seconds"))
    body["sent_at"] = body["sent_at"].replace("+00:00", "Z")
    return {"body": body, "headers": {"X-Message-Type": message_type}}
