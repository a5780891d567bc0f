"""Reconciliation statements in plain Python: their header, their rows in bounded batches.

A statement is an external system's account of an entity (stock balances, open orders, a
trial balance) as of a time, sent in one or more chunks. ``Statement`` is the header every
chunk repeats; ``row_batches`` turns the chunk's rows into batches of bounded size, the rows
of one key added up, so that the lines go to the database a batch at a time and no statement
is ever held whole in memory. Comparing is done in SQL by ``integration.reconciliation.engine``.
"""

from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidMessage

COVERAGES = ("full", "partial")
# Most chunks one statement may announce; rows written to the database per batch.
MAX_CHUNKS = 10_000
BATCH_ROWS = 1000
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Statement:
    """What every chunk of one statement repeats.

    - ``statement_id``: the sender's id of the statement (one run per endpoint and entity);
    - ``entity``: what is compared, named by the connector (``stock.balance``);
    - ``scope``: the part of the entity it covers (a warehouse code); staleness is judged per
      endpoint, entity and scope;
    - ``coverage``: ``full`` (whatever Odoo has in the scope and the statement lacks is missing
      there) or ``partial`` (only the keys listed are compared);
    - ``as_of``: naive UTC time the balances hold for;
    - ``chunk`` of ``chunks``: which part of the statement this message carries.
    """

    statement_id: str
    entity: str
    scope: str
    coverage: str
    as_of: datetime
    chunk: int = 1
    chunks: int = 1

    def __post_init__(self):
        problems = []
        for name in ("statement_id", "entity", "scope"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}: a non-empty text is required")
            elif len(value) > MAX_KEY_LENGTH:
                problems.append(f"{name}: at most {MAX_KEY_LENGTH} characters")
        if self.coverage not in COVERAGES:
            problems.append(f"coverage: one of {', '.join(COVERAGES)}, not {self.coverage!r}")
        if not isinstance(self.as_of, datetime) or self.as_of.tzinfo is not None:
            problems.append("as_of: a naive UTC date-time is required")
        if not _whole(self.chunks) or not 1 <= self.chunks <= MAX_CHUNKS:
            problems.append(f"chunks: a whole number from 1 to {MAX_CHUNKS}")
        elif not _whole(self.chunk) or not 1 <= self.chunk <= self.chunks:
            problems.append(f"chunk: a whole number from 1 to chunks ({self.chunks})")
        if problems:
            raise InvalidMessage(problems)


def row_batches(rows, size=BATCH_ROWS):
    """Yield lists of at most ``size`` rows from the iterable ``rows``, the rows of one key
    within a batch added up (their ``quantity`` summed, the first non-empty other values kept).

    Each row is a dict with ``key`` (non-empty text) and ``quantity`` (a number); an unfit row
    raises ``InvalidMessage`` naming its position. Memory holds one batch, whatever the count.
    """
    batch = {}
    for position, row in enumerate(rows, start=1):
        key, quantity = _checked(row, position)
        kept = batch.get(key)
        if kept is None:
            batch[key] = dict(row, key=key, quantity=quantity)
        else:
            kept["quantity"] += quantity
            for name, value in row.items():
                if kept.get(name) in (None, False, "") and value not in (None, False, ""):
                    kept[name] = value
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


def ranges_text(numbers):
    """``[1, 2, 3, 5, 7, 8]`` as ``"1-3, 5, 7-8"``: chunk numbers in words people read."""
    parts = []
    for number in sorted(set(numbers)):
        if parts and number == parts[-1][1] + 1:
            parts[-1][1] = number
        else:
            parts.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def _checked(row, position):
    if not isinstance(row, dict):
        raise InvalidMessage([f"row {position}: an object is required"])
    key = row.get("key")
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidMessage(
            [f"row {position}: key must be a text of 1 to {MAX_KEY_LENGTH} characters"]
        )
    quantity = row.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise InvalidMessage([f"row {position}: quantity must be a number, not {quantity!r}"])
    if quantity != quantity or quantity in (float("inf"), float("-inf")):
        raise InvalidMessage([f"row {position}: quantity must be a finite number"])
    return key, float(quantity)


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)
