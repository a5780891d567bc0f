from odoo import _, models

from odoo.addons.integration_core.lib.errors import PermanentError


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "integration.legacy.order"]

    _legacy_order_type = "purchase"

    def _legacy_status(self):
        return self.state

    def _apply_legacy_status(self, status):
        if status in ("purchase", "done") and self.state in ("draft", "sent", "to approve"):
            self.button_approve() if self.state == "to approve" else self.button_confirm()
        if status == "done":
            self.button_done()
        elif status == "cancel":
            self.button_cancel()
        elif status in ("draft", "sent"):
            if self.state != "cancel":
                raise PermanentError(
                    _(
                        "%(order)s is %(state)s: it cannot go back to draft.",
                        order=self.name,
                        state=self.state,
                    )
                )
            self.button_draft()
