"""Package section of endpoints: an MES endpoint's own settings travel with it."""

from odoo import models


class IntegrationPackageSectionEndpoint(models.AbstractModel):
    _inherit = "integration.package.section.endpoint"

    def _package_kind_fields(self):
        kinds = super()._package_kind_fields()
        kinds["mes"] = ["mes_overproduction_tolerance", "mes_quality_user_id"]
        return kinds
