from odoo import fields, models


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("mes", "MES (manufacturing execution)")],
        ondelete={"mes": "set default"},
    )
    mes_overproduction_tolerance = fields.Float(
        string="Over-production tolerance (%)",
        default=0.0,
        help="How much more than planned an MES may report produced on a work order before the "
        "result is refused as an exception. 0 means not one unit more.",
    )
    mes_quality_user_id = fields.Many2one(
        "res.users",
        string="Quality contact",
        help="Failed quality results from this MES are assigned to this person.",
    )
