"""Inbound ``quality.result``: a test of a lot, passed or failed."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import (
    AmbiguousCode,
    MissingReference,
    PermanentError,
)

from ..lib import messages


class IntegrationHandlerMesQuality(models.AbstractModel):
    """Records a quality result on its lot and order; a failed test opens an exception.

    A result that names its work order takes its place in the work order's sequence, after the
    production result that made the lot (the queue applies the flow's sequence gate).
    """

    _name = "integration.handler.mes.quality"
    _inherit = "integration.handler"
    _description = "MES quality result (quality.result)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_quality_result(message.get_payload_json())
        endpoint = message.endpoint_id
        Result = self.env["integration.mes.quality.result"]
        recorded = Result._find(endpoint, data["message_id"])
        if recorded:
            return recorded
        work_order = self.env["integration.mes.work.order"]
        if data["work_order"]:
            work_order = work_order._find(endpoint, data["work_order"])
            if not work_order:
                raise MissingReference("mrp.production", data["work_order"])
            work_order._lock()
        lot = self._lot(endpoint, data)
        result = Result.create(
            {
                "message_id": data["message_id"],
                "endpoint_id": endpoint.id,
                "work_order_id": work_order.id,
                "production_id": self._production(work_order, lot).id,
                "lot_id": lot.id,
                "test_name": data["test"],
                "value": data["value"] or 0.0,
                "unit": data["unit"],
                "passed": data["passed"],
                "measured_at": data["measured_at"] or data["sent_at"],
            }
        )
        if not result.passed:
            result._raise_failure(message.flow_id)
        return result

    @api.model
    def _lot(self, endpoint, data):
        domain = []
        if data["product"]:
            product = self.env["integration.mes.codes"]._product(endpoint, data["product"])
            if not product:
                raise PermanentError(_("Unknown product %s.", data["product"]))
            domain = [("product_id", "=", product.id)]
        try:
            lot = self.env["integration.record.lookup"]._find(
                endpoint, "stock.lot", data["lot"], domain=domain
            )
        except AmbiguousCode:
            raise PermanentError(
                _("Lot %s exists for several products: name the product.", data["lot"])
            ) from None
        if not lot:
            raise PermanentError(_("Unknown lot %s.", data["lot"]))
        return lot

    @api.model
    def _production(self, work_order, lot):
        productions = work_order.production_ids
        return productions.filtered(lambda p: p.lot_producing_id == lot)[:1] or productions[:1]
