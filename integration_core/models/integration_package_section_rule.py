"""Package sections of a connector's routing rules: records of an endpoint found by criteria."""

from odoo import models


class IntegrationPackageSectionRule(models.AbstractModel):
    """What routing-rule sections share (a connector's rules that send records to one of its
    endpoints): rules by endpoint code, identified by their sequence and criteria, the item
    fields of ``_package_key`` other than ``endpoint`` (records found in the importing plant,
    declared strict in ``_package_strict_refs``). A rule whose criterion is missing there is
    skipped: an empty criterion matches everything and must never stand in for one that was
    not found. Other fields (tolerances, locations) are the rule's settings: a change of them
    is a change of the rule, not a new one. A section takes it before
    ``integration.package.section`` in its ``_inherit`` list."""

    _name = "integration.package.section.rule"
    _description = "Integration Package Section: Routing Rules of an Endpoint"

    def _package_records(self, scope):
        return self.env[self._package_model].search([("endpoint_id", "in", scope.endpoints.ids)])

    def _package_key_values(self, record):
        return {"endpoint": record.endpoint_id.code}

    def _package_find(self, item, target):
        rules = self.env[self._package_model]
        endpoint = target.get("endpoints", (item["endpoint"],))
        if endpoint is None:
            return None, f"its endpoint {item['endpoint']} is not imported"
        if not endpoint:
            return rules, None
        values, problems, _warnings = self._package_decode(item, target)
        if problems:
            return None, None  # reported by the strict references
        criteria = [
            (name, "=", value)
            for name, value in sorted(values.items())
            if self._package_item_name(name) in self._package_key
        ]
        return rules.search([("endpoint_id", "=", endpoint.id), *criteria], limit=1), None

    def _package_parent_values(self, item, target):
        return {"endpoint_id": target.get("endpoints", (item["endpoint"],)).id}
