"""Open orders taken from a legacy ERP, whose status both systems keep in step."""

import uuid

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.errors import PermanentError
from odoo.addons.integration_core.tools.echo import applied_from

STATUS_FLOW = "order.status.outbound"


class IntegrationLegacyOrder(models.AbstractModel):
    """A mixin of ``sale.order`` and ``purchase.order``: the legacy ERP an order came from,
    its status in Odoo's words (``_legacy_status``) and how to reach one (``_apply_legacy_status``).

    A status change in Odoo (state or lock) is queued on the legacy endpoint's
    ``order.status.outbound`` flow with the legacy code of the value map ``<type>_status``;
    a change applied from that endpoint is not sent back (``tools.echo``).
    """

    _name = "integration.legacy.order"
    _inherit = "integration.event.source"
    _description = "Legacy ERP Open Order"

    _legacy_order_type = None  # "sale" or "purchase"
    _integration_write_flows = {STATUS_FLOW: ("state", "locked")}

    legacy_endpoint_id = fields.Many2one(
        "integration.endpoint",
        string="Legacy ERP",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The legacy ERP this open order came from; its status is kept in step with it.",
    )

    def _legacy_status(self):
        """The order's status in the words of the value map (its state, or done when locked)."""
        raise NotImplementedError

    def _apply_legacy_status(self, status):
        """Bring the order to ``status`` (an Odoo word of the value map)."""
        raise NotImplementedError

    @api.model
    def _legacy_status_map(self):
        return f"{self._legacy_order_type}_status"

    # ------------------------------------------------------------------ outbound
    def _integration_endpoint(self):
        return self.legacy_endpoint_id

    def _integration_wants(self, flow_code):
        if flow_code != STATUS_FLOW or not self.legacy_endpoint_id:
            return False
        try:
            self._legacy_status_code()
        except PermanentError as error:
            self._integration_note(_("Status not sent to the legacy ERP: %s", error))
            return False
        return True

    def _legacy_status_code(self):
        return self.env["integration.value.map"]._translate(
            self.legacy_endpoint_id, self._legacy_status_map(), self._legacy_status(), reverse=True
        )

    def _integration_message(self, flow):
        endpoint = self.legacy_endpoint_id
        return {
            "payload": {
                "message_id": f"status-{uuid.uuid4().hex}",
                "sent_at": fields.Datetime.now().isoformat() + "Z",
                "order_type": self._legacy_order_type,
                "order": self.env["integration.xref"]._code_of(endpoint, self) or self.name,
                "status": self._legacy_status_code(),
            }
        }

    # ------------------------------------------------------------------ inbound
    def _apply_status_from(self, endpoint, status_code, flow=None):
        """Apply the legacy ``status_code`` received from ``endpoint``, not echoed back."""
        status = self.env["integration.value.map"]._translate(
            endpoint, self._legacy_status_map(), status_code, flow=flow
        )
        if status != self._legacy_status():
            applied_from(self, endpoint)._apply_legacy_status(status)
        return self
