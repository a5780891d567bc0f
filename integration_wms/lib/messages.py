"""Reading the WMS's inbound messages: plain Python, no Odoo.

Each ``parse_*`` function takes a decoded JSON payload and returns a plain dict with checked
types (quantities as floats, dates as ``date``), or raises ``InvalidMessage`` listing every
problem at once, through the core's ``PayloadReader``. The JSON Schemas in ``schemas/``
document the same shapes for the WMS side.
"""

from odoo.addons.integration_core.lib.payload import PayloadReader

DISCREPANCIES = ("damaged", "short", "over")


def _envelope(reader):
    return {
        "message_id": reader.text("message_id"),
        "sent_at": reader.datetime("sent_at", required=False),
        "transfer": reader.text("transfer"),
        "sequence": reader.integer("sequence", minimum=1),
        "closed": reader.boolean("closed"),
    }


def _lot(reader):
    return {
        "lot": reader.text("lot"),
        "quantity": reader.decimal("quantity", positive=True),
        "expiration_date": reader.date("expiration_date", required=False),
    }


def _discrepancy(reader):
    return {
        "quantity": reader.decimal("quantity", positive=True),
        "reason": reader.text("reason"),
        "lot": reader.text("lot", required=False),
    }


def parse_receipt(payload):
    """``receipt.confirmation``: good, damaged, short and over quantities per line."""
    reader = PayloadReader(payload)
    result = _envelope(reader)
    result["lines"] = []
    for item in reader.items("lines", required=True):
        line = {
            "product": item.text("product"),
            "quantity": item.decimal("quantity", minimum=0),
            "unit": item.text("unit", required=False),
            "lots": [_lot(lot) for lot in item.items("lots")],
        }
        for kind in DISCREPANCIES:
            line[kind] = [_discrepancy(entry) for entry in item.items(kind)]
        if line["lots"] and line["quantity"] is not None:
            in_lots = sum(lot["quantity"] or 0.0 for lot in line["lots"])
            if abs(in_lots - line["quantity"]) > 1e-6:
                item.problem(
                    "lots", f"add up to {in_lots:g}, not the quantity {line['quantity']:g}"
                )
        result["lines"].append(line)
    if not result["lines"]:
        reader.problem("lines", "must list at least one line")
    return reader.done(result)


def parse_shipment(payload):
    """``shipment.confirmation``: shipped quantity per line, lot and package, and tracking."""
    reader = PayloadReader(payload)
    result = _envelope(reader)
    result["tracking_reference"] = reader.text("tracking_reference", required=False)
    result["carrier"] = reader.text("carrier", required=False)
    result["weight_kg"] = reader.decimal("weight_kg", required=False, minimum=0)
    result["lines"] = [
        {
            "product": item.text("product"),
            "quantity": item.decimal("quantity", positive=True),
            "unit": item.text("unit", required=False),
            "lot": item.text("lot", required=False),
            "package": item.text("package", required=False),
            "location": item.text("location", required=False),
        }
        for item in reader.items("lines", required=True)
    ]
    if not result["lines"]:
        reader.problem("lines", "must list at least one line")
    return reader.done(result)


def parse_adjustment(payload):
    """``stock.adjustment``: a signed quantity of a product (and lot) in a location."""
    reader = PayloadReader(payload)
    result = {
        "message_id": reader.text("message_id"),
        "adjustment_id": reader.text("adjustment_id", required=False),
        "product": reader.text("product"),
        "location": reader.text("location"),
        "lot": reader.text("lot", required=False),
        "quantity_delta": reader.decimal("quantity_delta"),
        "unit": reader.text("unit", required=False),
        "reason": reader.text("reason"),
    }
    if result["quantity_delta"] == 0:
        reader.problem("quantity_delta", "must not be 0")
    return reader.done(result)
