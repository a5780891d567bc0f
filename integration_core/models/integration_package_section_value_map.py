"""Package section: the value maps of the plant's endpoints, with their values."""

from odoo import models

from ..lib.package_format import PackageError

VALUE_FIELDS = ("external_value", "internal_value", "note")


class IntegrationPackageSectionValueMap(models.AbstractModel):
    """Value maps by endpoint code, flow code (empty for the endpoint's) and name, with their
    values in order. A changed map is updated in place: value maps have no versions."""

    _name = "integration.package.section.value.map"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: Value Maps"
    _package_section = "value_maps"
    _package_label = "Value map"
    _package_model = "integration.value.map"
    _package_sequence = 40
    _package_key = ("endpoint", "flow", "name")
    _package_strict_refs = ("state_field",)
    _package_item_names = {"field_id": "state_field"}
    _package_extra = ("values",)

    def _package_fields(self, source):
        return ["description", "field_id"]

    def _package_records(self, scope):
        return self.env[self._package_model].search(
            [
                ("endpoint_id", "in", scope.endpoints.ids),
                "|",
                ("flow_id", "=", False),
                ("flow_id", "in", scope.flows.ids),
            ]
        )

    def _package_key_values(self, record):
        return {
            "endpoint": record.endpoint_id.code,
            "flow": record.flow_id.code or None,
            "name": record.name,
        }

    def _package_item(self, record):
        item = super()._package_item(record)
        item["values"] = [
            {name: line[name] or None for name in VALUE_FIELDS} for line in record.line_ids
        ]
        return item

    def _package_plan_item(self, item, target):
        self._package_check_values(item)
        change = super()._package_plan_item(item, target)
        if change.action in ("create", "change") and change.values.get("field_id"):
            state_field = self.env["ir.model.fields"].sudo().browse(change.values["field_id"])
            table = self.env[self._package_model].new({"field_id": state_field.id})
            allowed = {value for value, _label in table._selection()}
            wrong = sorted({v["internal_value"] for v in item.get("values", [])} - allowed)
            if wrong:
                change.action, change.diffs = "skip", []
                change.notes = [f"{', '.join(wrong)}: not values of {item['state_field']} here"]
        return change

    def _package_check_values(self, item):
        what = self._package_what(item)
        values = item.get("values", [])
        if not isinstance(values, list):
            raise PackageError(f"{what}: values must be a list.")
        seen = set()
        for number, value in enumerate(values, 1):
            ok = isinstance(value, dict) and set(value) <= set(VALUE_FIELDS)
            ok = ok and all(isinstance(value.get(n), str) for n in VALUE_FIELDS[:2])
            if not ok or not isinstance(value.get("note"), str | None):
                raise PackageError(
                    f"{what}, value {number}: an object with texts external_value and "
                    "internal_value (and a note)."
                )
            if value["external_value"] in seen:
                raise PackageError(f"{what}: {value['external_value']} appears twice.")
            seen.add(value["external_value"])

    def _package_find(self, item, target):
        ValueMap = self.env[self._package_model]
        endpoint = target.get("endpoints", (item["endpoint"],))
        flow = self._package_flow(item, target)
        if endpoint is None or flow is None:
            return None, "its endpoint or flow is not imported"
        if not endpoint or (item["flow"] and not flow):
            return ValueMap, None
        return ValueMap.search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("flow_id", "=", flow.id if item["flow"] else False),
                ("name", "=", item["name"]),
            ]
        ), None

    def _package_flow(self, item, target):
        """The map's flow here (None: not imported), or False for a map of the endpoint."""
        if not item["flow"]:
            return False
        return target.get("flows", (item["endpoint"], item["flow"]))

    def _package_parent_values(self, item, target):
        flow = self._package_flow(item, target)
        return {
            "endpoint_id": target.get("endpoints", (item["endpoint"],)).id,
            "flow_id": flow.id if flow else False,
            "name": item["name"],
        }

    def _package_line_commands(self, item):
        return [
            (0, 0, {name: value.get(name) or False for name in VALUE_FIELDS})
            for value in item.get("values", [])
        ]

    def _package_create(self, change, target):
        values = dict(change.values, **self._package_parent_values(change.item, target))
        values["line_ids"] = self._package_line_commands(change.item)
        return self.env[self._package_model].create(values)

    def _package_update(self, record, change, target):
        values = self._package_changed_values(record, change)
        if (
            "values" in change.item
            and self._package_item(record)["values"] != change.item["values"]
        ):
            values["line_ids"] = [(5, 0, 0)] + self._package_line_commands(change.item)
        record.write(values)
