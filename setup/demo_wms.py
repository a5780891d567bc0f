"""Step 4 of the day: Plant 2's WMS simulator confirms the transfers and counts the stock.

The demo's receipt and delivery of warehouse *Plant 2* go down to the WMS simulator (the
queue's scheduled action sends them once the cron workers are up), then the simulator is
commanded as the warehouse would:

- the receipt: part of it (40 rolls of film, 12 sealant of a new lot with its expiry date)
  delivered twice (the second delivery has no effect), then the rest with one damaged roll,
  closed (no backorder);
- the delivery: shipped in two packages (SSCC) with the carrier's tracking number;
- a count that finds two differences (a sealant less, a damaged roll more), then a full
  inventory snapshot: its reconciliation run waits for a manager's decision on both in
  Integration > Reconciliation.
"""

from datetime import datetime, timedelta, timezone

import demo_simulators
import requests

FLOWS = (  # the step's
    "transfer_order.release",
    "receipt.confirmation",
    "shipment.confirmation",
    "inventory.snapshot",
)


def run(day):
    """Wait for the transfers at the WMS, confirm them, count and send a snapshot."""
    day.require("wms", FLOWS)
    transfers = day.state["wms"]["transfers"]
    if set(transfers) != {"receipt", "delivery"}:
        raise RuntimeError("the database has no released Plant 2 transfers for its WMS")
    receipt, delivery = transfers["receipt"]["reference"], transfers["delivery"]["reference"]
    url = day.wms_url
    day.say(f"waiting for {receipt} and {delivery} to reach the WMS simulator")

    def arrived():
        orders = requests.get(f"{url}/transfer-orders", timeout=10).json()
        return receipt in orders and delivery in orders

    day.wait(arrived, 240, "the transfer orders' arrival at the WMS")
    orders = requests.get(f"{url}/transfer-orders", timeout=10).json()
    stock = orders[delivery]["source_location"]
    expiry = (datetime.now(timezone.utc) + timedelta(days=365)).date().isoformat()
    sent = [
        demo_simulators.command(
            url,
            "receive",
            transfer=receipt,
            lines=[
                {"product": "FILM-500", "quantity": 40},
                {
                    "product": "SEAL-20",
                    "quantity": 12,
                    "lots": [{"lot": "SEAL-L200", "quantity": 12, "expiration_date": expiry}],
                },
            ],
            times=2,
        ),
        demo_simulators.command(
            url,
            "receive",
            transfer=receipt,
            lines=[
                {
                    "product": "FILM-500",
                    "quantity": 19,
                    "damaged": [{"quantity": 1, "reason": "TORN"}],
                },
                {
                    "product": "SEAL-20",
                    "quantity": 8,
                    "lots": [{"lot": "SEAL-L200", "quantity": 8}],
                },
            ],
            closed=True,
        ),
        demo_simulators.command(
            url,
            "ship",
            transfer=delivery,
            lines=[
                {"product": "FILM-500", "quantity": 20, "package": "340123450000000019"},
                {"product": "FILM-500", "quantity": 10, "package": "340123450000000026"},
                {
                    "product": "SEAL-20",
                    "quantity": 10,
                    "lot": "SEAL-L100",
                    "package": "340123450000000026",
                },
            ],
            tracking="DHL-7731-0042",
            weight=412.5,
        ),
    ]
    keys = [answer["message"]["message_id"] for answer in sent]
    day.wait(lambda: day.applied(keys), 180, "the WMS confirmations")
    states = {m["idempotency_key"]: m["state"] for m in day.inbound(keys)}
    for answer in sent:
        message = answer["message"]
        statuses = [reply["status"] for reply in answer["replies"]]
        day.say(
            f"{message['message_type']} {message['transfer']} #{message['sequence']}: "
            f"HTTP {statuses} -> {states.get(message['message_id'])}"
        )
    # The count: Odoo's book (149 rolls, 30 + 20 sealant, 1 damaged roll) but for one sealant
    # of lot SEAL-L100 gone and one more damaged roll: two differences.
    for product, location, quantity, lot in (
        ("FILM-500", stock, 149, None),
        ("SEAL-20", stock, 29, "SEAL-L100"),
        ("SEAL-20", stock, 20, "SEAL-L200"),
        ("FILM-500", "P2-DAMAGED", 2, None),
    ):
        demo_simulators.command(
            url, "count", product=product, location=location, quantity=quantity, lot=lot
        )
    demo_simulators.command(url, "snapshot", warehouse="P2")

    def compared():
        runs = day.read(
            "integration.reconciliation.run",
            [("endpoint_id.code", "=", day.codes["wms"]), ("state", "!=", "receiving")],
            ["state", "different_count", "missing_odoo_count", "missing_external_count"],
        )
        return runs if runs else None

    runs = day.wait(compared, 180, "the snapshot's reconciliation")
    day.say(f"snapshot reconciled: {runs[0]['state']}, see Integration > Reconciliation")
