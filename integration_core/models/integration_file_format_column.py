"""One column of a flat file format: where it is and which payload key it fills."""

from odoo import fields, models

from ..lib import flat_file


class IntegrationFileFormatColumn(models.Model):
    _name = "integration.file.format.column"
    _description = "Integration Flat File Column"
    _order = "format_id, sequence, id"

    format_id = fields.Many2one(
        "integration.file.format", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    source = fields.Char(
        string="Column",
        required=True,
        help="Header name of the column, e.g. ITEMNO (or its position 1, 2, ... in a file "
        "without a header row).",
    )
    key = fields.Char(
        string="Payload key",
        required=True,
        help="Dotted key of the message payload it fills, e.g. default_code or uom.name.",
    )
    value_type = fields.Selection(
        [(kind, kind.capitalize()) for kind in flat_file.TYPES],
        string="Type",
        required=True,
        default="text",
        help="Decimal and integer follow the format's decimal comma; dates are read as "
        "YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or YYYYMMDD.",
    )
    required = fields.Boolean(help="A row with this column empty is a bad row.")
    on_group = fields.Boolean(
        string="On the group",
        help="When rows are grouped: the value is taken once for the group, not per line.",
    )
    start = fields.Integer(
        string="Start (character)", help="Fixed width: first character, 1-based."
    )
    width = fields.Integer(string="Width (characters)", help="Fixed width: number of characters.")
