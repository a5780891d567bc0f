from odoo import fields, models


class IntegrationKitExampleHookCall(models.Model):
    """One call of a lifecycle hook of the example contact handler, with its messages."""

    _name = "integration.kit.example.hook.call"
    _description = "Example lifecycle hook call (tests)"
    _order = "id"

    hook = fields.Char(required=True)
    message_ids = fields.Many2many("integration.message", string="Messages")
