"""Reading an inbound payload field by field: plain Python, no Odoo.

A ``PayloadReader`` wraps a decoded JSON object. Its getters take a dotted path (``"lot"``,
``"product.code"``, list items by index: ``"lines.0.qty"``) and return a checked Python value;
a value that is missing or wrong is not raised at once but noted as a problem naming its path
and the value received, and the getter returns None. ``done(result)`` then raises one
``InvalidMessage`` listing every problem of the message, so the exception a person reads says
all that is wrong with it at once.

- ``text``: non-empty text, stripped.
- ``decimal``: a JSON number (no bool, NaN or infinity) as a float, with optional bounds.
- ``integer``: a whole JSON number within 64 bits, with optional bounds.
- ``boolean``: true or false.
- ``date`` / ``datetime``: ISO 8601 text; a date-time with ``Z`` or an offset is converted to
  naive UTC (what Odoo stores), a naive one is wall-clock time in ``tz``; both must fall within
  ``earliest`` and ``latest`` (by default the years 1900 to 9999): a date-time that cannot be
  converted (``0001-01-01T00:00:00+01:00``) is a problem, never an ``OverflowError``.
- ``enum``: one of the listed values, or a key of a value map (``{"pass": True}``) translated.
- ``items``: a list of objects, one sub-reader per item, sharing this reader's problems.

Every getter takes ``required`` (default True): an optional field that is absent, null or
empty text returns ``default``.
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from .errors import InvalidMessage
from .mapping_transforms import INT64_MAX, INT64_MIN, short_repr

EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(9999, 12, 31, 23, 59, 59)
_ABSENT = object()


class PayloadReader:
    """Typed getters over one JSON object; problems are collected, see the module docstring."""

    def __init__(self, payload, prefix="", problems=None):
        self.problems = [] if problems is None else problems
        self.prefix = prefix
        if not isinstance(payload, dict):
            raise InvalidMessage(["the payload must be a JSON object"])
        self.payload = payload

    # ------------------------------------------------------------------ plumbing
    def raw(self, path, default=None):
        """The value at ``path`` as received, or ``default`` when absent."""
        value = self.payload
        for part in path.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return default
        return value

    def problem(self, path, message, value=_ABSENT):
        """Note that the value at ``path`` is wrong; ``value`` is shown when given."""
        where = f"{self.prefix}{path}" if path else self.prefix.rstrip(".")
        text = f"{where} {message}" if where else message
        if value is not _ABSENT and value is not None:
            text += f" (got {short_repr(value, 60)})"
        self.problems.append(text)

    def done(self, result=None):
        """``result`` when no problem was found; else raise ``InvalidMessage`` with them all."""
        if self.problems:
            raise InvalidMessage(self.problems)
        return result

    def _get(self, path, required, message):
        """(found, value): found is False, after a problem when required, for an absent value."""
        value = self.raw(path)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, message, value)
            return False, None
        return True, value

    # ------------------------------------------------------------------ getters
    def text(self, path, required=True, default=None):
        found, value = self._get(path, required, "must be a non-empty text")
        if not found:
            return default
        if not isinstance(value, str):
            self.problem(path, "must be a non-empty text", value)
            return None
        return value.strip()

    def decimal(
        self, path, required=True, default=None, minimum=None, maximum=None, positive=False
    ):
        found, value = self._get(path, required, "must be a number")
        if not found:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.problem(path, "must be a number", value)
            return None
        if abs(value) == float("inf") or (isinstance(value, int) and value.bit_length() > 1023):
            self.problem(path, "is too large", value)
            return None
        number = float(value)
        if positive and number <= 0:
            self.problem(path, "must be positive", value)
            return None
        if not self._within(path, number, minimum, maximum, value):
            return None
        return number + 0.0

    def integer(self, path, required=True, default=None, minimum=None, maximum=None):
        message = "must be an integer"
        if minimum is not None:
            message += f" of at least {minimum}"
        found, value = self._get(path, required, message)
        if not found:
            return default
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, message, value)
            return None
        if not INT64_MIN <= value <= INT64_MAX:
            self.problem(path, "is outside the 64-bit integer range", value)
            return None
        if minimum is not None and value < minimum:
            self.problem(path, message, value)
            return None
        return value if self._within(path, value, None, maximum, value) else None

    def boolean(self, path, required=False, default=False):
        value = self.raw(path)
        if value is None:
            if required:
                self.problem(path, "must be true or false")
            return default
        if not isinstance(value, bool):
            self.problem(path, "must be true or false", value)
            return default
        return value

    def enum(self, path, values, required=True, default=None):
        """One of ``values`` (a list), or the translation of a key of ``values`` (a dict)."""
        allowed = list(values)
        message = "must be one of " + ", ".join(str(value) for value in allowed)
        found, value = self._get(path, required, message)
        if not found:
            return default
        if not isinstance(value, str | int) or isinstance(value, bool) or value not in allowed:
            self.problem(path, message, value)
            return None
        return values[value] if isinstance(values, dict) else value

    def date(self, path, required=True, default=None, earliest=EARLIEST, latest=LATEST):
        message = "must be an ISO 8601 date"
        found, value = self._get(path, required, message)
        if not found:
            return default
        try:
            parsed = date.fromisoformat(value.strip()) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.problem(path, message, value)
            return None
        if not earliest.date() <= parsed <= latest.date():
            self.problem(path, self._range_text(earliest.date(), latest.date()), value)
            return None
        return parsed

    def datetime(
        self, path, required=True, default=None, tz="UTC", earliest=EARLIEST, latest=LATEST
    ):
        """A naive UTC datetime (see the module docstring for zones and bounds)."""
        message = "must be an ISO 8601 date and time"
        found, value = self._get(path, required, message)
        if not found:
            return default
        parsed = _parse_datetime(value.strip()) if isinstance(value, str) else None
        if parsed is None:
            self.problem(path, message, value)
            return None
        try:
            aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(tz))
            utc = aware.astimezone(timezone.utc).replace(tzinfo=None)
        except (OverflowError, ValueError):
            utc = None
        if utc is None or not earliest <= utc <= latest:
            self.problem(path, self._range_text(earliest, latest), value)
            return None
        return utc

    def items(self, path, required=False):
        """One sub-reader per object of the list at ``path`` (an absent list has none)."""
        value = self.raw(path)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(path, "must be a list of objects")
            return []
        return [
            PayloadReader(item, f"{self.prefix}{path}[{index}].", self.problems)
            for index, item in enumerate(value)
        ]

    # ------------------------------------------------------------------ checks
    def _within(self, path, number, minimum, maximum, value):
        if minimum is not None and number < minimum:
            self.problem(path, f"must be at least {minimum}", value)
            return False
        if maximum is not None and number > maximum:
            self.problem(path, f"must be at most {maximum}", value)
            return False
        return True

    @staticmethod
    def _range_text(earliest, latest):
        return f"must be between {earliest.isoformat()} and {latest.isoformat()}"


def _parse_datetime(text):
    """A datetime from ISO 8601 text (``Z`` or an offset, or naive), or None."""
    if text[-1:] in ("Z", "z"):  # Python 3.10's fromisoformat does not read "Z"
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
