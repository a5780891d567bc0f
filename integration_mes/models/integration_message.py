from odoo import api, models

from .integration_mes_work_order import SEQUENCE_REFERENCE


class IntegrationMessage(models.Model):
    _inherit = "integration.message"

    @api.model
    def _references_available(self, endpoint, model, codes):
        """Results wait for a released work order (``mrp.production`` + its reference) or for
        the previous result (``mes.sequence`` + ``<reference>#<sequence>``): both are known by
        the MES work order, not by cross-references."""
        if model == "mrp.production":
            WorkOrder = self.env["integration.mes.work.order"].sudo()
            found = {code for code in codes if WorkOrder._find(endpoint, code)}
            return found | super()._references_available(endpoint, model, codes - found)
        if model == SEQUENCE_REFERENCE:
            return {code for code in codes if self._sequence_applied(endpoint, code)}
        return super()._references_available(endpoint, model, codes)

    @api.model
    def _sequence_applied(self, endpoint, code):
        reference, _hash, number = (code or "").rpartition("#")
        work_order = self.env["integration.mes.work.order"].sudo()._find(endpoint, reference)
        return bool(work_order) and number.isdigit() and work_order.last_sequence >= int(number)
