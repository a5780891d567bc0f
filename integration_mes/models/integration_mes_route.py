"""Which MES endpoint receives a manufacturing order."""

from odoo import api, fields, models


class IntegrationMesRoute(models.Model):
    _name = "integration.mes.route"
    _description = "MES Routing Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint",
        string="MES",
        required=True,
        ondelete="cascade",
        domain=[("system_type", "=", "mes")],
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    workcenter_id = fields.Many2one(
        "mrp.workcenter", help="Orders with an operation on this work center."
    )
    picking_type_id = fields.Many2one(
        "stock.picking.type",
        string="Operation type",
        domain=[("code", "=", "mrp_operation")],
        help="Orders of this manufacturing operation type.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", help="Orders of this warehouse.")

    @api.model
    def _endpoint_for(self, production):
        """The MES of the first rule (by sequence) whose every set criterion the order meets."""
        rules = self.search([("company_id", "=", production.company_id.id)])
        workcenters = production.workorder_ids.workcenter_id
        for rule in rules:
            if rule.workcenter_id and rule.workcenter_id not in workcenters:
                continue
            if rule.picking_type_id and rule.picking_type_id != production.picking_type_id:
                continue
            if rule.warehouse_id and rule.warehouse_id != production.picking_type_id.warehouse_id:
                continue
            return rule.endpoint_id
        return self.env["integration.endpoint"]
