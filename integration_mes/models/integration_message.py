from odoo import api, models


class IntegrationMessage(models.Model):
    _inherit = "integration.message"

    @api.model
    def _references_available(self, endpoint, model, codes):
        """Results wait for a released work order (``mrp.production`` + its reference), which
        the MES work order knows, not a cross-reference."""
        if model == "mrp.production":
            WorkOrder = self.env["integration.mes.work.order"].sudo()
            found = {code for code in codes if WorkOrder._find(endpoint, code)}
            return found | super()._references_available(endpoint, model, codes - found)
        return super()._references_available(endpoint, model, codes)
