"""One manufacturing order as the MES knows it: its reference, its parts and its sequence."""

from odoo import api, fields, models
from odoo.tools import SQL, float_round


class IntegrationMesWorkOrder(models.Model):
    """The reference Odoo released to an MES, kept when Odoo splits the order into backorders.

    Inbound results of a work order are applied in the order of their ``sequence`` through the
    core's sequence gate (``integration.sequence.gate``, keyed by the work order's reference):
    a gap waits for the missing message, a sequence already applied is a no-op.
    """

    _name = "integration.mes.work.order"
    _description = "MES Work Order"
    _order = "id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, index=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", string="MES", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    production_ids = fields.One2many(
        "mrp.production", "mes_work_order_id", string="Manufacturing orders", readonly=True
    )
    product_id = fields.Many2one("product.product", readonly=True)
    state = fields.Selection(
        [("released", "Released"), ("completed", "Completed"), ("cancelled", "Cancelled")],
        default="released",
        required=True,
        readonly=True,
    )
    last_sequence = fields.Integer(
        compute="_compute_last_sequence",
        help="Sequence of the last result from the MES applied to this order.",
    )
    outbound_sequence = fields.Integer(
        readonly=True, help="Sequence of the last message Odoo queued to the MES for it."
    )
    performance_ids = fields.One2many(
        "integration.mes.performance", "work_order_id", string="Production results"
    )
    qty_planned = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")
    qty_produced = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")

    _sql_constraints = [
        (
            "reference_unique",
            "unique(endpoint_id, name)",
            "A work order reference is unique per MES.",
        ),
    ]

    @api.depends("production_ids.product_qty", "production_ids.qty_produced")
    def _compute_quantities(self):
        for work_order in self:
            work_order.qty_planned = work_order._planned_quantity()
            work_order.qty_produced = work_order._produced_quantity()

    def _compute_last_sequence(self):
        Gate = self.env["integration.sequence.gate"]
        for endpoint, work_orders in self.grouped("endpoint_id").items():
            applied = Gate._last_applied(endpoint, set(work_orders.mapped("name")))
            for work_order in work_orders:
                work_order.last_sequence = applied[work_order.name]

    @api.model
    def _find(self, endpoint, reference):
        """The work order ``reference`` names at ``endpoint`` (empty when it is not released)."""
        return self.search([("endpoint_id", "=", endpoint.id), ("name", "=", reference)], limit=1)

    def _lock(self):
        """Serialize the results of one work order: a second worker waits here for the first."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM integration_mes_work_order WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset(["outbound_sequence", "state"])

    def _open_production(self):
        """The part of the order still to produce (the last backorder), if any."""
        self.ensure_one()
        return self.production_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]

    def _planned_quantity(self):
        productions = self.production_ids.filtered(lambda p: p.state != "cancel")
        return sum(
            p.product_uom_id._compute_quantity(p.product_qty, p.product_id.uom_id)
            for p in productions
        )

    def _produced_quantity(self):
        productions = self.production_ids.filtered(lambda p: p.state == "done")
        return sum(
            p.product_uom_id._compute_quantity(p.qty_produced, p.product_id.uom_id)
            for p in productions
        )

    def _next_outbound_sequence(self):
        self.ensure_one()
        self._lock()
        self.outbound_sequence += 1
        return self.outbound_sequence

    def _remaining_quantity(self):
        """Planned minus produced, in the product's unit, never below zero."""
        self.ensure_one()
        remaining = self._planned_quantity() - self._produced_quantity()
        return max(float_round(remaining, precision_rounding=self.product_id.uom_id.rounding), 0)
