"""Inbound ``equipment.event``: a work center runs, idles or is down."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import PermanentError

from ..lib import messages

# Odoo's own loss reasons used when the MES's reason names none of them.
DEFAULT_LOSS = {"idle": "mrp.block_reason0", "down": "mrp.block_reason1"}


class IntegrationHandlerMesEquipment(models.AbstractModel):
    """Turns an equipment event into a time log of the work center (its OEE).

    ``running`` is productive time; ``idle`` and ``down`` are losses, chosen by the reason's
    name among Odoo's loss reasons (else Material Availability and Equipment Failure). An event
    without an end stays open, as a blocked work center does in Odoo, until the next event of
    the work center starts. ``down`` opens a maintenance request when Maintenance is installed.
    """

    _name = "integration.handler.mes.equipment"
    _inherit = "integration.handler"
    _description = "MES equipment event (equipment.event)"

    @api.model
    def _process_inbound(self, message):
        data = messages.parse_equipment_event(message.get_payload_json())
        endpoint = message.endpoint_id
        Productivity = self.env["mrp.workcenter.productivity"]
        workcenter = self.env["integration.mes.codes"]._workcenter(endpoint, data["work_center"])
        if not workcenter:
            raise PermanentError(_("Unknown work center %s.", data["work_center"]))
        applied = Productivity.search(
            [("mes_message_id", "=", data["message_id"]), ("workcenter_id", "=", workcenter.id)]
        )
        if applied:
            return applied
        Productivity.search(
            [
                ("workcenter_id", "=", workcenter.id),
                ("mes_message_id", "!=", False),
                ("date_end", "=", False),
                ("date_start", "<=", data["start"]),
            ]
        ).write({"date_end": data["start"]})
        log = Productivity.create(
            {
                "workcenter_id": workcenter.id,
                "company_id": workcenter.company_id.id or endpoint.company_id.id,
                "loss_id": self._loss(data).id,
                "date_start": data["start"],
                "date_end": data["end"] or False,
                "description": data["reason"] or data["state"],
                "mes_message_id": data["message_id"],
            }
        )
        if data["state"] == "down":
            self._request_maintenance(workcenter, data)
        return log

    @api.model
    def _loss(self, data):
        Loss = self.env["mrp.workcenter.productivity.loss"]
        if data["state"] == "running":
            return Loss.search([("loss_type", "=", "productive")], limit=1)
        if data["reason"]:
            loss = Loss.search(
                [("name", "=ilike", data["reason"]), ("loss_type", "!=", "productive")], limit=1
            )
            if loss:
                return loss
        return self.env.ref(DEFAULT_LOSS[data["state"]], raise_if_not_found=False) or Loss.search(
            [("loss_type", "=", "availability")], limit=1
        )

    @api.model
    def _request_maintenance(self, workcenter, data):
        """A breakdown opens a corrective maintenance request, when Maintenance is installed."""
        if "maintenance.request" not in self.env:
            return None
        Request = self.env["maintenance.request"]
        values = {
            "name": _(
                "%(wc)s down: %(reason)s",
                wc=workcenter.name,
                reason=data["reason"] or _("breakdown"),
            ),
            "description": _("Reported by the MES, event %s.", data["message_id"]),
            "maintenance_type": "corrective",
            "company_id": workcenter.company_id.id or self.env.company.id,
        }
        if "workcenter_id" in Request._fields:
            values["workcenter_id"] = workcenter.id
        return Request.create(values)
