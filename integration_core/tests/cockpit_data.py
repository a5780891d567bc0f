"""Demo-like data for the cockpit's screens: two plants, their endpoints and flows, a day of
traffic with failures, a backlog over its SLA, an open circuit, a paused and a temporary flow.

Message states and times are set in SQL: the screens read what the queue would have left.
"""

from datetime import timedelta

from odoo import fields


def _flow(env, endpoint, code, **values):
    return env["integration.flow"].create(
        {
            "name": values.pop("name", code),
            "code": code,
            "endpoint_id": endpoint.id,
            "direction": values.pop("direction", "inbound"),
            "handler": values.pop("handler", "integration.handler.partner"),
            "state": "active",
            **values,
        }
    )


def _set(env, message, state, hours_ago, done_after_seconds=None, error=None):
    created = fields.Datetime.now() - timedelta(hours=hours_ago)
    done = created + timedelta(seconds=done_after_seconds) if done_after_seconds else None
    env.cr.execute(
        "UPDATE integration_message SET state = %s, create_date = %s, done_at = %s, error = %s,"
        " attempts = 1 WHERE id = %s",
        [state, created, done, error, message.id],
    )


def make_cockpit_data(env):
    """Create the data; return a dict of what the screens should show."""
    plant1 = env["res.company"].create({"name": "Dash Plant 1"})
    plant2 = env["res.company"].create({"name": "Dash Plant 2"})
    Endpoint = env["integration.endpoint"]
    mes = Endpoint.create(
        {"name": "Plant 1 MES", "code": "DASH_MES", "company_id": plant1.id, "environment": "test"}
    )
    idle = Endpoint.create(
        {
            "name": "Plant 1 scale",
            "code": "DASH_IDLE",
            "company_id": plant1.id,
            "environment": "test",
        }
    )
    wms = Endpoint.create(
        {"name": "Plant 2 WMS", "code": "DASH_WMS", "company_id": plant2.id, "environment": "test"}
    )
    results = _flow(env, mes, "production.result", sla_minutes=30)
    _flow(env, mes, "machine.event", paused=True)
    orders = _flow(
        env, mes, "work_order.release", direction="outbound", handler="integration.handler.noop"
    )
    stock = _flow(
        env,
        wms,
        "legacy.stock",
        lifecycle="temporary",
        sunset_date=fields.Date.context_today(wms) + timedelta(days=10),
    )
    Message = env["integration.message"]
    done = [Message.enqueue(results, {"ref": f"R-{n}", "name": "Result"}) for n in range(2)]
    _set(env, done[0], "done", 5, 2)
    _set(env, done[1], "done", 3, 40)
    failed = Message.enqueue(results, {"ref": "R-BAD", "quantity": 12})
    error = "A new contact needs a name (code R-BAD). The plant sent no name."
    _set(env, failed, "failed", 2, error=error)
    late = Message.enqueue(results, {"ref": "R-OLD", "name": "Old"})
    _set(env, late, "pending", 30)  # received 30 h ago: over the 30 minute SLA
    sent = Message.enqueue(orders, {"id": 1})
    _set(env, sent, "done", 1, 1)
    wms_failed = Message.enqueue(stock, {"ref": "S-1"})
    _set(env, wms_failed, "failed", 4, error="Stock level refused: unknown location 'X9'.")
    fixed = Message.enqueue(results, {"ref": "R-FIXED", "name": "Fixed"})
    _set(env, fixed, "failed", 30, error="Unknown unit 'PCS' for item R-FIXED.")
    wms.write({"circuit_state": "open", "circuit_opened_at": fields.Datetime.now()})
    env.invalidate_all()
    Exception_ = env["integration.exception"].sudo()
    card = Exception_._record_failure(failed, "validation", error)
    wms_card = Exception_._record_failure(wms_failed, "rejected", wms_failed.error, severity="high")
    resolved = Exception_._record_failure(fixed, "validation", fixed.error)
    # Someone maps the unit; the message goes through (a day ago) and its card resolves.
    _set(env, fixed, "done", 30, 3)
    env.invalidate_all()
    resolved._refresh_from_messages()
    return {
        "plants": plant1 | plant2,
        "mes": mes,
        "idle": idle,
        "wms": wms,
        "card": card,
        "wms_card": wms_card,
        "resolved": resolved,
        "failed": failed,
    }
