"""When a flow may be processed: weekly windows in a time zone, minus freezes.

Plain Python. Times in and out are naive UTC datetimes, as Odoo stores them.

A flow is *open* (its messages may be claimed) inside the union of its weekly windows (at any
time when it has none) and outside every freeze. ``open_interval`` gives the open stretch that
holds a moment, or the next one after it. The queue stores that stretch on the flow as two
bounds its claim compares with the time (see ``models/integration_flow_schedule.py``), so the
claim never evaluates a calendar.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The opening of a flow that no time will open: an open-ended freeze holds it until lifted.
NEVER = datetime(9999, 12, 31)
# Window occurrences are computed for local days around the moment asked about: two days
# back (a range over midnight that began yesterday) and eight ahead (a whole week and more).
DAYS_BACK, DAYS_AHEAD = 2, 8
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ScheduleError(ValueError):
    """A window that cannot be used as given (no day, no length, an unknown time zone)."""


@dataclass(frozen=True)
class WeeklyRange:
    """Every ``weekdays`` (0 is Monday) from ``start`` to ``end`` o'clock in ``tz``.

    Hours are decimal (22.5 is 22:30). An ``end`` at or before ``start`` ends on the next
    day: 22 to 4 on Friday runs from Friday 22:00 to Saturday 04:00. 0 to 24 is a whole day.
    """

    weekdays: frozenset
    start: float
    end: float
    tz: str = "UTC"

    def __post_init__(self):
        if not self.weekdays or not set(self.weekdays) <= set(range(7)):
            raise ScheduleError("A window needs at least one day of the week.")
        if not (0 <= self.start < 24 and 0 < self.end <= 24):
            raise ScheduleError("Window hours run from 00:00 to 24:00.")
        if round(self.start * 60) == round(self.end * 60):
            raise ScheduleError(
                "A window needs a length: its start and end are equal (a whole day is 00:00 "
                "to 24:00)."
            )
        zone(self.tz)

    def occurrences(self, around):
        """(start, end) in UTC of each occurrence starting on a local day near ``around``."""
        local_zone = zone(self.tz)
        today = around.replace(tzinfo=timezone.utc).astimezone(local_zone).date()
        for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
            day = today + timedelta(days=offset)
            if day.weekday() not in self.weekdays:
                continue
            end_day = day if self.end > self.start else day + timedelta(days=1)
            start, end = _utc(day, self.start, local_zone), _utc(end_day, self.end, local_zone)
            if start < end:  # a range inside the hour skipped by a change to summer time
                yield start, end

    def label(self):
        """``Mon-Fri 22:00-04:00 Europe/Berlin``."""
        hours = f"{hours_label(self.start)}-{hours_label(self.end)}"
        return f"{days_label(self.weekdays)} {hours} {self.tz}"


def zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Unknown time zone {name!r}.") from None


def _utc(day, hours, local_zone):
    """Naive UTC of ``hours`` o'clock on local ``day`` (24 is the next day's midnight)."""
    local = datetime.combine(day, time()) + timedelta(minutes=round(hours * 60))
    return local.replace(tzinfo=local_zone).astimezone(timezone.utc).replace(tzinfo=None)


def hours_label(hours):
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def days_label(weekdays):
    """``Mon-Fri``, ``Sat, Sun``, ``Mon, Wed-Fri``: runs of consecutive days joined."""
    days = sorted(weekdays)
    runs = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return ", ".join(
        WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]}-{WEEKDAYS[last]}"
        for first, last in runs
    )


def window_spans(ranges, around):
    """The occurrences of ``ranges`` near ``around``, overlapping or touching ones merged."""
    spans = sorted(span for weekly in ranges for span in weekly.occurrences(around))
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(span) for span in merged]


def _window_at(ranges, moment):
    """(start, end) of the window holding ``moment`` or the next one; (None, None) when there
    is no window (always open); None when no occurrence comes (cannot happen for valid
    ranges: every one has a day within a week)."""
    if not ranges:
        return None, None
    return next(((s, e) for s, e in window_spans(ranges, moment) if e > moment), None)


def _freeze_at(freezes, moment):
    """The freeze (start, end) in force at ``moment``, the one ending last; None."""
    holding = [f for f in freezes if f[0] <= moment and (f[1] is None or f[1] > moment)]
    if not holding:
        return None
    return max(holding, key=lambda f: (f[1] is None, f[1] or moment))


def open_interval(now, ranges=(), freezes=()):
    """(opens, closes) of the open stretch holding ``now``, or of the next one.

    ``ranges`` are WeeklyRange (none: no window, always open); ``freezes`` are (start, end)
    with ``end`` None for an open-ended freeze; freezes that ended already may be given: the
    last one says since when the flow is open. ``opens`` is None when the flow has been open
    for as long as is known, ``closes`` None when no end is foreseen; ``(NEVER, None)`` when
    an open-ended freeze holds it.
    """
    # A freeze lifted the second it was set holds nothing but still says since when it is open.
    freezes = [(start, end) for start, end in freezes if end is None or end >= start]
    moment = now
    for _step in range(len(freezes) + 2):  # each step moves past one freeze
        window = _window_at(ranges, moment)
        if window is None:
            return NEVER, None
        start = moment if window[0] is None or window[0] <= moment else window[0]
        blocking = _freeze_at(freezes, start)
        if blocking:
            if blocking[1] is None:
                return NEVER, None
            moment = blocking[1]
            continue
        later_freezes = [f_start for f_start, _end in freezes if f_start > start]
        closes = min(filter(None, [window[1], *later_freezes]), default=None)
        thawed = [end for _start, end in freezes if end is not None and end <= start]
        opens = max(filter(None, [window[0], *thawed]), default=None)
        return opens, closes
    return NEVER, None  # unreachable: each step passes a freeze that has an end


def is_open(interval, now):
    """Whether ``now`` falls in ``interval`` (as ``open_interval`` returns it)."""
    opens, closes = interval
    return (opens is None or opens <= now) and (closes is None or now < closes)
