"""How the simulated WMS exchanges messages with Odoo: HTTP API and RabbitMQ (integration_core's
simulator kit) or a drop folder."""

import csv
import io
import json
import os
from pathlib import Path

from . import kit

CSV_TYPES = ("receipt.confirmation", "shipment.confirmation", "stock.adjustment")
CSV_COLUMNS = (
    "message_id",
    "message_type",
    "sent_at",
    "transfer",
    "sequence",
    "closed",
    "tracking_reference",
    "carrier",
    "weight_kg",
    "adjustment_id",
    "product",
    "quantity",
    "quantity_delta",
    "unit",
    "lot",
    "expiration_date",
    "package",
    "location",
    "reason",
    "damaged_quantity",
    "damaged_reason",
    "short_quantity",
    "short_reason",
)
HEAD = CSV_COLUMNS[:10]


HttpSender = kit.HttpSender
AmqpSender = kit.AmqpSender


class FileSender:
    """Writes each message into Odoo's drop folder ``in/`` (hidden name, then renamed):
    confirmations and adjustments as CSV, as 3PLs exchange them; snapshots as JSON."""

    def __init__(self, root):
        self.inbox = Path(root) / "in"

    def send(self, message):
        self.inbox.mkdir(parents=True, exist_ok=True)
        kind = message["message_type"]
        safe_id = "".join(c if c.isalnum() else "_" for c in message["message_id"])
        if kind in CSV_TYPES:
            name, body = f"{kind}-{safe_id}.csv", to_csv(message)
        else:
            name, body = f"{kind}-{safe_id}.json", json.dumps(message)
        temporary = self.inbox / f".{name}.tmp"
        temporary.write_text(body, encoding="utf-8")
        os.replace(temporary, self.inbox / name)
        return {"status": "written", "file": name}


def to_csv(message):
    """One header row, then one row per line and lot (see integration_wms/lib/flat_file.py)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    head = {key: message.get(key) for key in HEAD}
    if message["message_type"] == "stock.adjustment":
        writer.writerow(dict(message, **head))
        return out.getvalue()
    for line in message["lines"]:
        lots = line.get("lots") or [{"lot": line.get("lot"), "quantity": line["quantity"]}]
        for number, lot in enumerate(lots):
            row = dict(head, **{key: line.get(key) for key in ("product", "unit", "package")})
            row.update(
                quantity=lot["quantity"],
                lot=lot.get("lot"),
                expiration_date=lot.get("expiration_date"),
                location=line.get("location"),
            )
            for kind in ("damaged", "short"):
                entries = line.get(kind) or []
                if entries and number == 0:
                    row[f"{kind}_quantity"] = sum(entry["quantity"] for entry in entries)
                    row[f"{kind}_reason"] = entries[0]["reason"]
            writer.writerow(row)
    return out.getvalue()


class AmqpOrderReader(kit.AmqpReader):
    """Takes the transfer orders Odoo published to ``queue`` and hands them to the WMS."""


class FileOrderReader:
    """Reads the transfer orders Odoo wrote to the drop folder's ``out/`` (then removes them)."""

    def __init__(self, root):
        self.outbox = Path(root) / "out"

    def drain(self, simulator):
        taken = 0
        for path in sorted(self.outbox.glob("*.json")) if self.outbox.is_dir() else []:
            simulator.take(json.loads(path.read_text(encoding="utf-8")), path.name)
            path.unlink()
            taken += 1
        return taken
