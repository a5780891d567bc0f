"""Package section: the mapping version each flow uses, with its lines, imported as drafts."""

from odoo import models

from ..lib.mapping_text import parse_transforms
from ..lib.package_format import PackageError

LINE_TEXTS = ("source", "target", "default", "constant", "transforms", "note")
LINE_FLAGS = ("required", "has_children")
# What an imported version may be compared with: versions in use or under way, not old ones.
LIVE_STATES = ("active", "draft", "to_approve")


class IntegrationPackageSectionMapping(models.AbstractModel):
    """One mapping per flow: the version it uses (or its newest when it uses none), by endpoint
    code, flow code and version number, with its lines (nested lines inside their line).

    Imported versions are drafts, to be submitted and approved there; the flow keeps the
    version it uses until then. An item with the content of a version in use or under way
    here (draft, waiting approval) is unchanged. Otherwise: a version number that is free
    here is kept (so exports compare); a draft of that number is updated; any other version
    of that number (in use, waiting, superseded) is never changed: the package's version
    arrives as the next version number, a draft.
    """

    _name = "integration.package.section.mapping"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: Mappings"
    _package_section = "mappings"
    _package_label = "Mapping"
    _package_model = "integration.mapping"
    _package_sequence = 30
    _package_key = ("endpoint", "flow", "version")
    _package_strict_refs = ("model",)
    _package_extra = ("lines",)

    def _package_fields(self, source):
        return ["name", "model_id", "key_path", "note"]

    def _package_records(self, scope):
        mappings = self.env[self._package_model]
        for flow in scope.flows:
            mappings |= flow.mapping_id or flow.mapping_ids[:1]
        return mappings

    def _package_key_values(self, record):
        return {
            "endpoint": record.flow_id.endpoint_id.code,
            "flow": record.flow_id.code,
            "version": record.version,
        }

    def _package_item(self, record):
        item = super()._package_item(record)
        item["lines"] = self._package_lines(record.line_ids)
        return item

    def _package_lines(self, lines):
        items = []
        for line in lines:
            item = {name: line[name] or None for name in LINE_TEXTS}
            item.update({name: bool(line[name]) for name in LINE_FLAGS})
            if line.child_ids:
                item["lines"] = self._package_lines(line.child_ids)
            items.append(item)
        return items

    # ------------------------------------------------------------------ reading
    def _package_line_problems(self, lines, what):
        """Transform problems of ``lines``; PackageError for a line that is not one."""
        if not isinstance(lines, list):
            raise PackageError(f"{what}: lines must be a list.")
        problems = []
        for number, line in enumerate(lines, 1):
            where = f"{what}, line {number}"
            if not isinstance(line, dict) or not isinstance(line.get("target"), str):
                raise PackageError(f"{where}: a line is an object with a target.")
            unknown = set(line) - set(LINE_TEXTS) - set(LINE_FLAGS) - {"lines"}
            if unknown:
                raise PackageError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
            for name in LINE_TEXTS:
                if not isinstance(line.get(name), str | None):
                    raise PackageError(f"{where}, {name}: must be a text.")
            for name in LINE_FLAGS:
                if not isinstance(line.get(name, False), bool):
                    raise PackageError(f"{where}, {name}: must be true or false.")
            problems += [f"line {number}: {p}" for p in parse_transforms(line.get("transforms"))[1]]
            problems += self._package_line_problems(line.get("lines", []), where)
        return problems

    def _package_content(self, item):
        return {k: v for k, v in item.items() if k not in self._package_key}

    # ------------------------------------------------------------------ planning
    def _package_plan_item(self, item, target):
        what = self._package_what(item)
        version = item["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise PackageError(f"{what}: version must be a positive whole number.")
        problems = self._package_line_problems(item.get("lines", []), what)
        change = super()._package_plan_item(item, target)
        if problems and change.action != "skip":
            change.action, change.notes, change.diffs = "skip", problems, []
        return change

    def _package_find(self, item, target):
        """The version ``item`` stands for (see the class); sets nothing for a new one."""
        Mapping = self.env[self._package_model]
        flow = target.get("flows", (item["endpoint"], item["flow"]))
        if flow is None:
            return None, f"its flow {item['endpoint']} / {item['flow']} is not imported"
        if not flow:
            return Mapping, None
        versions = Mapping.with_context(active_test=False).search([("flow_id", "=", flow.id)])
        same = versions.filtered(lambda m: m.version == item["version"])
        content = self._package_content(item)
        live = versions.filtered(lambda m: m.state in LIVE_STATES)
        for twin in (same & live) | live:
            if self._package_content(self._package_item(twin)) == content:
                return twin, None
        return same, None

    def _package_diff(self, record, item):
        """Against what the flow uses when ``record`` is an old version: what would change."""
        if record.state not in LIVE_STATES:
            record = record.flow_id.mapping_id or record
            diffs = super()._package_diff(record, item)
            return diffs or [("version in use", "(none)", str(item["version"]))]
        return super()._package_diff(record, item)

    def _package_plan(self, items, target):
        changes = super()._package_plan(items, target)
        for change in changes:
            self._package_explain(change, target)
        return changes

    def _package_explain(self, change, target):
        """Say what happens to the flow's versions."""
        item, record = change.item, change.record
        if change.action == "unchanged" and record.version != item["version"]:
            change.notes.append(f"the same as version {record.version} here")
        elif change.action == "change" and record.state != "draft":
            state = dict(record._fields["state"]._description_selection(self.env))[record.state]
            change.notes.append(
                f"version {record.version} here is {state.lower()}: the package's version "
                f"arrives as a new draft, version {self._package_next_version(record.flow_id)}"
            )
        elif change.action == "create":
            flow = target.get("flows", (item["endpoint"], item["flow"]))
            in_use = flow and flow.mapping_id
            change.notes.append(
                f"arrives as draft version {item['version']}"
                + (
                    f"; the flow uses version {in_use.version} until it is approved"
                    if in_use
                    else ""
                )
            )

    def _package_next_version(self, flow):
        versions = (
            self.env[self._package_model]
            .with_context(active_test=False)
            .search([("flow_id", "=", flow.id)])
        )
        return max(versions.mapped("version"), default=0) + 1

    # ------------------------------------------------------------------ applying
    def _package_create(self, change, target, version=None):
        flow = target.get("flows", (change.item["endpoint"], change.item["flow"]))
        mapping = self.env[self._package_model].create(
            dict(change.values, flow_id=flow.id, version=version or change.item["version"])
        )
        self._package_create_lines(mapping, change.item.get("lines", []))
        return mapping

    def _package_update(self, record, change, target):
        if record.state != "draft":
            change.record = self._package_create(
                change, target, version=self._package_next_version(record.flow_id)
            )
            return
        record.write(change.values)
        record.line_ids.unlink()  # nested lines go with their parent
        self._package_create_lines(record, change.item.get("lines", []))

    def _package_create_lines(self, mapping, lines, parent=None):
        """Create ``lines`` (one create per level of nesting) and their nested lines."""
        if not lines:
            return
        records = self.env["integration.mapping.line"].create(
            [
                dict(
                    {name: line.get(name) or False for name in LINE_TEXTS + LINE_FLAGS},
                    mapping_id=mapping.id,
                    parent_id=parent and parent.id,
                    sequence=number,
                )
                for number, line in enumerate(lines, 1)
            ]
        )
        for record, line in zip(records, lines, strict=True):
            self._package_create_lines(mapping, line.get("lines", []), record)
