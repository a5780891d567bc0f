"""Moments shown to people: stored naive UTC, told in the reader's time zone."""

from odoo import fields


def moment(record, value):
    """``value`` (naive UTC) in the time zone of ``record``'s user, with the zone's name."""
    local = fields.Datetime.context_timestamp(record, value)
    return local.strftime("%Y-%m-%d %H:%M %Z")
