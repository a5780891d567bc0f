"""Sharing one reported quantity or time among the productions of a split: plain Python.

When one result reports several produced lots, Odoo makes one production per lot. The MES
reports consumption and operation times for the whole run, so each is shared in proportion
to the quantity of each lot; the shares add up exactly to what the MES reported.
"""

from datetime import timedelta
from math import ceil, log10


def proportional(total, weights, rounding):
    """``total`` shared in proportion to ``weights``, each share a multiple of ``rounding``.

    Largest remainder: the shares add up exactly to ``total`` (itself rounded to ``rounding``);
    among equal remainders the earlier weight gets the extra unit.
    """
    if not weights:
        return []
    units = round(total / rounding)
    whole = sum(weights)
    exact = [units * weight / whole for weight in weights]
    shares = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[: units - sum(shares)]:
        shares[index] += 1
    digits = max(0, ceil(-log10(rounding)))
    return [round(share * rounding, digits) for share in shares]


def consecutive_intervals(start, end, weights):
    """``start``-``end`` cut into consecutive intervals in proportion to ``weights`` (whole
    seconds), as if the lots were made one after the other in the reported order."""
    seconds = proportional((end - start).total_seconds(), weights, 1)
    intervals = []
    for share in seconds:
        stop = start + timedelta(seconds=share)
        intervals.append((start, stop))
        start = stop
    intervals[-1] = (intervals[-1][0], end)
    return intervals
