"""How long to wait before retrying a message that failed with a transient error."""

import math
import random
import time
from datetime import timezone
from email.utils import parsedate_to_datetime


def next_delay(
    attempt, *, base=10.0, factor=2.0, cap=3600.0, jitter=0.2, retry_after=None, rng=None
):
    """Seconds to wait before retry number ``attempt`` (1-based), never negative nor above ``cap``.

    The delay grows as ``base * factor ** (attempt - 1)`` with +/- ``jitter`` proportional noise,
    so that many messages failing together do not all come back at the same second. When the
    other side said when to come back (``retry_after``), that wins, without jitter.
    """
    if retry_after is not None:
        return min(max(float(retry_after), 0.0), cap)
    if attempt < 1:
        raise ValueError(f"attempt is 1-based, got {attempt}")
    try:
        delay = min(base * factor ** (attempt - 1), cap)
    except OverflowError:
        delay = cap
    delay *= 1.0 + (rng or random).uniform(-jitter, jitter)
    return min(max(delay, 0.0), cap)


def parse_retry_after(value, now=None):
    """Seconds from ``now`` given by a ``Retry-After`` value, or None when it cannot be read.

    Accepts delta-seconds (``"120"``) or an HTTP-date (``"Wed, 21 Oct 2015 07:28:00 GMT"``); a
    date in the past gives 0. ``now`` is epoch seconds, ``time.time()`` by default.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return _seconds_until_http_date(value, now) if isinstance(value, str) else None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _seconds_until_http_date(value, now):
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        # RFC 5322 "-0000" means UTC with no further information.
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(when.timestamp() - now, 0.0)
