"""Package section: the MES routing rules of the plant's MES endpoints."""

from odoo import models


class IntegrationPackageSectionMesRoute(models.AbstractModel):
    """Routing rules by MES endpoint code, sequence and criteria (the core's rule section): a
    work center by its code, an operation type and a warehouse by xml id or short name, found
    in the importing plant."""

    _name = "integration.package.section.mes.route"
    _inherit = ["integration.package.section.rule", "integration.package.section"]
    _description = "Integration Package Section: MES Routing Rules"
    _package_section = "mes_routes"
    _package_label = "MES routing rule"
    _package_model = "integration.mes.route"
    _package_sequence = 70
    _package_key = ("endpoint", "sequence", "workcenter", "picking_type", "warehouse")
    _package_strict_refs = ("workcenter", "picking_type", "warehouse")

    def _package_fields(self, source):
        return ["sequence", "workcenter_id", "picking_type_id", "warehouse_id"]
