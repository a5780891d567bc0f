from odoo import fields, models


class IntegrationValueMapLine(models.Model):
    _name = "integration.value.map.line"
    _description = "Integration Value Map Line"
    _order = "map_id, sequence, id"

    map_id = fields.Many2one("integration.value.map", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    external_value = fields.Char(required=True)
    internal_value = fields.Char(required=True)
    note = fields.Char()

    _sql_constraints = [
        (
            "external_unique",
            "unique(map_id, external_value)",
            "An external value appears once per map.",
        ),
    ]
