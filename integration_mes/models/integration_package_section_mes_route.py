"""Package section: the MES routing rules of the plant's MES endpoints."""

from odoo import models


class IntegrationPackageSectionMesRoute(models.AbstractModel):
    """Routing rules by MES endpoint code, sequence and criteria: a work center by its code,
    an operation type and a warehouse by xml id or name, found in the importing plant. A rule
    whose criterion is missing there is skipped (an empty criterion matches every order: it
    must never stand in for one that was not found)."""

    _name = "integration.package.section.mes.route"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: MES Routing Rules"
    _package_section = "mes_routes"
    _package_label = "MES routing rule"
    _package_model = "integration.mes.route"
    _package_sequence = 70
    _package_key = ("endpoint", "sequence", "workcenter", "picking_type", "warehouse")
    _package_strict_refs = ("workcenter", "picking_type", "warehouse")

    def _package_fields(self, source):
        return ["sequence", "workcenter_id", "picking_type_id", "warehouse_id"]

    def _package_records(self, scope):
        return self.env[self._package_model].search([("endpoint_id", "in", scope.endpoints.ids)])

    def _package_key_values(self, record):
        return {"endpoint": record.endpoint_id.code}

    def _package_find(self, item, target):
        Route = self.env[self._package_model]
        endpoint = target.get("endpoints", (item["endpoint"],))
        if endpoint is None:
            return None, f"its endpoint {item['endpoint']} is not imported"
        if not endpoint:
            return Route, None
        values, problems, _warnings = self._package_decode(item, target)
        if problems:
            return None, None  # reported by the strict references
        return Route.search(
            [("endpoint_id", "=", endpoint.id)]
            + [(name, "=", value) for name, value in sorted(values.items())],
            limit=1,
        ), None

    def _package_parent_values(self, item, target):
        return {"endpoint_id": target.get("endpoints", (item["endpoint"],)).id}
