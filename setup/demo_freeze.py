"""Step 2 of the day: the cutover of one flow under a freeze.

A manager freezes the acquired plant's item flow (``item`` of the day's legacy ERP endpoint,
``PLANT2_ERP`` in the demo) for its cutover; the legacy ERP goes on changing items and their
delta extract is loaded: the messages are accepted and stored, none is processed (the backlog
shows in the summary). After a pause the freeze is lifted and the backlog drains in the queue's
order (per item, oldest first), which the step checks from the messages' done times.
"""

import demo_legacy

REASON = "Day 1: cutover of the item master"


def cutover(day):
    """Freeze the item flow, let its backlog pile up, lift the freeze, wait for the drain."""
    first = day.last_id("integration.message") + 1
    freeze_id = day.call(
        "integration.freeze", "create", [{"name": REASON, "flow_id": day.flow("item")}]
    )
    day.say(f"freeze set on {day.codes['legacy_erp']}/item: {REASON!r}")
    load_id = demo_legacy.change_items(day)
    day.wait(lambda: demo_legacy.loads_done(day, [load_id]), 120, "the delta extract's load")
    backlog = day.count("integration.message", pending_domain(day))
    day.say(f"{backlog} item change(s) held by the freeze (pending)")
    day.summary()
    day.pause(20)
    day.call("integration.freeze", "action_lift", [[freeze_id]])
    day.say("freeze lifted: the backlog drains")
    day.wait(lambda: not day.count("integration.message", pending_domain(day)), 180, "the drain")
    day.wait(lambda: day.settled(("item",), waiting=3), 120, "the item flow")
    drained = day.read(
        "integration.message",
        [("flow_id", "=", day.flow("item")), ("id", ">=", first)],
        ["id", "done_at", "state"],
    )
    done = sorted((m for m in drained if m["done_at"]), key=lambda m: m["id"])
    in_order = [m["done_at"] for m in done] == sorted(m["done_at"] for m in done)
    day.say(f"{len(done)} held message(s) applied, {'in' if in_order else 'NOT in'} order")
    if not in_order:
        raise RuntimeError("the backlog did not drain in the order it arrived")


def pending_domain(day):
    return [("flow_id", "=", day.flow("item")), ("state", "in", ("pending", "processing"))]
