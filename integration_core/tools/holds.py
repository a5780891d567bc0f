"""The SQL test of a flow being open now: its stored stretch (``process_from``,
``process_until``, see ``models/integration_flow_schedule.py``) holds the time.

One definition for the queue's claim and for the figures that must not call a held flow late
(alert rules, the overview's SLA count).
"""

from odoo.tools import SQL

HOLD_FIELDS = ["process_from", "process_until"]


def flush(env):
    """Write pending changes of the flows' stored stretches before SQL reads them."""
    env["integration.flow"].flush_model(HOLD_FIELDS)


def open_now(alias, now):
    """SQL condition: the ``integration_flow`` row ``alias`` is open at ``now`` (naive UTC)."""
    return SQL(
        "(%(opens)s IS NULL OR %(opens)s <= %(now)s)"
        " AND (%(closes)s IS NULL OR %(closes)s > %(now)s)",
        opens=SQL.identifier(alias, "process_from"),
        closes=SQL.identifier(alias, "process_until"),
        now=now,
    )
