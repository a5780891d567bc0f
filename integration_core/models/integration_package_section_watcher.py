"""Package sections whose records belong to a flow or, failing that, to an endpoint."""

from odoo import models


class IntegrationPackageSectionWatcher(models.AbstractModel):
    """What alert rules and processing windows share in a package: each record hangs on a flow
    (``flow_id``) or on a whole endpoint (``endpoint_id``) and is keyed by the endpoint's code,
    the flow's code (none for an endpoint's record) and its name. A section takes it before
    ``integration.package.section`` in its ``_inherit`` list and names what it exports in
    ``_package_model``."""

    _name = "integration.package.section.watcher"
    _description = "Integration Package Section: Records of a Flow or Endpoint"

    # The reason an item is skipped when its flow or endpoint is not imported.
    _package_orphan_reason = "its flow or endpoint is not imported"

    def _package_records(self, scope):
        return self.env[self._package_model].search(
            ["|", ("flow_id", "in", scope.flows.ids), ("endpoint_id", "in", scope.endpoints.ids)]
        )

    def _package_key_values(self, record):
        return {
            "endpoint": (record.flow_id.endpoint_id or record.endpoint_id).code,
            "flow": record.flow_id.code or None,
            "name": record.name,
        }

    def _package_owner(self, item, target):
        """The flow or endpoint the item belongs to here, and the field that points to it."""
        if item["flow"]:
            return target.get("flows", (item["endpoint"], item["flow"])), "flow_id"
        return target.get("endpoints", (item["endpoint"],)), "endpoint_id"

    def _package_find(self, item, target):
        records = self.env[self._package_model]
        owner, field = self._package_owner(item, target)
        if owner is None:
            return None, self._package_orphan_reason
        if not owner:
            return records, None
        domain = [(field, "=", owner.id), ("name", "=", item["name"])]
        return records.search(domain, limit=1), None

    def _package_parent_values(self, item, target):
        owner, field = self._package_owner(item, target)
        return {field: owner.id}
