"""Package section: the WMS routing rules of the plant's WMS endpoints."""

from odoo import models


class IntegrationPackageSectionWmsRoute(models.AbstractModel):
    """Routing rules by WMS endpoint code, sequence and criteria (the core's rule section): a
    warehouse by its short name, an operation type by xml id or name, found in the importing
    plant; with how the rule applies receipt confirmations (over-receipt tolerance, damaged
    goods location by its barcode, xml id or name: left empty with a note when missing)."""

    _name = "integration.package.section.wms.route"
    _inherit = ["integration.package.section.rule", "integration.package.section"]
    _description = "Integration Package Section: WMS Routing Rules"
    _package_section = "wms_routes"
    _package_label = "WMS routing rule"
    _package_model = "integration.wms.route"
    _package_sequence = 71
    _package_key = ("endpoint", "sequence", "warehouse", "picking_type")
    _package_strict_refs = ("warehouse", "picking_type")

    def _package_fields(self, source):
        return [
            "sequence",
            "warehouse_id",
            "picking_type_id",
            "over_receipt_percent",
            "damaged_location_id",
        ]
