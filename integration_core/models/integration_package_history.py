"""The record of every configuration package imported: who, when, which file, what it did."""

from odoo import fields, models

ORIGINS = [("file", "Package file"), ("template", "Plant template")]
ENVIRONMENTS = [("development", "Development"), ("test", "Test"), ("production", "Production")]


class IntegrationPackageHistory(models.Model):
    """Written by the import wizard only (after its manager check); nobody changes or deletes
    it. The package file itself is kept, with its SHA-256."""

    _name = "integration.package.history"
    _description = "Integration Configuration Import"
    _order = "create_date desc, id desc"

    name = fields.Char(string="Package", required=True, readonly=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True, default="file")
    user_id = fields.Many2one("res.users", string="Imported by", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", string="Into plant", required=True, readonly=True, index=True
    )
    checksum = fields.Char(string="File SHA-256", required=True, readonly=True)
    package_file = fields.Binary(string="File", attachment=True, readonly=True)
    source_plant = fields.Char(string="From plant", readonly=True)
    source_environment = fields.Selection(ENVIRONMENTS, string="From environment", readonly=True)
    target_environment = fields.Selection(ENVIRONMENTS, string="Into environment", readonly=True)
    format_version = fields.Integer(readonly=True)
    modules = fields.Text(string="Module versions", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    changed_count = fields.Integer(string="Changed", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    skipped_count = fields.Integer(
        string="Skipped",
        readonly=True,
        help="Records skipped (the reason is in What was done) or left as they were by choice.",
    )
    details = fields.Text(string="What was done", readonly=True)
