from odoo import fields, models


class MrpWorkcenterProductivity(models.Model):
    _inherit = "mrp.workcenter.productivity"

    mes_message_id = fields.Char(
        string="MES message",
        readonly=True,
        index="btree_not_null",
        help="The MES equipment event this time log comes from (applied once).",
    )
