from odoo import _, models

from odoo.addons.integration_core.lib.errors import PermanentError


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "integration.legacy.order"]

    _legacy_order_type = "sale"

    def _legacy_status(self):
        return "done" if self.locked and self.state == "sale" else self.state

    def _apply_legacy_status(self, status):
        if self.locked and status != "done":
            self.action_unlock()
        if status in ("sale", "done") and self.state in ("draft", "sent"):
            self.action_confirm()
        if status == "done":
            self.action_lock()
        elif status == "cancel":
            self._action_cancel()
        elif status in ("draft", "sent"):
            if self.state != "cancel":
                raise PermanentError(
                    _(
                        "%(order)s is %(state)s: it cannot go back to draft.",
                        order=self.name,
                        state=self.state,
                    )
                )
            self.action_draft()
