"""The environment tag of this database, given to the web client with the session."""

from odoo import models

from ..tools import environment_tag


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        if self.env.user._is_internal():
            info["integration_environment"] = dict(
                environment_tag.describe(self.env),
                can_change=self.env.user.has_group("integration_core.group_integration_manager"),
            )
        return info
