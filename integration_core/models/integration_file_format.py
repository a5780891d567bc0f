"""How a legacy system writes its flat files: CSV dialect or fixed width, and a column map."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import flat_file

ENCODINGS = [
    ("utf-8-sig", "UTF-8 (with or without BOM)"),
    ("cp1252", "Windows-1252 (Western Europe)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("cp850", "DOS code page 850"),
]


class IntegrationFileFormat(models.Model):
    _name = "integration.file.format"
    _description = "Integration Flat File Format"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("csv", "Delimited (CSV)"), ("fixed", "Fixed width")],
        required=True,
        default="csv",
    )
    encoding = fields.Selection(ENCODINGS, required=True, default="utf-8-sig")
    delimiter = fields.Char(
        default=",", size=1, help="Character between columns, e.g. ; for most European ERPs."
    )
    quotechar = fields.Char(
        string="Quote character",
        default='"',
        size=1,
        help="Character around a value that holds the delimiter or a line break.",
    )
    header = fields.Boolean(
        string="Header row",
        default=True,
        help="The first line names the columns. Without it, columns are named by position.",
    )
    decimal_comma = fields.Boolean(
        help="Numbers are written 1.234,56 (comma before the decimals, dot between thousands)."
    )
    group_by = fields.Char(
        string="Group rows by column",
        help="Consecutive rows with the same value in this column become one message, e.g. "
        "the lines of one BOM by BOM code. Columns marked 'on the group' are taken once, the "
        "others go into the list of lines.",
    )
    lines_key = fields.Char(
        string="Lines key", default="lines", help="Payload key of the list of grouped rows."
    )
    row_policy = fields.Selection(
        [
            ("all_or_nothing", "All or nothing: a bad row refuses the whole file"),
            ("good_rows", "Good rows: apply the good rows, report the bad ones"),
        ],
        string="Bad rows",
        required=True,
        default="all_or_nothing",
        help="Either way, every bad row is reported with its line number in one exception.",
    )
    column_ids = fields.One2many(
        "integration.file.format.column", "format_id", string="Columns", copy=True
    )
    flow_ids = fields.One2many("integration.flow", "file_format_id", string="Flows")

    @api.constrains("kind", "delimiter", "column_ids", "group_by")
    def _check_format(self):
        for fmt in self:
            if fmt.kind == "csv" and not fmt.delimiter:
                raise ValidationError(_("A delimited file format needs a delimiter."))
            sources = fmt.column_ids.mapped("source")
            if fmt.group_by and fmt.group_by not in sources:
                raise ValidationError(_("Group rows by %s: no column has that name.", fmt.group_by))
            if fmt.kind == "fixed" and fmt.column_ids.filtered(
                lambda c: c.start < 1 or c.width < 1
            ):
                raise ValidationError(
                    _("Fixed width: every column needs a start position and a width.")
                )

    def _flat_format(self):
        """This format as the plain ``lib.flat_file.FlatFormat`` the readers use."""
        self.ensure_one()
        columns = tuple(
            flat_file.Column(
                source=column.source,
                key=column.key,
                type=column.value_type,
                required=column.required,
                start=column.start,
                width=column.width,
                group=column.on_group,
            )
            for column in self.column_ids
        )
        return flat_file.FlatFormat(
            columns=columns,
            kind=self.kind,
            encoding=self.encoding,
            delimiter=self.delimiter or ",",
            quotechar=self.quotechar or "",
            header=self.header,
            decimal_comma=self.decimal_comma,
            group_by=self.group_by or "",
            lines_key=self.lines_key or "lines",
        )
