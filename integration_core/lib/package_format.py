"""Configuration packages: the file's envelope, its validation, its canonical text and diffs.

A package is one JSON object (README.rst, *Configuration packages*, documents it)::

    {
      "environment": "test",
      "format": "manufacturing-integration-package",
      "format_version": 1,
      "modules": {"integration_core": "18.0.1.2.0", "integration_mes": "18.0.1.2.0"},
      "plant": "Plant 1",
      "sections": {"endpoints": [{...}], "flows": [{...}], ...}
    }

This module knows the envelope and two conventions every section follows: an item field
named ``endpoint`` holds the code of an endpoint of the package, and an item field named
``flow`` (beside its ``endpoint``) the code of one of the package's flows. What a section's
items hold is declared by the models that contribute sections.
"""

import hashlib
import json
from dataclasses import dataclass, field

from .input_limits import MAX_BODY_BYTES, InputError, check_key, load_json_document

FORMAT = "manufacturing-integration-package"
FORMAT_VERSION = 1
ENVIRONMENTS = ("development", "test", "production")
ENVELOPE = {"environment", "format", "format_version", "modules", "plant", "sections"}
# Preview actions, in the order people read them.
ACTIONS = ("create", "change", "unchanged", "skip")
# A preview shows this many differences of one record; the rest are counted.
MAX_DIFFS = 12


class PackageError(ValueError):
    """A file that cannot be imported as it is: one sentence saying what is wrong."""


@dataclass
class Change:
    """What importing one item of a package does here.

    ``action``: create, change (``diffs`` are ``(field, old, new)`` texts), unchanged, or
    skip (``notes`` say why). ``record`` is the record found here (opaque to this module),
    ``values`` what the item's fields are here (ids of the records its references name).
    """

    section: str
    key: tuple
    label: str
    item: dict
    action: str = "create"
    diffs: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    record: object = None
    values: dict = field(default_factory=dict)
    apply: bool = True

    def signature(self):
        """What the person saw in the preview: the import must do exactly that."""
        return [self.section, list(self.key), self.action, self.diffs, self.notes]


def read(raw, max_bytes=MAX_BODY_BYTES):
    """The package document in ``raw`` (bytes), within the input limits; PackageError if not."""
    if not raw:
        raise PackageError("The file is empty: choose a package file exported by the suite.")
    try:
        return load_json_document(raw, "The package file", max_bytes)
    except InputError as error:
        raise PackageError(str(error)) from None


def check_envelope(document, sections):
    """Refuse a document that is not a package this version reads.

    ``sections``: ``{section: (key fields, label)}`` of the sections installed here, in import
    order (label: what people call one record, e.g. Flow). Checks the
    format and its version, the module versions' shape, the environment, that every section
    is known, that its items are objects with their key, no key twice, and that every
    ``endpoint`` and ``flow`` an item names is in the package.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackageError(
            "This is not a configuration package of the suite: its format must be "
            f'"{FORMAT}" (export one under Integration > Configuration > Export configuration).'
        )
    unknown = sorted(set(document) - ENVELOPE)
    if unknown:
        raise PackageError(f"Unknown top-level field(s) in the package: {', '.join(unknown)}.")
    _check_format_version(document.get("format_version"))
    modules = document.get("modules")
    if not isinstance(modules, dict) or not all(
        isinstance(name, str) and _is_version(version) for name, version in modules.items()
    ):
        raise PackageError('"modules" must map each module name to its version, e.g. 18.0.1.0.0.')
    if document.get("environment") not in ENVIRONMENTS:
        raise PackageError(f'"environment" must be one of {", ".join(ENVIRONMENTS)}.')
    if not isinstance(document.get("plant"), str | None):
        raise PackageError('"plant" must be the name of the plant the package was exported from.')
    content = document.get("sections")
    if not isinstance(content, dict):
        raise PackageError('"sections" must be an object of lists, e.g. {"endpoints": [...]}.')
    for name, items in content.items():
        if name not in sections:
            raise PackageError(
                f'Unknown section "{name}": the package was made with an addon that is not '
                "installed here, or by another program."
            )
        _check_items(name, items, sections[name][0])
    _check_references(content, sections)


def _check_format_version(version):
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PackageError('"format_version" must be a positive integer.')
    if version > FORMAT_VERSION:
        raise PackageError(
            f"The package has format version {version}, made by a newer version of the suite; "
            f"this database reads version {FORMAT_VERSION}: upgrade the suite here first."
        )


def _check_items(name, items, key_fields):
    if not isinstance(items, list):
        raise PackageError(f'Section "{name}" must be a list of objects.')
    seen = set()
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise PackageError(f'Section "{name}", item {index}: it must be an object.')
        missing = [key for key in key_fields if key not in item]
        if missing:
            raise PackageError(
                f'Section "{name}", item {index}: missing {", ".join(missing)}, what identifies it.'
            )
        key = item_key(item, key_fields)
        for value in key:
            _check_key_part(f'Section "{name}", item {index}', value, key_fields)
        if hashable(key) in seen:
            raise PackageError(f'Section "{name}" holds {label(key)} twice.')
        seen.add(hashable(key))


def _check_key_part(what, value, key_fields):
    """A key part is a code (text within the key limits), a number, null, or a reference to an
    Odoo record (``{"code": "WC-1"}``)."""
    texts = list(value.values()) if isinstance(value, dict) and len(value) == 1 else [value]
    for text in texts:
        if isinstance(text, str):
            try:
                check_key(what, text)
            except InputError as error:
                raise PackageError(str(error)) from None
        elif not isinstance(text, int | type(None)) or isinstance(text, bool):
            raise PackageError(f"{what}: {', '.join(key_fields)} must be codes or numbers.")


def _check_references(content, sections):
    """Every endpoint and flow an item names must be in the package: nothing points outside."""
    for name, (key_fields, section_label) in sections.items():
        for item in content.get(name, []):
            what = f"{section_label} {label(item_key(item, key_fields))}"
            codes = ("code",) if name in ("endpoints", "flows") else ()
            for field_name in codes + ("endpoint", "flow"):
                if field_name in item and not isinstance(item[field_name], str | None):
                    raise PackageError(f"{what}: {field_name} must be a code (a text).")
    endpoints = {item.get("code") for item in content.get("endpoints", [])}
    flows = {(item.get("endpoint"), item.get("code")) for item in content.get("flows", [])}
    for name, (key_fields, section_label) in sections.items():
        if name == "endpoints":
            continue
        for item in content.get(name, []):
            what = f"{section_label} {label(item_key(item, key_fields))}"
            endpoint = item.get("endpoint")
            if endpoint is not None and endpoint not in endpoints:
                raise PackageError(
                    f"{what} refers to endpoint {endpoint}, which is not in the package."
                )
            flow = item.get("flow") if name != "flows" else None
            if flow is not None and (endpoint, flow) not in flows:
                raise PackageError(
                    f"{what} refers to flow {endpoint} / {flow}, which is not in the package."
                )


def item_key(item, key_fields):
    """The natural key of ``item``: its values of ``key_fields``, as a tuple."""
    return tuple(item.get(key) for key in key_fields)


def hashable(key):
    """``key`` as a dictionary key (its references, which are dicts, as their JSON)."""
    return tuple(
        json.dumps(part, sort_keys=True) if isinstance(part, dict) else part for part in key
    )


def label(key):
    """A key as people read it: PLANT1_MES / work_order.release."""
    return " / ".join(_label_part(part) for part in key)


def _label_part(part):
    if part is None:
        return "-"
    if isinstance(part, dict):
        return " ".join(str(value) for value in part.values())
    return str(part)


class Target:
    """Where a package is imported: the plant (a company) and what each item stands for here,
    by section and key: a record, an empty recordset (to be created) or None (skipped)."""

    def __init__(self, company):
        self.company = company
        self._records = {}

    def register(self, section, key, record):
        self._records[(section, hashable(key))] = record

    def get(self, section, key):
        return self._records.get((section, hashable(key)))


def _is_version(text):
    return isinstance(text, str) and bool(text) and all(p.isdigit() for p in text.split("."))


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def module_problems(required, installed):
    """(errors, notes) of the package's module versions against those installed here.

    A module the package needs that is missing here, or older here than in the package
    (whose configuration it may not know), is an error; an older package is a note.
    """
    errors, notes = [], []
    for name, version in sorted(required.items()):
        here = installed.get(name)
        if not here:
            errors.append(f"The package needs {name} ({version}), which is not installed here.")
        elif version_tuple(here) < version_tuple(version):
            errors.append(
                f"The package was made with {name} {version}; this database has {here}: "
                "upgrade it here first."
            )
        elif version_tuple(here) > version_tuple(version):
            notes.append(f"The package was made with {name} {version}; this database has {here}.")
    return errors, notes


def dumps(document):
    """The canonical text of a package: sorted keys, two-space indent, UTF-8, a final newline.

    Two exports of the same configuration give the same bytes.
    """
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def checksum(raw):
    return hashlib.sha256(raw).hexdigest()


def sort_items(items, key_fields):
    """Items in a stable order: by their key, absent parts first."""
    return sorted(
        items, key=lambda item: [("" if v is None else str(v)) for v in item_key(item, key_fields)]
    )


def diff(old, new, skip=()):
    """``[(path, old text, new text)]`` of what ``new`` changes in ``old`` (two items).

    Only the fields ``new`` holds are compared (an older package may lack newer fields);
    lists are compared item by item (``lines[2].transforms``). At most ``MAX_DIFFS`` rows,
    then one row counting the rest.
    """
    rows = []
    _diff(old, new, "", rows, set(skip))
    if len(rows) > MAX_DIFFS:
        rows = rows[:MAX_DIFFS] + [("...", "", f"{len(rows) - MAX_DIFFS} more differences")]
    return rows


def _diff(old, new, path, rows, skip):
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(new):
            if name in skip and not path:
                continue
            _diff(old.get(name), new[name], f"{path}.{name}" if path else name, rows, skip)
    elif isinstance(old, list) and isinstance(new, list) and old != new:
        if len(old) != len(new):
            rows.append((path, f"{len(old)} items", f"{len(new)} items"))
        for index, (before, after) in enumerate(zip(old, new, strict=False)):
            _diff(before, after, f"{path}[{index + 1}]", rows, skip)
    elif old != new:
        rows.append((path, describe(old), describe(new)))


def describe(value, width=60):
    """A value as a short text for a preview line."""
    if value is None:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def rename_endpoints(document, renames, name_from="", name_to=""):
    """A copy of ``document`` whose endpoints have new codes (``renames``: old -> new) and,
    when ``name_from`` is given, names with it replaced by ``name_to``; every reference to
    an endpoint follows its new code."""
    copy = json.loads(json.dumps(document))
    for name, items in copy.get("sections", {}).items():
        for item in items:
            if name == "endpoints":
                item["code"] = renames.get(item["code"], item["code"])
                if name_from and isinstance(item.get("name"), str):
                    item["name"] = item["name"].replace(name_from, name_to)
            elif item.get("endpoint") in renames:
                item["endpoint"] = renames[item["endpoint"]]
    return copy


def renamed_code(code, how, code_from, code_to):
    """``code`` for a new plant: ``how`` is ``replace`` (``code_from`` by ``code_to``),
    ``prefix`` or ``suffix`` (``code_to`` in front or at the end). PackageError when the code
    would not change or would not be a valid code."""
    if how == "prefix":
        new = code_to + code
    elif how == "suffix":
        new = code + code_to
    else:
        new = code.replace(code_from, code_to) if code_from else code
    if new == code:
        raise PackageError(f"Code {code} does not contain {code_from!r}: it would not change.")
    try:
        return check_key("The new code", new)
    except InputError as error:
        raise PackageError(f"{code} -> {new}: {error}") from None
