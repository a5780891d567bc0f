"""Transfers go down to their WMS: released when ready, updated when changed, cancelled."""

from datetime import datetime, timezone

from odoo import _, fields, models

UPDATE_FIELDS = ("scheduled_date", "partner_id", "priority", "wms_carrier", "wms_carrier_service")
OPERATIONS = {"incoming": "receipt", "outgoing": "delivery", "internal": "internal"}
# Context key set while Odoo validates transfers: its own quantity changes are not news.
VALIDATING = "integration_wms_validating"


class StockPicking(models.Model):
    """Transfers go to the WMS their routing rule names (``integration.wms.route``), through
    the core's outbound events: a transfer that becomes ready is released, a change of date,
    partner, priority, carrier or quantities is an update, a cancellation is a cancel. A
    backorder continues its transfer order at the WMS (same reference, no new release), and
    changes applied from the WMS itself are not sent back to it."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "integration.event.source"]
    _integration_write_flows = {"transfer_order.update": UPDATE_FIELDS}

    wms_route_id = fields.Many2one(
        "integration.wms.route", string="WMS routing rule", readonly=True, copy=False
    )
    wms_endpoint_id = fields.Many2one(
        "integration.endpoint", string="WMS", readonly=True, copy=False, index="btree_not_null"
    )
    wms_transfer = fields.Char(
        string="WMS transfer reference",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The reference the WMS knows this transfer by (the first transfer's name: "
        "backorders keep it).",
    )
    wms_sequence = fields.Integer(
        string="WMS messages sent",
        readonly=True,
        copy=False,
        help="Sequence number of the last transfer order message sent for this transfer.",
    )
    wms_carrier = fields.Char(string="Carrier", help="The carrier that is to ship the goods.")
    wms_carrier_service = fields.Char(
        string="Carrier service", help="The carrier's service level, e.g. express."
    )
    wms_tracking_ref = fields.Char(
        string="Tracking reference", readonly=True, copy=False, help="From the WMS."
    )
    wms_shipping_weight = fields.Float(
        string="Shipped weight (kg)", readonly=True, copy=False, help="From the WMS."
    )

    # ------------------------------------------------------------------ events
    def _action_done(self):
        return super(StockPicking, self.with_context(**{VALIDATING: True}))._action_done()

    def _wms_release(self):
        """Release each ready transfer a rule routes (a backorder continues its transfer)."""
        Route = self.env["integration.wms.route"].sudo()
        for picking in self.filtered(lambda p: p.state == "assigned" and not p.wms_transfer):
            origin = picking.backorder_id
            if origin.wms_transfer:
                picking.sudo().write(
                    {
                        "wms_route_id": origin.wms_route_id.id,
                        "wms_endpoint_id": origin.wms_endpoint_id.id,
                        "wms_transfer": origin.wms_transfer,
                        "wms_sequence": origin.wms_sequence,
                    }
                )
                continue
            route = Route._route_for(picking)
            if not route:
                continue
            picking.sudo().write(
                {
                    "wms_route_id": route.id,
                    "wms_endpoint_id": route.endpoint_id.id,
                    "wms_transfer": picking.name,
                }
            )
            picking._integration_queue("transfer_order.release")
            # Confirmations for a transfer Odoo had not released yet were parked: go on.
            self.env["integration.message"].sudo()._resume_waiting(
                "stock.picking", [picking.name], endpoint=route.endpoint_id
            )

    def _wms_cancelled(self):
        """Tell the WMS about released transfers now cancelled."""
        for picking in self.filtered(lambda p: p.wms_transfer and p.state == "cancel"):
            picking._integration_queue("transfer_order.cancel")

    # ------------------------------------------------------------------ outbound events
    def _integration_endpoint(self):
        return self.wms_endpoint_id

    def _integration_wants(self, flow_code):
        if flow_code == "transfer_order.update":
            return bool(self.wms_transfer) and self.state not in ("draft", "done", "cancel")
        return True

    def _integration_message(self, flow):
        """The transfer's next message: its sequence orders it at the WMS."""
        self.sudo().wms_sequence += 1
        payload = self._wms_payload(flow.code, self.wms_sequence)
        return {
            "payload": payload,
            "idempotency_key": payload["message_id"],
            "ordering_key": self.wms_transfer,
            "sequence": self.wms_sequence,
        }

    # ------------------------------------------------------------------ payload
    def _wms_payload(self, message_type, sequence):
        """The transfer as the WMS receives it (X12 943/940, flattened)."""
        self.ensure_one()
        payload = {
            "message_id": f"odoo:{self.wms_transfer}:{sequence}",
            "message_type": message_type,
            "sent_at": _iso(datetime.now(timezone.utc).replace(tzinfo=None)),
            "transfer": self.wms_transfer,
            "sequence": sequence,
        }
        if message_type == "transfer_order.cancel":
            return dict(payload, reason=_("Cancelled in Odoo"))
        endpoint = self.wms_endpoint_id
        code_of = self.env["integration.record.lookup"]._code_of
        return dict(
            payload,
            operation=OPERATIONS[self.picking_type_id.code],
            warehouse=code_of(endpoint, self.picking_type_id.warehouse_id),
            origin=self.origin or None,
            scheduled_date=_iso(self.scheduled_date),
            priority="urgent" if self.priority == "1" else "normal",
            partner=_address(self.partner_id.commercial_partner_id, code_of, endpoint),
            ship_to=_address(self.partner_id, code_of, endpoint),
            source_location=code_of(endpoint, self.location_id) or self.location_id.complete_name,
            destination_location=(
                code_of(endpoint, self.location_dest_id) or self.location_dest_id.complete_name
            ),
            carrier=self.wms_carrier or None,
            carrier_service=self.wms_carrier_service or None,
            lines=[
                self._wms_line(endpoint, move)
                for move in self.move_ids.filtered(lambda m: m.state != "cancel")
            ],
        )

    def _wms_line(self, endpoint, move):
        lots = {}
        for line in move.move_line_ids.filtered("lot_id"):
            lots[line.lot_id.name] = lots.get(line.lot_id.name, 0.0) + line.quantity
        packaging = move.product_packaging_id
        return {
            "line": move.id,
            "product": self.env["integration.record.lookup"]._code_of(endpoint, move.product_id),
            "description": move.product_id.display_name,
            "quantity": move.product_uom_qty,
            "unit": move.product_uom.name,
            "lots": [{"lot": name, "quantity": qty} for name, qty in lots.items()],
            "packaging": packaging and {"name": packaging.name, "quantity": packaging.qty} or None,
        }


def _address(partner, code_of, endpoint):
    if not partner:
        return None
    return {
        "code": code_of(endpoint, partner),
        "name": partner.name or "",
        "street": partner.street or None,
        "street2": partner.street2 or None,
        "zip": partner.zip or None,
        "city": partner.city or None,
        "state": partner.state_id.name or None,
        "country": partner.country_id.code or None,
    }


def _iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None
