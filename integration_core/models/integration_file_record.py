"""Checksum registry of imported files: a file dropped twice is imported once."""

from odoo import fields, models


class IntegrationFileRecord(models.Model):
    _name = "integration.file.record"
    _description = "Integration Imported File"
    _order = "id desc"
    _log_access = False

    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    file_name = fields.Char(required=True, readonly=True)
    checksum = fields.Char(required=True, readonly=True, help="SHA-256 of the content.")
    size = fields.Integer(readonly=True)
    message_id = fields.Many2one("integration.message", readonly=True, ondelete="set null")
    received_at = fields.Datetime(string="Received", readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "checksum_unique",
            "unique(endpoint_id, checksum)",
            "This file content was already imported from this endpoint.",
        ),
    ]
