"""Which WMS handles a transfer, and how its confirmations are applied."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

OPERATION_CODES = ("incoming", "outgoing", "internal")


class IntegrationWmsRoute(models.Model):
    """A routing rule: transfers of a warehouse and operation type go to one WMS.

    The first active rule (by sequence) whose set criteria a ready transfer meets routes it;
    an empty criterion matches any transfer. The rule also says how that WMS's receipt
    confirmations are applied: how much more than ordered may be received, and where
    damaged goods go.
    """

    _name = "integration.wms.route"
    _description = "WMS Routing Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint",
        string="WMS",
        required=True,
        ondelete="cascade",
        domain=[("system_type", "=", "wms")],
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", help="Transfers of this warehouse.")
    picking_type_id = fields.Many2one(
        "stock.picking.type",
        string="Operation type",
        domain=[("code", "in", OPERATION_CODES)],
        help="Transfers of this operation type (receipts, deliveries, internal transfers).",
    )
    over_receipt_percent = fields.Float(
        string="Over-receipt tolerance (%)",
        help="How much more than ordered a receipt confirmation may bring in, in percent of "
        "the ordered quantity. 0: never more than ordered.",
    )
    damaged_location_id = fields.Many2one(
        "stock.location",
        string="Damaged goods location",
        domain=[("usage", "=", "internal")],
        help="Where quantities the WMS receives damaged are put. Without one, a receipt "
        "confirmation with damaged goods is refused.",
    )

    @api.constrains("over_receipt_percent")
    def _check_over_receipt_percent(self):
        if any(rule.over_receipt_percent < 0 for rule in self):
            raise ValidationError(_("The over-receipt tolerance cannot be negative."))

    @api.model
    def _route_for(self, picking):
        """The first rule whose every set criterion ``picking`` meets (empty: none)."""
        if picking.picking_type_id.code not in OPERATION_CODES:
            return self.browse()
        for rule in self.search([("company_id", "=", picking.company_id.id)]):
            if rule.picking_type_id and rule.picking_type_id != picking.picking_type_id:
                continue
            if rule.warehouse_id and rule.warehouse_id != picking.picking_type_id.warehouse_id:
                continue
            return rule
        return self.browse()

    def _receivable(self, ordered):
        """The most that may be received against ``ordered``."""
        self.ensure_one()
        return ordered * (1 + self.over_receipt_percent / 100.0)
