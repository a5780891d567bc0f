"""Declarative mappings between external payloads and Odoo values, evaluated without Odoo.

A mapping is plain data, so it can live in the database, be edited in the UI and be tested on a
real payload before go-live. Example: an order and its lines, from an ERP payload to Odoo values::

    MappingSpec(lines=[
        LineSpec(source="header.number", target="client_order_ref", required=True,
                 transforms=["strip"]),
        LineSpec(source="header.customer", target="partner_id", required=True,
                 transforms=["strip", "upper", ("xref", "res.partner")]),
        LineSpec(source="header.date", target="date_order",
                 transforms=[("datetime", "%d.%m.%Y %H:%M", "Europe/Berlin")]),
        LineSpec(constant="web", target="origin"),
        LineSpec(source="lines", target="order_line", required=True, children=MappingSpec(lines=[
            LineSpec(source="item", target="product_id", required=True,
                     transforms=[("xref", "product.product")]),
            LineSpec(source="qty", target="product_uom_qty", default="1", transforms=[
                {"name": "uom", "from_uom_path": "unit", "to_uom": "Units"}]),
        ])),
    ])

Rules an integration engineer can rely on:

- **Paths** are dotted: ``header.item.code``; a part made of ASCII digits indexes a list
  (``lines.0.qty``). There is no ``[]`` syntax and no escaping: keys containing a dot cannot be
  addressed. A missing key or index is *absent*, which is not the same as ``null``: an absent
  value leaves its target out of the result (the Odoo field is not touched), ``null`` gives None.
  Reading through ``null`` is absent; reading through text or a number is a ``wrong_type`` issue.
- **default** replaces an absent or null value, **constant** ignores the payload; both are in the
  source's vocabulary and go through the transforms (a constant ``"KG"`` can be a ``value_map``
  key). None means "no default" / "no constant".
- **required**: absent, null or empty text after the transforms (an empty list for children)
  is a ``required`` issue.
- **children**: the line's source is a list; each item (an object) goes through the nested
  spec, giving a list of value dicts (Odoo one2many commands are the caller's job). ``null``
  gives ``[]``. Issue paths carry the index: ``lines.3.qty``.
- **targets** may be dotted too (``header.item.code``) to build nested payloads; a part made of
  ASCII digits builds a list item (``lines.0.item``: a flat row as an order of one line).
- **direction** ``"inbound"`` (payload -> Odoo values) or ``"outbound"`` (a record flattened to
  a dict by the caller, empty fields as None -> payload): outbound, ``value_map`` and ``xref``
  call the reverse resolvers, and ``date``/``datetime`` format instead of parse.
- **Errors**: every issue of a payload in one pass (a failing line leaves its target out and
  the others go on). Evaluation raises only for a resolver failing for a reason other than the
  data (then its own exception, so the caller retries) or a bad ``direction`` argument.
- **Limits** (``Limits``) bound nesting, text length, list size and the number of issues.

Public API: ``MappingSpec``, ``LineSpec``, ``Limits``, ``evaluate``, ``evaluate_or_raise``,
``validate_spec``, ``MappingResult``, ``MappingIssue``, ``MappingError``, ``MappingValueError``
(for resolvers), ``TRANSFORMS``. Transforms and resolvers are described in ``mapping_transforms``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .mapping_transforms import (
    INBOUND,
    OUTBOUND,
    TRANSFORMS,
    MappingValueError,
    ResolverFailure,
    TransformContext,
    apply_transform,
    path_problem,
    short_repr,
)

ABSENT = type("Absent", (), {"__repr__": lambda self: "<absent>"})()
_FAILED = object()  # a line that produced an issue: its target stays out of the result
_SCALARS = (str, int, float, bool)


@dataclass(kw_only=True)
class LineSpec:
    """One target value: where it comes from, what happens to it, whether it must exist."""

    target: str
    source: str | None = None
    required: bool = False
    default: Any = None
    constant: Any = None
    transforms: list = field(default_factory=list)
    children: "MappingSpec | None" = None


@dataclass
class MappingSpec:
    lines: list[LineSpec] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data):
        """A spec from JSON-like data: ``{"lines": [{"source": .., "target": .., ...}]}``."""
        lines = []
        for raw in data.get("lines", []):
            line = dict(raw)
            if line.get("children") is not None:
                line["children"] = cls.from_dict(line["children"])
            lines.append(LineSpec(**line))
        return cls(lines=lines)


@dataclass(frozen=True)
class Limits:
    max_depth: int = 32  # nested children, and parts of a path
    max_length: int = 100_000  # characters (or bytes) of one value read from the payload
    max_items: int = 10_000  # items of one children list
    max_issues: int = 500  # then one "too_many_issues" issue and evaluation stops


@dataclass(frozen=True)
class MappingIssue:
    """One problem. Codes: required, wrong_type, invalid_number, out_of_range, invalid_date,
    invalid_datetime, missing_unit, unknown_unit, ambiguous_unit, incompatible_units, unknown_value,
    unknown_reference, missing_reference, no_resolver, invalid_result, too_long, too_deep,
    too_many_items, too_many_issues, not_a_list, not_an_object, target_conflict, invalid_spec,
    internal_error,
    invalid_value (what a resolver raising MappingValueError without a code gets).
    """

    path: str  # where in the source: "lines.3.qty", "(constant)", "$" for the payload itself
    target: str
    code: str  # stable: "required", "invalid_number", "unknown_reference", ...
    message: str
    value_repr: str  # at most about 80 characters, whatever the value was
    reference: tuple | None = None  # (model, code) of a record Odoo does not know (yet)

    def __str__(self):
        return f"{self.path} -> {self.target}: {self.message} (got {self.value_repr})"


@dataclass
class MappingResult:
    values: dict
    errors: list[MappingIssue]

    @property
    def ok(self):
        return not self.errors


class MappingError(Exception):
    """A payload did not map; ``issues`` lists every problem found."""

    def __init__(self, issues):
        self.issues = list(issues)
        shown = "; ".join(str(issue) for issue in self.issues[:5])
        more = f" (and {len(self.issues) - 5} more)" if len(self.issues) > 5 else ""
        super().__init__(f"{len(self.issues)} mapping issue(s): {shown}{more}")


def evaluate(spec, payload, resolvers=None, direction=INBOUND, limits=None):
    """Map ``payload`` through ``spec``: a ``MappingResult`` with values and all issues."""
    if direction not in (INBOUND, OUTBOUND):
        raise ValueError(f"direction must be {INBOUND!r} or {OUTBOUND!r}, not {direction!r}")
    run = _Evaluation(resolvers, direction, limits or Limits())
    try:
        values = run.spec(spec, payload, "", 0)
    except ResolverFailure as failure:
        raise failure.original from None
    return MappingResult(values=values, errors=run.issues)


def evaluate_or_raise(spec, payload, resolvers=None, direction=INBOUND, limits=None):
    """The mapped values, or ``MappingError`` carrying every issue."""
    result = evaluate(spec, payload, resolvers, direction, limits)
    if result.errors:
        raise MappingError(result.errors)
    return result.values


def validate_spec(spec, limits=None):
    """What is wrong with ``spec`` before anyone uses it, as sentences for the UI (empty: fine)."""
    problems = []
    _validate(spec, "", 0, limits or Limits(), problems)
    return problems


def _validate(spec, where, depth, limits, problems):
    if depth > limits.max_depth:
        problems.append(f"{where}children nested deeper than {limits.max_depth} levels")
        return
    if not isinstance(spec, MappingSpec) or not isinstance(spec.lines, list | tuple):
        problems.append(f"{where}not a MappingSpec with a list of lines")
        return
    targets = [getattr(line, "target", None) for line in spec.lines]
    targets = [target for target in targets if isinstance(target, str)]
    for number, line in enumerate(spec.lines, 1):
        label = f"{where}line {number} ({short_repr(getattr(line, 'target', None), 40)})"
        problems += [f"{label}: {problem}" for problem in _check_line(line, limits)[1]]
        if isinstance(line, LineSpec) and isinstance(line.target, str):
            clashes = [t for t in targets if t == line.target or t.startswith(line.target + ".")]
            if len(clashes) > 1:
                problems.append(f"{label}: another line writes the same target")
        if isinstance(line, LineSpec) and line.children is not None:
            _validate(line.children, f"{label} > ", depth + 1, limits, problems)


def _check_line(line, limits):
    """``(prepared transforms, problems)`` of one line, without looking into its children."""
    if not isinstance(line, LineSpec):
        return [], ["not a LineSpec"]
    problems = [f"target: {p}" for p in [path_problem(line.target, limits.max_depth)] if p]
    if line.constant is not None and line.source:
        problems.append("has both a source and a constant")
    elif line.constant is None and not line.source:
        problems.append("needs a source or a constant")
    elif line.source and (problem := path_problem(line.source, limits.max_depth)):
        problems.append(f"source: {problem}")
    for name in ("default", "constant"):
        if not isinstance(getattr(line, name), _SCALARS + (type(None),)):
            problems.append(f"{name} must be text, a number or true/false")
    prepared, transform_problems = _prepare_transforms(line.transforms)
    problems += transform_problems
    if line.children is not None and (line.transforms or line.default or line.constant):
        problems.append("a line with children takes no transforms, default or constant")
    return prepared, problems


def _prepare_transforms(items):
    """``([(name, params)], problems)`` from the written forms of the transforms."""
    if not isinstance(items, list | tuple):
        return [], ["transforms must be a list"]
    prepared, problems = [], []
    for number, item in enumerate(items, 1):
        name, params, found = _normalize(item)
        found = found or _transform_problems(name, params)
        problems += [f"transform {number}: {problem}" for problem in found]
        prepared.append((name, params))
    return prepared, problems


def _normalize(item):
    """``(name, params, problems)`` from ``"name"``, ``(name, *args)``, ``(name, {..})``, a dict."""
    if isinstance(item, str):
        return item, {}, []
    if isinstance(item, dict):
        params = dict(item)
        return params.pop("name", None), params, []
    if not isinstance(item, list | tuple) or not item:
        return None, {}, []
    name, args = item[0], list(item[1:])
    if len(args) == 1 and isinstance(args[0], dict):
        return name, dict(args[0]), []
    declared = TRANSFORMS[name].params if isinstance(name, str) and name in TRANSFORMS else ()
    params = {param.name: arg for param, arg in zip(declared, args, strict=False)}
    return name, params, [f"{name}: too many parameters"] if len(args) > len(declared) else []


def _transform_problems(name, params):
    if not isinstance(name, str) or name not in TRANSFORMS:
        return [f"unknown transform {short_repr(name, 40)}"]
    transform = TRANSFORMS[name]
    declared = {param.name: param for param in transform.params}
    problems = [
        f"{name}: unknown parameter {short_repr(k, 40)}" for k in params if k not in declared
    ]
    for param in declared.values():
        value = params.get(param.name)
        if value is None:
            problems += [f"{name}: {param.name} is required"] if param.required else []
        elif problem := param.check(value):
            problems.append(f"{name}: {param.name} {problem}")
    return problems + (transform.check(params) if transform.check else [])


def _walk(node, path):
    """The value at a dotted path in ``node``; ABSENT when a key or index is missing."""
    for segment in path.split("."):
        if node is None:
            return ABSENT
        if isinstance(node, Mapping):
            node = node.get(segment, ABSENT)
        elif isinstance(node, list | tuple) and segment.isdigit() and segment.isascii():
            index = int(segment) if len(segment) < 19 else len(node)
            node = node[index] if index < len(node) else ABSENT
        else:
            expected = "an object" if not isinstance(node, list | tuple) else "a list index"
            message = f"cannot read {segment!r} of {type(node).__name__}: expected {expected}"
            raise MappingValueError(message, "wrong_type")
        if node is ABSENT:
            return ABSENT
    return node


def _read(node, path):
    """A value for a transform parameter path: None when absent or unreadable."""
    try:
        value = _walk(node, path)
    except MappingValueError:
        return None
    return None if value is ABSENT else value


class _Evaluation:
    """One evaluation: its settings and the issues it has collected so far."""

    def __init__(self, resolvers, direction, limits):
        self.resolvers, self.direction, self.limits = resolvers, direction, limits
        self.issues = []
        self.full = False
        self.prepared = {}  # id(line) -> (transforms, problems), once per evaluation

    def issue(self, path, target, code, message, value=ABSENT, reference=None):
        if self.full:
            return
        if len(self.issues) >= self.limits.max_issues:
            self.full = True
            code, message = "too_many_issues", f"more than {self.limits.max_issues} issues: stopped"
        value_repr = short_repr(value)
        self.issues.append(MappingIssue(path, str(target), code, message, value_repr, reference))

    def spec(self, spec, node, prefix, depth, target=""):
        """The values of ``spec`` applied to the object ``node`` (issues under ``prefix``)."""
        values = {}
        where = prefix.rstrip(".") or "$"
        if depth > self.limits.max_depth:
            message = f"nested deeper than {self.limits.max_depth} levels"
            self.issue(where, target, "too_deep", message)
        elif not isinstance(spec, MappingSpec) or not isinstance(spec.lines, list | tuple):
            self.issue(where, target, "invalid_spec", "not a MappingSpec with a list of lines")
        elif not isinstance(node, Mapping):
            self.issue(where, target, "not_an_object", "expected an object", node)
        else:
            for line in spec.lines:
                if self.full:
                    break
                self.line(line, node, prefix, depth, values)
        return values

    def line(self, line, node, prefix, depth, values):
        target = getattr(line, "target", "?")
        path = prefix + (getattr(line, "source", None) or "(constant)")
        try:
            if id(line) not in self.prepared:
                self.prepared[id(line)] = _check_line(line, self.limits)
            transforms, problems = self.prepared[id(line)]
            if problems:
                self.issue(path, target, "invalid_spec", "; ".join(problems))
            elif line.children is not None:
                self.children(line, node, path, depth, values)
            else:
                self.scalar(line, node, path, transforms, values)
        except ResolverFailure:
            raise
        except Exception as exc:  # weird input must end as an issue, never as a crash
            self.issue(path, target, "internal_error", f"could not map: {type(exc).__name__}")

    def read_source(self, line, node, path):
        try:
            return _walk(node, line.source)
        except MappingValueError as error:
            self.issue(path, line.target, error.code, error.message)
            return _FAILED

    def scalar(self, line, node, path, transforms, values):
        value = line.constant if line.constant is not None else self.read_source(line, node, path)
        if (value is ABSENT or value is None) and line.default is not None:
            value = line.default
        if value is _FAILED:
            return
        if value is ABSENT:
            if line.required:
                self.issue(path, line.target, "required", "is required but absent")
            return
        if isinstance(value, str | bytes) and len(value) > self.limits.max_length:
            message = f"is longer than {self.limits.max_length} characters"
            self.issue(path, line.target, "too_long", message, value)
            return
        value = self.transform(line, node, path, transforms, value)
        if value is _FAILED:
            return
        if line.required and (value is None or (isinstance(value, str) and not value)):
            self.issue(path, line.target, "required", "is required but empty", value)
            return
        self.assign(values, line, path, value)

    def transform(self, line, node, path, transforms, value):
        ctx = TransformContext(self.direction, self.resolvers, lambda p: _read(node, p))
        for name, params in transforms:
            if value is None:  # null stays null; `required` judges it
                break
            try:
                value = apply_transform(name, params, value, ctx)
            except MappingValueError as error:
                message = f"{name}: {error.message}"
                self.issue(path, line.target, error.code, message, value, error.reference)
                return _FAILED
            except ResolverFailure:
                raise
            except Exception as exc:
                message = f"{name}: cannot handle this value ({type(exc).__name__})"
                self.issue(path, line.target, "internal_error", message, value)
                return _FAILED
        return value

    def children(self, line, node, path, depth, values):
        items = self.read_source(line, node, path)
        if items is _FAILED:
            return
        if items is ABSENT or items is None or (isinstance(items, list | tuple) and not items):
            if line.required:
                state = "absent" if items is ABSENT else "empty"
                self.issue(path, line.target, "required", f"is required but {state}", items)
            elif items is not ABSENT:
                self.assign(values, line, path, [])
            return
        if not isinstance(items, list | tuple):
            self.issue(path, line.target, "not_a_list", "expected a list", items)
        elif len(items) > self.limits.max_items:
            message = f"has more than {self.limits.max_items} items"
            self.issue(path, line.target, "too_many_items", message, len(items))
        else:
            rows = [
                self.spec(line.children, item, f"{path}.{index}.", depth + 1, line.target)
                for index, item in enumerate(items)
                if not self.full
            ]
            self.assign(values, line, path, rows)

    def assign(self, values, line, path, value):
        parts = line.target.split(".")
        *parents, key = parts
        node = values
        for index, parent in enumerate(parents):
            node = _container(node, parent, [] if parts[index + 1].isdigit() else {})
            if node is None:
                break
        if node is None or _slot(node, key) is not ABSENT:
            message = f"target {line.target!r} is already set by another line"
            self.issue(path, line.target, "target_conflict", message, value)
            return
        if isinstance(node, list):
            node.extend([None] * (int(key) + 1 - len(node)))
            node[int(key)] = value
        else:
            node[key] = value


def _slot(node, key):
    """What ``node`` (a dict, or a list for a digit ``key``) holds at ``key``: ABSENT if
    nothing; None when ``node`` cannot hold ``key``."""
    if isinstance(node, list):
        if not key.isdigit():
            return None
        index = int(key)
        return node[index] if index < len(node) and node[index] is not None else ABSENT
    return node.get(key, ABSENT) if isinstance(node, dict) else None


def _container(node, key, empty):
    """The dict or list at ``key`` of ``node``, made from ``empty`` when absent; None when
    something else is there (a target conflict)."""
    found = _slot(node, key)
    if found is ABSENT:
        if isinstance(node, list):
            node.extend([None] * (int(key) + 1 - len(node)))
            node[int(key)] = empty
        else:
            node[key] = empty
        return empty
    return found if isinstance(found, type(empty)) else None
