"""Odoo records as the mapping engine reads them (outbound), and mapped values as JSON."""

import datetime

_X2MANY = ("one2many", "many2many")


def line_sources(lines):
    """``[(source path, nested sources or None)]`` of mapping lines, for ``flatten_record``."""
    return [
        (line.source, line_sources(line.child_ids) if line.has_children else None)
        for line in lines
        if line.source
    ]


def flatten_record(record, sources, endpoint):
    """The values of ``record`` the sources read, as a dict the mapping engine walks.

    Many-to-one fields give the related id (or, for a dotted path, the related record's values
    with its ``id``); lists give their records' values for nested lines, else their ids. Fields
    another system owns are left out, so they are never exported.
    """
    wanted = {}
    for path, nested in sources:
        name, _dot, rest = path.partition(".")
        entry = wanted.setdefault(name, ([], []))
        entry[0].extend([(rest, None)] if rest else [])
        entry[1].extend(nested or [])
    names = [name for name in wanted if name in record._fields]
    owned = record.env["integration.ownership"]._outbound_fields(
        record._name, names, endpoint.company_id
    )
    flat = {}
    for name in owned:
        field, value = record._fields[name], record[name]
        rest, nested = wanted[name]
        if field.type == "many2one":
            flat[name] = (
                dict(flatten_record(value, rest, endpoint), id=value.id)
                if rest and value
                else value.id or None
            )
        elif field.type in _X2MANY and nested:
            flat[name] = [flatten_record(row, nested, endpoint) for row in value]
        elif field.type in _X2MANY:
            flat[name] = value.ids
        elif field.type == "boolean" or value is not False:
            flat[name] = value
        else:
            flat[name] = None
    return flat


def json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
