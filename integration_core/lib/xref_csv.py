"""Parsing of cross-reference CSV files (external code -> Odoo value), every error at once."""

import csv
import io

MAX_ROWS = 200_000


def parse(data, *, has_header=True):
    """(rows, errors) from CSV bytes with two columns: external code, Odoo value.

    ``rows`` are (line number, code, value); ``errors`` are (line number, reason). The
    delimiter (comma, semicolon or tab) is detected; blank lines are skipped.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(0, "The file is not UTF-8 text.")]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows, errors, seen = [], [], {}
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1 and has_header:
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if number > MAX_ROWS:
                errors.append((number, f"More than {MAX_ROWS} lines: split the file."))
                break
            _check_row(number, cells, rows, errors, seen)
    except csv.Error as error:
        errors.append((reader.line_num, f"Unreadable CSV: {error}"))
    return rows, errors


def _check_row(number, cells, rows, errors, seen):
    if len(cells) < 2:
        errors.append((number, "Two columns expected: external code, Odoo value."))
        return
    code, value = cells[0].strip(), cells[1].strip()
    if not code or not value:
        errors.append((number, "Both the external code and the Odoo value are required."))
    elif code in seen:
        errors.append((number, f"Code {code} already appears on line {seen[code]}."))
    else:
        seen[code] = number
        rows.append((number, code, value))
