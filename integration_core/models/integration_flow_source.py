"""Where an inbound flow's legacy data comes from: a flat file format, or a pulled source."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import payload_map


class IntegrationLegacySource(models.AbstractModel):
    """What an inbound flow reads legacy data from; mixed into ``integration.flow``."""

    _name = "integration.legacy.source"
    _description = "Integration Legacy Source Settings"

    file_format_id = fields.Many2one(
        "integration.file.format",
        string="Flat file format",
        tracking=True,
        help="Files dropped for this flow are CSV or fixed-width files read row by row: one "
        "message per row (or group of rows). Empty: one JSON document per file.",
    )
    pull_path = fields.Char(
        string="Pull from",
        tracking=True,
        help="REST endpoints: path of the list to pull, e.g. /items. Older Odoo endpoints: "
        "the model to read, e.g. product.template.",
    )
    pull_page_size = fields.Integer(string="Page size (records)", default=100)
    pull_overlap_seconds = fields.Integer(
        string="Overlap (seconds)",
        default=300,
        help="Each pull asks again for changes this many seconds before the watermark, so a "
        "change written late or at a page boundary is not missed; what was already taken is "
        "recognised as a duplicate.",
    )
    pull_since_param = fields.Char(
        string="Changed-since parameter",
        default="updated_since",
        help="REST: query parameter carrying the watermark.",
    )
    pull_items_key = fields.Char(
        string="Records key", default="items", help="REST: key of the list of records in a page."
    )
    pull_id_key = fields.Char(string="Record id key", default="id", tracking=True)
    pull_updated_key = fields.Char(
        string="Changed-at key",
        default="updated_at",
        tracking=True,
        help="Key of the last-change time of a record (write_date for Odoo).",
    )
    pull_domain = fields.Char(
        string="Odoo domain",
        default="[]",
        tracking=True,
        help="Older Odoo: domain of the records to pull, e.g. [('sale_ok', '=', True)].",
    )
    pull_fields = fields.Char(
        string="Odoo fields",
        tracking=True,
        help="Older Odoo: comma-separated field names to read (empty: all stored fields).",
    )
    pull_lines_field = fields.Char(
        string="Odoo lines field",
        tracking=True,
        help="Older Odoo: a one2many field whose lines are read with each record and nested "
        "into it as a list, e.g. bom_line_ids of mrp.bom or order_line of sale.order. Empty: "
        "records only.",
    )
    pull_line_fields = fields.Char(
        string="Odoo line fields",
        help="Older Odoo: comma-separated fields to read of each line, e.g. "
        "product_id,product_qty (empty: all stored fields).",
    )
    pull_watermark = fields.Char(
        string="Watermark",
        readonly=True,
        copy=False,
        help="Largest change time taken so far (as the source writes it).",
    )
    pull_resume_at = fields.Datetime(
        string="Paused until",
        readonly=True,
        copy=False,
        help="The source asked to slow down (rate limit): the next pull waits until then.",
    )
    payload_map = fields.Text(
        string="Payload mapping",
        tracking=True,
        help="What the source sends -> the message the handler reads, as a mapping spec in "
        'JSON: {"lines": [{"source": "ITEMNO", "target": "code", "transforms": ["strip"]}]}; '
        'add "false_is_null": true for an older Odoo. Empty: the payload is read as sent. '
        "The message keeps what the source sent.",
    )
    pull_last_at = fields.Datetime(string="Last pull", readonly=True, copy=False)
    pull_last_result = fields.Char(string="Last pull result", readonly=True, copy=False)


class IntegrationFlow(models.Model):
    _name = "integration.flow"
    _inherit = ["integration.flow", "integration.legacy.source"]

    @api.constrains("payload_map")
    def _check_payload_map(self):
        for flow in self.filtered("payload_map"):
            try:
                payload_map.parse(flow.payload_map)
            except ValueError as error:
                raise ValidationError(
                    _("Flow %(code)s: %(error)s", code=flow.code, error=error)
                ) from None
