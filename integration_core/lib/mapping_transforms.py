"""The named transforms a mapping line may apply: data in the database, never Python code.

A transform is written ``"strip"``, ``("decimal", 2)``, ``("datetime", "%d.%m.%Y %H:%M",
"Europe/Berlin")`` (positional parameters in the order of the registry below) or
``{"name": "uom", "from_uom_path": "unit", "to_uom": "kg"}``. Each one takes a value, its
parameters and a ``TransformContext`` and returns the new value or raises ``MappingValueError``;
the evaluator (``mapping.py``) turns that into an issue with a path. There is deliberately no way
to plug in code: mappings are edited in the UI by people who must not run Python on the server.

- ``strip``, ``upper``, ``lower``: text (an integer counts as its digits).
- ``odoo_code``: the internal reference an Odoo display name starts with (``"[A-1] Valve"`` ->
  ``"A-1"``), as an older Odoo names a product in a many2one value.
- ``integer``: int, integral float or numeric text -> int within 64 bits (no bool, no "1.5").
- ``decimal`` [precision]: a number or numeric text -> float, rounded half-up at ``precision``
  digits through Decimal (floats are read by their repr, so 2.675 -> 2.68). No NaN, inf, bool.
- ``date`` [format="%Y-%m-%d"] -> ``datetime.date``.
- ``datetime`` [format, tz="UTC"]: ISO 8601 (offset optional) or a strptime format -> naive UTC
  ``datetime`` as Odoo stores it; naive text is wall-clock time in ``tz``.
- ``uom`` from_uom|from_uom_path, to_uom|to_uom_path: quantity conversion by ``convert_uom``;
  a ``*_path`` reads the unit from the same object as the line (e.g. the order line).
- ``value_map`` table: external code -> internal value; ``xref`` model: external code -> id.

Direction matters only where the meaning is not symmetric: ``date``/``datetime`` parse text on the
way in and format on the way out; ``value_map``/``xref`` call the reverse resolvers on the way out.

Resolvers: any object (the Odoo wrapper supplies one per endpoint) with the methods
``convert_uom(value: float, from_code, to_code) -> number``, ``map_value(table, code) -> value``,
``reverse_value_map(table, value) -> code``, ``lookup_xref(model, code) -> id`` and
``reverse_xref(model, id: int) -> code``. Codes and table values arrive as text (10 -> "10"). A
missing method is a ``no_resolver`` issue. Resolvers raise ``MappingValueError`` (or
``errors.MissingReference``) for data problems, or return None for an unknown code; any other
exception means the resolver itself failed (database down): it propagates out of ``evaluate``
unchanged, so the queue retries instead of blaming the payload.
"""

import math
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo

from .errors import MissingReference

INBOUND, OUTBOUND = "inbound", "outbound"
ISO_DATE = "%Y-%m-%d"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_PRECISION = 15  # digits a float still carries exactly
# ASCII only: int() and Decimal() also accept Arabic-Indic digits and "1_000", no ERP means those.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_ODOO_CODE = re.compile(r"\s*\[([^\]]*[^\]\s][^\]]*)\]")
# Private context: big enough for 64-bit integers with decimals, and never the thread's global one.
_DECIMALS = Context(prec=40)
# A sample that catches formats losing information: day 23 > 12, hour 13 > 12, year 2024.
_SAMPLE = datetime(2024, 11, 23, 13, 45, 0, tzinfo=timezone.utc)


class MappingValueError(Exception):
    """A value cannot be mapped. ``code`` is stable (for grouping and UIs), ``message`` is human.

    Resolvers raise it too (unknown unit, unknown code). ``reference`` is ``(model, code)`` when
    the problem is a record Odoo does not know (yet), so the caller can park the message.
    """

    def __init__(self, message, code="invalid_value", reference=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.reference = reference


class ResolverFailure(Exception):
    """A resolver failed for a reason other than the data (database down, bug): not an issue.

    The evaluator re-raises ``original`` so the caller's retry policy applies to it.
    """

    def __init__(self, original):
        super().__init__(str(original))
        self.original = original


class _ShortRepr(reprlib.Repr):
    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother, self.maxlong = 3, 60, 60, 40

    def repr_int(self, x, level):
        # repr() of an int above 4,300 digits raises ValueError (CVE-2020-10735 limit).
        if x.bit_length() > 128:
            return f"<int of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_SHORT_REPR = _ShortRepr()


def short_repr(value, limit=80):
    """A repr of at most ``limit`` characters, for any value (huge, deep, self-referencing)."""
    try:
        text = _SHORT_REPR.repr(value)
    except Exception:  # a hostile __repr__ must not turn a data issue into a crash
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_problem(path, max_segments=32):
    """Why ``path`` is not a valid dotted path (``"lines.0.qty"``), or None."""
    if not isinstance(path, str) or not path:
        return "a path must be non-empty text"
    segments = path.split(".")
    if any(not segment.strip() for segment in segments):
        return f"path {path!r} has an empty part"
    if len(segments) > max_segments:
        return f"path {path!r} is deeper than {max_segments} parts"
    return None


@dataclass
class TransformContext:
    """What a transform may use besides its value: ``read(path)`` reads the current object."""

    direction: str
    resolvers: object
    read: Callable[[str], object]


def call_resolver(ctx, hook, *args):
    """Call ``ctx.resolvers.<hook>(*args)``: data problems become MappingValueError."""
    function = getattr(ctx.resolvers, hook, None)
    if not callable(function):
        raise MappingValueError(f"no {hook} resolver is configured", "no_resolver")
    try:
        return function(*args)
    except MappingValueError:
        raise
    except MissingReference as missing:
        reference = (missing.model, missing.code)
        raise MappingValueError(str(missing), "missing_reference", reference) from None
    except Exception as exc:
        raise ResolverFailure(exc) from exc


# --- value readers -------------------------------------------------------------------------


def _wrong_type(value, expected):
    return MappingValueError(f"expected {expected}, got {type(value).__name__}", "wrong_type")


def _text(value):
    """Text, or an integer as its digits: legacy systems send item codes as JSON numbers."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() < 128:
        return str(value)
    raise _wrong_type(value, "text")


def _code_text(value):
    """The text form of a code for a table or cross-reference lookup (10 -> "10")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return _text(value)


def _to_decimal(value):
    """An exact Decimal from a JSON number or numeric text; bool, NaN and infinity refused."""
    if isinstance(value, bool):
        raise _wrong_type(value, "a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        # Decimal.is_finite also covers signalling NaN, which math.isfinite cannot even convert.
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise MappingValueError(f"{value} is not a finite number", "invalid_number")
        # repr() of a float is the shortest text giving it back: 2.675 stays "2.675".
        return Decimal(repr(value)) if isinstance(value, float) else value
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER.fullmatch(text):
            raise MappingValueError(f"{short_repr(value, 40)} is not a number", "invalid_number")
        return Decimal(text)
    raise _wrong_type(value, "a number")


def _finite_float(number):
    try:
        result = float(number)
    except (ValueError, ArithmeticError):  # a resolver's Decimal("sNaN")
        raise MappingValueError(f"{short_repr(number)} is not a number", "invalid_number") from None
    if not math.isfinite(result):
        raise MappingValueError("the number is too large", "out_of_range")
    return result + 0.0  # -0.0 becomes 0.0


def _zone(name):
    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for "../x", OSError for odd names
        raise MappingValueError(
            f"unknown time zone {short_repr(name, 40)}", "invalid_spec"
        ) from None


# --- transforms ----------------------------------------------------------------------------


def _strip(value, params, ctx):
    return _text(value).strip()


def _upper(value, params, ctx):
    return _text(value).upper()


def _lower(value, params, ctx):
    return _text(value).lower()


def _odoo_code(value, params, ctx):
    found = _ODOO_CODE.match(_text(value))
    if not found:
        message = f"no [internal reference] at the start of {short_repr(value, 40)}"
        raise MappingValueError(message, "missing_code")
    return found.group(1).strip()


def _integer(value, params, ctx):
    number = _to_decimal(value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise MappingValueError("outside the 64-bit integer range", "out_of_range")
    if number != number.to_integral_value(context=_DECIMALS):
        raise MappingValueError(f"{short_repr(value, 40)} is not a whole number", "invalid_number")
    return int(number)


def _decimal(value, params, ctx):
    """A float (what Odoo's Float fields take), rounded half-up at ``precision`` digits."""
    number = _to_decimal(value)
    precision = params.get("precision")
    if precision is not None:
        try:
            number = number.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP, _DECIMALS)
        except ArithmeticError:  # decimal.InvalidOperation: more digits than the context holds
            raise MappingValueError("the number is too large", "out_of_range") from None
    return _finite_float(number)


def _date(value, params, ctx):
    fmt = params.get("format") or ISO_DATE
    if ctx.direction == OUTBOUND:
        if isinstance(value, str):
            value = _parse(value, ISO_DATE, "invalid_date")
        if not isinstance(value, date):
            raise _wrong_type(value, "a date")
        return value.strftime(fmt)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise _wrong_type(value, "a date as text")
    return _parse(value.strip(), fmt, "invalid_date").date()


def _datetime(value, params, ctx):
    """Inbound: a naive UTC datetime (as Odoo stores). Outbound: text in ``tz``."""
    tz = _zone(params.get("tz") or "UTC")
    fmt = params.get("format")
    if isinstance(value, str):
        inbound_fmt = fmt if ctx.direction == INBOUND else None  # Odoo side is ISO text
        value = _parse(value.strip(), inbound_fmt, "invalid_datetime")
    if not isinstance(value, datetime):
        raise _wrong_type(value, "a date-time")
    try:
        if ctx.direction == OUTBOUND:
            local = value.replace(tzinfo=value.tzinfo or timezone.utc).astimezone(tz)
            return local.strftime(fmt) if fmt else local.isoformat()
        # Naive input is wall-clock time in ``tz``; an ambiguous hour (DST end) reads as the first.
        aware = value if value.tzinfo else value.replace(tzinfo=tz)
        return aware.astimezone(timezone.utc).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise MappingValueError("the date-time is out of range", "invalid_datetime") from None


def _parse(text, fmt, code):
    """A datetime from text with a strptime format, or ISO 8601 (with offset) when fmt is None."""
    try:
        if fmt:
            return datetime.strptime(text, fmt)
        if text[-1:] in ("Z", "z"):  # Python 3.10's fromisoformat does not read "Z"
            text = text[:-1] + "+00:00"
        return datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        expected = f"format {fmt!r}" if fmt else "ISO 8601"
        raise MappingValueError(f"{short_repr(text, 40)} does not match {expected}", code) from None


def _uom(value, params, ctx):
    quantity = _finite_float(_to_decimal(value))
    from_code, to_code = _unit(params, "from_uom", ctx), _unit(params, "to_uom", ctx)
    result = call_resolver(ctx, "convert_uom", quantity, from_code, to_code)
    if isinstance(result, bool) or not isinstance(result, int | float | Decimal):
        raise MappingValueError(f"unit conversion gave {short_repr(result)}", "invalid_result")
    return _finite_float(result)


def _unit(params, name, ctx):
    if params.get(name):
        return params[name]
    path = params.get(f"{name}_path")
    code = ctx.read(path) if path else None
    if not isinstance(code, str) or not code.strip() or len(code) > 100:
        raise MappingValueError(f"no unit of measure at {path!r}", "missing_unit")
    return code.strip()


def _value_map(value, params, ctx):
    code = _code_text(value)
    if code == "":
        return None  # an empty code means "no value", not an entry named ""
    hook = "map_value" if ctx.direction == INBOUND else "reverse_value_map"
    result = call_resolver(ctx, hook, params["table"], code)
    if result is None:
        message = f"{short_repr(code, 40)} is not in table {params['table']!r}"
        raise MappingValueError(message, "unknown_value")
    return result


def _xref(value, params, ctx):
    model = params["model"]
    if ctx.direction == OUTBOUND:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(value, "a record id")
        code, hook = value, "reverse_xref"
    else:
        code, hook = _code_text(value), "lookup_xref"
        if code == "":
            return None  # an empty code is "no reference"; `required` decides if that is wrong
    result = call_resolver(ctx, hook, model, code)
    if result is None or result is False:
        message = f"no {model} known for {short_repr(code, 40)}"
        raise MappingValueError(message, "unknown_reference", (model, code))
    return result


# --- parameters and the registry -----------------------------------------------------------


def _check_precision(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PRECISION:
        return f"must be a whole number from 0 to {MAX_PRECISION}"
    return None


def _check_name(value):
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _check_path(value):
    return path_problem(value)


def _check_tz(value):
    if _check_name(value):
        return _check_name(value)
    try:
        _zone(value)
    except MappingValueError as error:
        return error.message
    return None


def _format_checker(keep):
    """A check that ``fmt`` writes and reads back ``_SAMPLE`` unchanged (as compared by keep)."""

    def check(fmt):
        if _check_name(fmt) or "%" not in fmt:
            return "must be a strptime format such as '%d.%m.%Y'"
        sample = _SAMPLE if "%z" in fmt or "%Z" in fmt else _SAMPLE.replace(tzinfo=None)
        try:
            parsed = datetime.strptime(sample.strftime(fmt), fmt)
        except (ValueError, TypeError) as error:
            return f"format {fmt!r} is invalid: {error}"
        if keep(parsed) != keep(sample):
            return f"format {fmt!r} loses part of the value (check year, month, day and hours)"
        return None

    return check


@dataclass(frozen=True)
class Param:
    name: str
    check: Callable[[object], str | None]
    required: bool = False


@dataclass(frozen=True)
class Transform:
    function: Callable
    params: tuple = ()
    check: Callable[[dict], list] | None = None  # rules across parameters


def _uom_problems(params):
    return [
        f"give exactly one of {side}_uom and {side}_uom_path"
        for side in ("from", "to")
        if bool(params.get(f"{side}_uom")) == bool(params.get(f"{side}_uom_path"))
    ]


TRANSFORMS = {
    "strip": Transform(_strip),
    "upper": Transform(_upper),
    "lower": Transform(_lower),
    "odoo_code": Transform(_odoo_code),
    "integer": Transform(_integer),
    "decimal": Transform(_decimal, (Param("precision", _check_precision),)),
    "date": Transform(_date, (Param("format", _format_checker(lambda d: d.date())),)),
    "datetime": Transform(
        _datetime,
        (
            Param("format", _format_checker(lambda d: d.replace(tzinfo=None))),
            Param("tz", _check_tz),
        ),
    ),
    "uom": Transform(
        _uom,
        (
            Param("from_uom", _check_name),
            Param("to_uom", _check_name),
            Param("from_uom_path", _check_path),
            Param("to_uom_path", _check_path),
        ),
        _uom_problems,
    ),
    "value_map": Transform(_value_map, (Param("table", _check_name, required=True),)),
    "xref": Transform(_xref, (Param("model", _check_name, required=True),)),
}


def apply_transform(name, params, value, ctx):
    """Apply one prepared transform (see ``prepare_transforms``)."""
    return TRANSFORMS[name].function(value, params, ctx)
