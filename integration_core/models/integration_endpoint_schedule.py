"""An endpoint's processing windows and freezes: they hold every flow of the endpoint."""

from odoo import api, fields, models


class IntegrationEndpoint(models.Model):
    _name = "integration.endpoint"
    _inherit = ["integration.endpoint", "integration.freeze.target"]
    _freeze_field = "endpoint_id"

    window_ids = fields.One2many(
        "integration.window",
        "endpoint_id",
        string="Processing windows",
        copy=False,
        help="When the flows of this endpoint that have no window of their own are processed.",
    )
    freeze_ids = fields.One2many("integration.freeze", "endpoint_id", string="Freezes", copy=False)

    @api.depends("freeze_ids.state", "freeze_ids.date_start", "freeze_ids.date_end")
    def _compute_freeze_id(self):
        return super()._compute_freeze_id()
