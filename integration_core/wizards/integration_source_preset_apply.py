"""Apply a source preset to an inbound flow."""

from odoo import _, api, fields, models

from ..tools import access


class IntegrationSourcePresetApply(models.TransientModel):
    """Choose one of the presets that suit the flow's endpoint and write it on the flow."""

    _name = "integration.source.preset.apply"
    _description = "Apply a Source Preset"

    flow_id = fields.Many2one("integration.flow", required=True, ondelete="cascade")
    system_type = fields.Selection(related="flow_id.endpoint_id.system_type")
    transport = fields.Selection(related="flow_id.endpoint_id.transport")
    preset_id = fields.Many2one(
        "integration.source.preset",
        required=True,
        domain="[('system_type', '=', system_type), ('transport', '=', transport)]",
        help="Presets shipped for this kind of system and source kind.",
    )
    preset_description = fields.Text(related="preset_id.description")

    @api.onchange("flow_id")
    def _onchange_flow_id(self):
        """Propose the preset made for the flow's message type when there is exactly one."""
        presets = self.env["integration.source.preset"].search(
            [
                ("system_type", "=", self.system_type),
                ("transport", "=", self.transport),
                ("flow_code", "=", self.flow_id.code),
            ]
        )
        if len(presets) == 1:
            self.preset_id = presets

    def action_apply(self):
        """Write the preset's source settings on the flow (tracked in its chatter)."""
        access.require_manager(self.env, _("apply source presets"))
        self.ensure_one()
        self.preset_id._apply(self.flow_id)
        return {"type": "ir.actions.act_window_close"}
