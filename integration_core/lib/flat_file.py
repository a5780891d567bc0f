"""Flat files of a legacy system (CSV or fixed width) read row by row into message payloads.

A ``FlatFormat`` says how the file is written (encoding, delimiter, quote character, header row,
decimal comma, or fixed-width column positions) and which payload key each column fills. Rows
are read as a stream: ``read_records`` yields one ``Record`` per row (or per group of
consecutive rows sharing the group column's value, e.g. the lines of one BOM), each with the
line number it starts on and the byte offset after it, so a load can stop and resume there
(``start``). A row that cannot be read (a missing column, a number that is not one) becomes a
``Record`` whose ``errors`` say what is wrong, with its line number; reading goes on.

Lines are split on ``\\n`` in the raw bytes, then decoded: any encoding where that byte only
means a line end works (UTF-8, cp1252, Latin-1...); UTF-16 does not.
"""

import csv
import datetime
from dataclasses import dataclass, field

TYPES = ("text", "integer", "decimal", "date", "boolean")
TRUE_WORDS = frozenset({"1", "y", "yes", "j", "ja", "o", "oui", "true", "t", "x"})
FALSE_WORDS = frozenset({"0", "n", "no", "nein", "non", "false", "f", ""})
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y%m%d")


@dataclass(frozen=True)
class Column:
    """One column: ``source`` is its header name (or its 1-based position when the file has no
    header); ``key`` the dotted payload key it fills; ``start``/``width`` its characters in a
    fixed-width file (1-based start); ``group`` puts it on the group rather than on each line."""

    source: str
    key: str
    type: str = "text"
    required: bool = False
    start: int = 0
    width: int = 0
    group: bool = False


@dataclass(frozen=True)
class FlatFormat:
    columns: tuple
    kind: str = "csv"  # or "fixed"
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    quotechar: str = '"'
    header: bool = True
    decimal_comma: bool = False
    group_by: str = ""  # source of the column grouping consecutive rows into one record
    lines_key: str = "lines"


@dataclass
class Record:
    line: int  # line number (1-based) where the record starts
    end_line: int  # line number of its last line
    end_offset: int  # byte offset just after its last row
    payload: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (line, message)
    row_count: int = 1


class FormatError(ValueError):
    """The file as a whole does not fit the format (e.g. a header without a mapped column)."""


# ---------------------------------------------------------------------------------- values
def parse_value(text, column, decimal_comma=False):
    """The typed value of a cell's ``text``; ValueError saying why it is not one."""
    text = text.strip()
    if not text:
        if column.required:
            raise ValueError("is required")
        return None
    kind = column.type
    if kind == "integer":
        return int(_number_text(text, decimal_comma))
    if kind == "decimal":
        value = float(_number_text(text, decimal_comma))
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a number")
        return value
    if kind == "date":
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY)")
    if kind == "boolean":
        word = text.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(f"{text!r} is not yes or no")
    return text


def _number_text(text, decimal_comma):
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if cleaned.endswith("-"):  # legacy trailing minus: 12,50-
        cleaned = "-" + cleaned[:-1]
    try:
        float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    return cleaned


def set_key(payload, dotted, value):
    """Set ``payload[a][b] = value`` for the key ``a.b``."""
    *parents, last = dotted.split(".")
    for name in parents:
        payload = payload.setdefault(name, {})
    payload[last] = value


# ---------------------------------------------------------------------------------- lines
def _physical_lines(stream, encoding, start, first_line=1):
    """(line bytes decoded, byte offset after it) from ``start``; a BOM at 0 is dropped.
    FormatError for a line that is not text in ``encoding``: the file's encoding is wrong."""
    stream.seek(start)
    offset = start
    for number, raw in enumerate(stream, first_line):
        offset += len(raw)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise FormatError(
                f"Line {number} is not {encoding} text (byte {error.start + 1} of the line): "
                "set the encoding the file is written in on its format."
            ) from None
        if offset == len(raw) and text.startswith("\ufeff"):
            text = text[1:]
        yield text, offset


class _LineCounter:
    """Feeds ``csv.reader`` and remembers where the last line it took ends."""

    def __init__(self, lines, first_line):
        self._lines = lines
        self.line = first_line - 1
        self.offset = None

    def __iter__(self):
        return self

    def __next__(self):
        text, self.offset = next(self._lines)
        self.line += 1
        return text


def _csv_rows(stream, fmt, start, first_line):
    """(first line, last line, end offset, list of cells) per CSV row from byte ``start``."""
    counter = _LineCounter(_physical_lines(stream, fmt.encoding, start, first_line), first_line)
    reader = csv.reader(
        counter, delimiter=fmt.delimiter, quotechar=fmt.quotechar or None, strict=False
    )
    while True:
        line = counter.line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, counter.line, counter.offset, error
            continue
        yield line, counter.line, counter.offset, cells


def _fixed_rows(stream, fmt, start, first_line):
    lines = _physical_lines(stream, fmt.encoding, start, first_line)
    for number, (text, offset) in enumerate(lines, first_line):
        yield number, number, offset, text.rstrip("\r\n")


# ---------------------------------------------------------------------------------- rows
class _RowReader:
    """Turns raw rows into (payload of line columns, payload of group columns, errors)."""

    def __init__(self, fmt, header_cells=None):
        self.fmt = fmt
        self.positions = self._positions(header_cells)

    def _positions(self, header_cells):
        fmt = self.fmt
        if fmt.kind == "fixed":
            return {}
        if header_cells is None:
            positions = {}
            for column in fmt.columns:
                if not column.source.isdigit() or int(column.source) < 1:
                    raise FormatError(
                        f"Column {column.source!r}: without a header row, name columns by "
                        "their position (1, 2, ...)."
                    )
                positions[column.source] = int(column.source) - 1
            return positions
        names = [cell.strip() for cell in header_cells]
        missing = [c.source for c in fmt.columns if c.source not in names]
        if missing:
            raise FormatError(f"The header row has no column {', '.join(missing)}.")
        return {column.source: names.index(column.source) for column in fmt.columns}

    def cell(self, column, row):
        if self.fmt.kind == "fixed":
            return row[column.start - 1 : column.start - 1 + column.width]
        position = self.positions[column.source]
        if position >= len(row):
            raise ValueError("is missing (the row is too short)")
        return row[position]

    def read_row(self, row):
        """(line payload, group payload, group value, [error texts])."""
        line_payload, group_payload, errors = {}, {}, []
        group_value = None
        for column in self.fmt.columns:
            try:
                text = self.cell(column, row)
                value = parse_value(text, column, self.fmt.decimal_comma)
            except ValueError as error:
                errors.append(f"{column.source} {error}")
                continue
            if column.source == self.fmt.group_by:
                group_value = text.strip()
            set_key(group_payload if column.group else line_payload, column.key, value)
        return line_payload, group_payload, group_value, errors


def header_cells(stream, fmt):
    """The header row's cells and the byte offset after it (None, 0 without a header)."""
    if fmt.kind == "fixed" or not fmt.header:
        return None, 0
    for _line, _end_line, offset, cells in _csv_rows(stream, fmt, 0, 1):
        if isinstance(cells, csv.Error):
            raise FormatError(f"The header row cannot be read: {cells}")
        return cells, offset
    raise FormatError("The file is empty: it has no header row.")


def read_records(stream, fmt, start=None, start_line=None):
    """Records of a binary ``stream`` from byte ``start`` (line ``start_line``), or from the
    first data row. Blank lines are skipped."""
    cells, data_start = header_cells(stream, fmt)
    reader = _RowReader(fmt, cells)
    if start is None or start < data_start:
        start, start_line = data_start, (2 if cells is not None else 1)
    rows = (_csv_rows if fmt.kind == "csv" else _fixed_rows)(stream, fmt, start, start_line)
    records = _single_records(rows, reader)
    return _grouped(records, fmt) if fmt.group_by else records


def _single_records(rows, reader):
    for line, end_line, offset, row in rows:
        if isinstance(row, csv.Error):
            yield Record(line, end_line, offset, errors=[(line, f"cannot be read: {row}")])
            continue
        if _is_blank(row):
            continue
        line_payload, group_payload, group_value, errors = reader.read_row(row)
        record = Record(line, end_line, offset, errors=[(line, text) for text in errors])
        record.payload = {"line": line_payload, "group": group_payload, "key": group_value}
        yield record


def _is_blank(row):
    if isinstance(row, str):
        return not row.strip()
    return not any(cell.strip() for cell in row)


def _grouped(records, fmt):
    """Consecutive records with the same group value merged into one record."""
    current = None
    for record in records:
        key = record.payload.get("key") if record.payload else None
        if current is not None and key is not None and key == current.payload.get("_key"):
            current.payload[fmt.lines_key].append(record.payload["line"])
            current.errors.extend(record.errors)
            current.end_offset = record.end_offset
            current.end_line = record.end_line
            current.row_count += 1
            continue
        if current is not None:
            yield current
        current = Record(
            record.line, record.end_line, record.end_offset, errors=list(record.errors)
        )
        group = record.payload.get("group", {}) if record.payload else {}
        lines = [record.payload["line"]] if record.payload else []
        current.payload = dict(group, **{fmt.lines_key: lines, "_key": key})
    if current is not None:
        yield current


def payload_of(record, fmt):
    """The message payload of a record read without errors."""
    if fmt.group_by:
        return {k: v for k, v in record.payload.items() if k != "_key"}
    return dict(record.payload["group"], **record.payload["line"])
