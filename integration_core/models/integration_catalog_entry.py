"""What a connector declares: its message types, as data."""

import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .integration_flow import DIRECTIONS, TRIGGERS


class IntegrationCatalogEntry(models.Model):
    """One message type a connector exchanges with its kind of system.

    A connector addon ships its entries as data; *Connect a system* creates one flow per entry
    of the chosen kind, with the entry's handler, ordering and sequence paths and retry
    defaults. The JSON Schema and the help document the message for the other side.
    """

    _name = "integration.catalog.entry"
    _description = "Integration Connector Message Type"
    _order = "system_type, sequence, code"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="The flow code, e.g. production.performance.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    system_type = fields.Selection(
        selection="_selection_system_type",
        string="Kind of system",
        required=True,
        help="The kind of endpoint this message type belongs to.",
    )
    direction = fields.Selection(DIRECTIONS, required=True)
    trigger = fields.Selection(
        TRIGGERS,
        required=True,
        default="push",
    )
    handler = fields.Char(
        required=True, help="Technical name of the handler model, e.g. integration.handler.noop."
    )
    ordering_key_path = fields.Char(help="Dotted path of the queue's ordering key.")
    sequence_path = fields.Char(help="Dotted path of the sequence number per business key.")
    sequence_key_path = fields.Char(help="Dotted path of the business key of the sequence.")
    request_path = fields.Char(help="Outbound: path, routing key or file prefix.")
    reconciler = fields.Char(
        help="Inbound statements: technical name of the reconciler that compares them."
    )
    max_attempts = fields.Integer(default=8)
    retry_base_seconds = fields.Integer(default=10)
    retry_cap_seconds = fields.Integer(default=3600)
    waiting_deadline_minutes = fields.Integer(default=1440)
    json_schema = fields.Text(string="JSON Schema", help="The message's shape (JSON Schema).")
    help = fields.Text(help="What the message means, in a few words.")

    _sql_constraints = [
        (
            "code_unique",
            "unique(system_type, code)",
            "A message type code is unique per kind of system.",
        ),
    ]

    @api.model
    def _selection_system_type(self):
        return (
            self.env["integration.endpoint"]._fields["system_type"]._description_selection(self.env)
        )

    @api.constrains("handler", "json_schema", "reconciler")
    def _check_entry(self):
        for entry in self:
            handlers = self.env.registry["integration.handler"]._inherit_children
            if entry.handler not in handlers or entry.handler not in self.env:
                raise ValidationError(_("%s is not an installed handler.", entry.handler))
            reconcilers = dict(self.env["integration.flow"]._selection_reconciler())
            if entry.reconciler and entry.reconciler not in reconcilers:
                raise ValidationError(_("%s is not an installed reconciler.", entry.reconciler))
            if entry.json_schema:
                try:
                    json.loads(entry.json_schema)
                except ValueError as error:
                    raise ValidationError(
                        _(
                            "The JSON Schema of %(code)s is not JSON: %(error)s",
                            code=entry.code,
                            error=error,
                        )
                    ) from None

    def _flow_values(self, endpoint):
        """The values of the draft flow this entry makes on ``endpoint``."""
        self.ensure_one()
        return {
            "name": self.name,
            "code": self.code,
            "sequence": self.sequence,
            "endpoint_id": endpoint.id,
            "direction": self.direction,
            "trigger": self.trigger,
            "handler": self.handler,
            "ordering_key_path": self.ordering_key_path,
            "sequence_path": self.sequence_path,
            "sequence_key_path": self.sequence_key_path,
            "request_path": self.request_path,
            "reconciler": self.reconciler,
            "max_attempts": self.max_attempts,
            "retry_base_seconds": self.retry_base_seconds,
            "retry_cap_seconds": self.retry_cap_seconds,
            "waiting_deadline_minutes": self.waiting_deadline_minutes,
            "description": self.help,
            "state": "draft",
        }
