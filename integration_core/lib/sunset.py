"""Temporary flows that end: from their sunset date on, they take no new message.

Plain Python, shared by every enqueue path (the HTTP API decides from cached plain values).
The sunset date is a calendar date in UTC: a flow refuses from 00:00 UTC of that day.
"""

from datetime import datetime, timezone


def today():
    """The current date in UTC."""
    return datetime.now(timezone.utc).date()


def refusal(endpoint_code, flow_code, sunset_date, on=None):
    """The sentence refusing a new message of a flow past its ``sunset_date``; None while the
    flow has no sunset date or it has not come (``on``: the date to judge, default today)."""
    if not sunset_date or sunset_date > (on or today()):
        return None
    return (
        f"Flow {endpoint_code}/{flow_code} reached its sunset date "
        f"({sunset_date.isoformat()}): it takes no new messages. An integration manager may "
        "extend it."
    )
