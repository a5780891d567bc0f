"""Package section: the plant's system-of-record rules."""

from odoo import models

from ..tools import package_refs


class IntegrationPackageSectionOwnership(models.AbstractModel):
    """System-of-record rules of the plant's company by model and field (empty: the whole
    model), with their owner: Odoo, or an endpoint of the package by its code."""

    _name = "integration.package.section.ownership"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: System-of-Record Rules"
    _package_section = "ownership_rules"
    _package_label = "System-of-record rule"
    _package_model = "integration.ownership"
    _package_sequence = 50
    _package_key = ("model", "field")
    _package_strict_refs = ("model", "field")
    _package_extra = ("endpoint",)

    def _package_fields(self, source):
        return ["model_id", "field_id", "owner", "note"]

    def _package_records(self, scope):
        return self.env[self._package_model].search(
            [
                ("company_id", "=", scope.company.id),
                "|",
                ("endpoint_id", "=", False),
                ("endpoint_id", "in", scope.endpoints.ids),
            ]
        )

    def _package_key_values(self, record):
        return {"endpoint": record.endpoint_id.code or None}

    def _package_find(self, item, target):
        Rule = self.env[self._package_model]
        if item.get("endpoint") and target.get("endpoints", (item["endpoint"],)) is None:
            return None, f"its endpoint {item['endpoint']} is not imported"
        model, problem = package_refs.decode(self.env, "ir.model", item["model"], target.company)
        field, field_problem = package_refs.decode(
            self.env, "ir.model.fields", item["field"], target.company
        )
        if problem or field_problem:
            return None, None  # reported by the strict references
        return Rule.search(
            [
                ("model_id", "=", model.id),
                ("field_id", "=", field.id or False),
                ("company_id", "=", target.company.id),
            ]
        ), None

    def _package_parent_values(self, item, target):
        endpoint = item.get("endpoint") and target.get("endpoints", (item["endpoint"],))
        return {"company_id": target.company.id, "endpoint_id": endpoint.id if endpoint else False}

    def _package_update(self, record, change, target):
        values = self._package_changed_values(record, change)
        if self._package_item(record).get("endpoint") != change.item.get("endpoint"):
            values["endpoint_id"] = self._package_parent_values(change.item, target)["endpoint_id"]
        record.write(values)
