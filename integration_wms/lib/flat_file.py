"""The CSV files many WMSs and 3PLs still exchange, read as the JSON messages they stand for.

Plain Python, no Odoo. One file is one message: a header row, then one row per line. The
message's own fields (``message_id``, ``message_type``, ``transfer``, ``sequence``,
``closed``, ``tracking_reference``...) are read from the first row; every row is a line:
``product``, ``quantity``, ``unit``, ``lot`` and ``expiration_date`` (one lot per row),
``package``, ``location``, ``damaged_quantity`` / ``damaged_reason``, ``short_quantity`` /
``short_reason``. A ``stock.adjustment`` file has one row with the adjustment's fields.
Numbers are read as numbers when they are; anything else is left as text for the payload
reader to report.
"""

import csv
import io
import json

from odoo.addons.integration_core.lib.errors import InvalidMessage

MESSAGE_FIELDS = (
    "message_id",
    "message_type",
    "sent_at",
    "transfer",
    "sequence",
    "closed",
    "tracking_reference",
    "carrier",
    "weight_kg",
)
ADJUSTMENT_FIELDS = (
    "adjustment_id",
    "product",
    "location",
    "lot",
    "quantity_delta",
    "unit",
    "reason",
)
CSV_COLUMNS = (
    *MESSAGE_FIELDS,
    "product",
    "quantity",
    "unit",
    "lot",
    "expiration_date",
    "package",
    "location",
    "damaged_quantity",
    "damaged_reason",
    "short_quantity",
    "short_reason",
)
NUMBERS = ("sequence", "weight_kg", "quantity", "quantity_delta")
TRUE = ("true", "1", "yes", "y")


def decode(text):
    """The message a payload stands for: a JSON object as it is, a CSV file as above."""
    text = (text or "").strip()
    if not text.startswith("{"):
        return _from_csv(text)
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidMessage(["the payload is neither a JSON object nor a CSV file"]) from None


def _from_csv(text):
    rows = [
        {key.strip(): (value or "").strip() for key, value in row.items() if key}
        for row in csv.DictReader(io.StringIO(text))
    ]
    if not rows:
        raise InvalidMessage(["the CSV file has a header but no row"])
    first = rows[0]
    message = {key: _value(key, first.get(key)) for key in MESSAGE_FIELDS if first.get(key)}
    if "closed" in message:
        message["closed"] = str(message["closed"]).lower() in TRUE
    if message.get("message_type") == "stock.adjustment":
        message.update({key: _value(key, first.get(key)) for key in ADJUSTMENT_FIELDS})
        return {key: value for key, value in message.items() if value not in (None, "")}
    message["lines"] = [_line(row) for row in rows]
    return message


def _line(row):
    line = {key: _value(key, row.get(key)) for key in ("product", "quantity", "unit", "package")}
    line["location"] = row.get("location")
    lot = row.get("lot")
    if lot and row.get("message_type", "").startswith("receipt"):
        line["lots"] = [
            {
                "lot": lot,
                "quantity": line["quantity"],
                "expiration_date": row.get("expiration_date"),
            }
        ]
    else:
        line["lot"] = lot
    for kind in ("damaged", "short"):
        if row.get(f"{kind}_quantity"):
            line[kind] = [
                {
                    "quantity": _value("quantity", row[f"{kind}_quantity"]),
                    "reason": row.get(f"{kind}_reason"),
                    "lot": lot,
                }
            ]
    return _clean(line)


def _clean(value):
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items() if item not in (None, "")}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _value(key, text):
    if text in (None, "") or key not in NUMBERS:
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number
