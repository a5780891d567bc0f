"""A section of a configuration package: one kind of configuration record of a plant.

Every section is an AbstractModel inheriting this one; ``integration.package`` finds them all
(as flows find their handlers), so a connector adds a section by declaring one (the MES adds
its routing rules) and the core imports no connector. A section declares:

- ``_package_section`` (its name in the file), ``_package_label`` (one record, for people),
  ``_package_model`` and ``_package_sequence`` (import order: what others refer to first);
- ``_package_key``: the item fields that identify a record, natural keys only (codes, names,
  versions; an ``endpoint`` field holds an endpoint's code, a ``flow`` field a flow's code);
- ``_package_fields(source)``: the model fields its items carry, encoded by their type
  (many-to-one fields by ``tools/package_refs``: a user by login, a work center by code...);
- ``_package_records(scope)``, ``_package_key_values(record)`` and ``_package_find(item,
  target)``: what is exported, and the record an item stands for here.

The generic part reads an item into ORM values (a bad type is a ``PackageError``: the file is
refused; a value this database lacks, such as a handler or a kind of system, skips the item;
a missing record it refers to skips it too, or leaves an optional field empty, with a note),
plans it (*create*, *change* with the fields that differ, *unchanged*, *skip* with the
reason) and applies the plan.
"""

import datetime
import re

from odoo import models

from ..lib import package_format
from ..lib.package_format import Change, PackageError
from ..tools import package_refs

MAX_INTEGER = 2**31 - 1  # a PostgreSQL integer column


class IntegrationPackageSection(models.AbstractModel):
    _name = "integration.package.section"
    _description = "Integration Package Section"

    _package_section = None
    _package_label = None
    _package_model = None
    _package_sequence = 100
    _package_key = ()
    # Item names of fields whose reference must resolve here, else the item is skipped.
    _package_strict_refs = ()
    # Item names other than the field name without "_id": {field: item name}.
    _package_item_names = {}
    # Item fields that are neither key nor model fields (lines, statements).
    _package_extra = ()

    # ------------------------------------------------------------------ declared per section
    def _package_fields(self, source):
        """Model fields the items carry; ``source`` is the record or the item (a dict)."""
        return []

    def _package_records(self, scope):
        """The records of ``scope`` (company, endpoints, flows) that the package holds."""
        raise NotImplementedError

    def _package_key_values(self, record):
        """The item fields of ``record`` that are not model fields (its endpoint's code...)."""
        return {}

    def _package_find(self, item, target):
        """``(record, reason)``: the record ``item`` stands for here (empty: to create), or a
        reason to skip it (its endpoint is not imported...)."""
        raise NotImplementedError

    def _package_parent_values(self, item, target):
        """ORM values placing a new record here: its company, endpoint or flow."""
        return {}

    def _package_modules(self, records):
        """The modules the exported ``records`` need where they are imported."""
        return {self._original_module}

    # ------------------------------------------------------------------ export
    def _package_export(self, scope):
        records = self._package_records(scope)
        items = [self._package_item(record) for record in records]
        return package_format.sort_items(items, self._package_key), records

    def _package_item(self, record):
        item = dict(self._package_key_values(record))
        for name in self._package_fields(record):
            item[self._package_item_name(name)] = self._package_encode(record, name)
        return item

    def _package_item_name(self, name):
        field = self.env[self._package_model]._fields[name]
        if name in self._package_item_names:
            return self._package_item_names[name]
        return name[:-3] if field.type == "many2one" and name.endswith("_id") else name

    def _package_encode(self, record, name):
        field, value = record._fields[name], record[name]
        if field.type == "many2one":
            return package_refs.encode(value)
        if field.type == "boolean":
            return bool(value)
        if field.type in ("integer", "float"):
            return value
        if field.type == "date":
            return value.isoformat() if value else None
        return str(value) if value else None

    # ------------------------------------------------------------------ reading an item
    def _package_what(self, item):
        return f"{self._package_label} {package_format.label(self._package_item_key(item))}"

    def _package_item_key(self, item):
        return package_format.item_key(item, self._package_key)

    def _package_decode(self, item, target):
        """``(values, problems, warnings)``: the item's fields as ORM values here.

        PackageError for a field this section does not know or a value of the wrong type.
        """
        names = {self._package_item_name(n): n for n in self._package_fields(item)}
        known = set(names) | set(self._package_key) | set(self._package_extra)
        unknown = sorted(set(item) - known)
        if unknown:
            raise PackageError(
                f"{self._package_what(item)}: unknown field(s) {', '.join(unknown)}."
            )
        values, problems, warnings = {}, [], []
        for item_name, name in names.items():
            if item_name not in item:
                continue
            value, problem = self._package_decode_value(name, item[item_name], item, target)
            field = self.env[self._package_model]._fields[name]
            strict = item_name in self._package_strict_refs or field.required
            if problem and (strict or field.type != "many2one"):
                problems.append(problem)
            elif problem:
                warnings.append(f"{problem}: {item_name} left empty")
            values[name] = value
        return values, problems, warnings

    def _package_decode_value(self, name, value, item, target):
        """``(ORM value, problem)`` of one field; PackageError for a wrong type."""
        field = self.env[self._package_model]._fields[name]
        what = f"{self._package_what(item)}, {self._package_item_name(name)}"
        if field.type == "many2one":
            record, problem = package_refs.decode(
                self.env, field.comodel_name, value, target.company
            )
            return record.id or False, problem
        if value is None and field.required:
            raise PackageError(f"{what}: must be given.")
        if value is None and field.type not in ("boolean", "integer", "float"):
            return False, None
        if field.type == "boolean":
            _expect(isinstance(value, bool), what, "true or false")
        elif field.type == "integer":
            ok = (
                isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INTEGER
            )
            _expect(ok, what, "a whole number")
        elif field.type == "float":
            _expect(
                isinstance(value, int | float) and not isinstance(value, bool), what, "a number"
            )
        elif field.type == "date":
            _expect(isinstance(value, str) and _is_date(value), what, "a date (YYYY-MM-DD)")
        else:
            _expect(isinstance(value, str), what, "a text")
        if field.type == "selection":
            allowed = [key for key, _label in field._description_selection(self.env)]
            if value not in allowed:
                return False, f"{self._package_item_name(name)} {value!r} is not available here"
        return value, None

    # ------------------------------------------------------------------ planning
    def _package_plan(self, items, target):
        changes = []
        for item in items:
            change = self._package_plan_item(item, target)
            key = self._package_item_key(item)
            target.register(
                self._package_section, key, None if change.action == "skip" else change.record
            )
            changes.append(change)
        return changes

    def _package_plan_item(self, item, target):
        key = self._package_item_key(item)
        change = Change(self._package_section, key, package_format.label(key), item)
        values, problems, warnings = self._package_decode(item, target)
        record, reason = self._package_find(item, target)
        problems = ([reason] if reason else []) + problems
        change.values, change.notes = values, problems or warnings
        change.record = record if record is not None else self.env[self._package_model]
        if problems:
            change.action = "skip"
        elif not record:
            change.action = "create"
            self._package_check_required(item, values)
        else:
            change.diffs = self._package_diff(record, item)
            change.action = "change" if change.diffs else "unchanged"
        return change

    def _package_diff(self, record, item):
        """``(what, old, new)`` rows, a field named as people read it (Read timeout (seconds))."""
        diffs = package_format.diff(self._package_item(record), item, skip=self._package_key)
        Model = self.env[self._package_model]
        labels = {
            self._package_item_name(name): Model._fields[name].string
            for name in self._package_fields(item)
        }
        return [(_labelled(path, labels), old, new) for path, old, new in diffs]

    def _package_check_required(self, item, values):
        Model = self.env[self._package_model]
        missing = [
            self._package_item_name(name)
            for name in self._package_fields(item)
            if Model._fields[name].required
            and not values.get(name)
            and not Model._fields[name].default
        ]
        if missing:
            raise PackageError(f"{self._package_what(item)}: {', '.join(missing)} must be given.")

    # ------------------------------------------------------------------ applying
    def _package_apply(self, change, target):
        """Do what ``change`` says; register the record for the sections that refer to it."""
        record = change.record
        if change.action == "create":
            record = self._package_create(change, target)
        elif change.action == "change" and change.apply:
            self._package_update(record, change, target)
        target.register(
            self._package_section, change.key, record if change.action != "skip" else None
        )
        return record

    def _package_create(self, change, target):
        values = dict(change.values, **self._package_parent_values(change.item, target))
        return self.env[self._package_model].create(values)

    def _package_update(self, record, change, target):
        record.write(self._package_changed_values(record, change))

    def _package_changed_values(self, record, change):
        """The values of the fields whose item value differs from the record's."""
        current = self._package_item(record)
        return {
            name: value
            for name, value in change.values.items()
            if current.get(self._package_item_name(name))
            != change.item.get(self._package_item_name(name))
        }


def _labelled(path, labels):
    """``path`` (``read_timeout``, ``lines[2].target``) with its field's label in front."""
    head = re.match(r"[^.\[]*", path).group()
    return labels[head] + path[len(head) :] if head in labels else path


def _expect(ok, what, kind):
    if not ok:
        raise PackageError(f"{what}: must be {kind}.")


def _is_date(text):
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
