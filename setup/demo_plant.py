"""Step 3 of the day: Plant 1's MES simulator receives the gearbox orders and reports back.

The two gearbox orders of the demo data go down to the MES simulator (the queue's scheduled
action sends them once the cron workers are up), then the simulator is commanded as a plant
would report:

- order 1 (10 gearboxes): a partial run of 4 held back by the plant, a run of 3 delivered twice
  (the second delivery is answered 200 and has no effect), the final run of 3, then the held
  partial run: results 2 and 3 arrive before result 1 and wait for it (sequence per order);
- assembly line 1 down for 15 minutes of the day's clock (an equipment event);
- order 2 (4 gearboxes): one deliberately broken result, 8 produced where 4 are planned: refused
  whole (over-production), a failed message with an exception card.
"""

from datetime import datetime, timedelta, timezone

import demo_simulators
import requests

FLOWS = ("work_order.release", "production.performance", "equipment.event")  # the step's


def _iso(moment):
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def plant_runs(batch, spares, speed):
    """(what, command, arguments) of each thing the plant reports; the stop lasts 15 minutes
    of the day's clock (``speed`` compresses it)."""
    now = datetime.now(timezone.utc)
    stop = timedelta(minutes=15) / speed
    end = now - timedelta(minutes=1)
    down = {"start": _iso(end - stop), "end": _iso(end)}
    return [
        (
            "partial run, 4 made (held back)",
            "produce",
            dict(work_order=batch, quantity=4, lot="GX40-0001", hold=True),
        ),
        (
            "run of 3 delivered twice",
            "produce",
            dict(work_order=batch, quantity=3, lot="GX40-0002", times=2),
        ),
        (
            "final run, 3 made",
            "produce",
            dict(work_order=batch, quantity=3, lot="GX40-0003", final=True),
        ),
        ("partial run delivered last", "release_held", {}),
        (
            "assembly line 1 down",
            "equipment",
            dict(work_center="ASM1", state="down", reason="Equipment Failure", **down),
        ),
        (
            "broken: 8 made of 4 planned",
            "produce",
            dict(work_order=spares, quantity=8, lot="GX40-0004"),
        ),
    ]


def run(day):
    """Wait for the orders at the MES, report the runs, wait until Odoo applied them."""
    day.require("mes", FLOWS)
    orders = day.state["mes"]["orders"]
    if set(orders) != {"batch", "spares"}:
        raise RuntimeError("the database has no released gearbox orders for Plant 1's MES")
    batch, spares = orders["batch"]["reference"], orders["spares"]["reference"]
    day.say(f"waiting for {batch} and {spares} to reach the MES simulator")

    def arrived():
        received = requests.get(f"{day.mes_url}/work-orders", timeout=10).json()
        return batch in received and spares in received

    day.wait(arrived, 240, "the work orders' arrival at the MES")
    sent = []
    for what, name, arguments in plant_runs(batch, spares, day.speed):
        answer = demo_simulators.command(day.mes_url, name, arguments)
        for delivery in answer if isinstance(answer, list) else [answer]:
            statuses = [reply["status"] for reply in delivery.get("replies", [])] or ["held"]
            sent.append((what, delivery["message"]["message_id"], statuses))
        day.pause(2)
    keys = {message_id for _what, message_id, statuses in sent if statuses != ["held"]}
    day.wait(lambda: day.applied(keys), 180, "the MES results")
    messages = {m["idempotency_key"]: m for m in day.inbound(keys)}
    for what, message_id, statuses in sent:
        if statuses == ["held"]:
            continue
        day.say(f"{what:<30} HTTP {statuses} -> {messages[message_id]['state']}")
    work_orders = day.read(
        "integration.mes.work.order",
        [("name", "in", [batch, spares]), ("endpoint_id.code", "=", day.codes["mes"])],
        ["name", "state", "qty_planned", "qty_produced"],
    )
    for work_order in sorted(work_orders, key=lambda w: w["name"]):
        day.say(
            f"work order {work_order['name']}: {work_order['state']}, "
            f"{work_order['qty_produced']:g} of {work_order['qty_planned']:g} produced"
        )
