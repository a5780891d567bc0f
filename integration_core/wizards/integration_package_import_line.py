"""One record of a package import's preview: what importing it does here."""

from odoo import fields, models


class IntegrationPackageImportLine(models.TransientModel):
    _name = "integration.package.import.line"
    _description = "Configuration Package Preview Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one("integration.package.import", required=True, ondelete="cascade")
    sequence = fields.Integer()
    section = fields.Char(readonly=True)
    section_label = fields.Char(string="Kind", readonly=True)
    key = fields.Char(readonly=True)
    name = fields.Char(string="Record", readonly=True)
    action = fields.Selection(
        [
            ("create", "Create"),
            ("change", "Change"),
            ("unchanged", "Unchanged"),
            ("skip", "Skip"),
        ],
        readonly=True,
    )
    apply = fields.Boolean(
        default=True,
        help="Untick to leave this record as it is here: its changes are not applied.",
    )
    details = fields.Text(string="What differs", readonly=True)
