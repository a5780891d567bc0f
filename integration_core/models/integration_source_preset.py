"""A shipped source preset: the Source tab of an inbound flow, filled in one step."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import payload_map

# Flow fields a preset sets, every one of them, so a preset replaces the flow's source whole.
SOURCE_FIELDS = (
    "file_format_id",
    "pull_path",
    "pull_id_key",
    "pull_updated_key",
    "pull_domain",
    "pull_fields",
    "pull_lines_field",
    "pull_line_fields",
    "payload_map",
)
# Kinds of endpoint a flow reads a legacy source from (the endpoint's transports).
SOURCE_TRANSPORTS = ("file", "rest", "odoo_xmlrpc")


class IntegrationSourcePreset(models.Model):
    """How one message type is read from one kind of source, shipped by a connector as data.

    Applying it to an inbound flow writes its source settings and payload mapping there
    (tracked in the flow's chatter) instead of an engineer typing them and pasting JSON.
    """

    _name = "integration.source.preset"
    _description = "Integration Source Preset"
    _order = "system_type, flow_code, sequence, name"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="What the preset reads, in a few words.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    system_type = fields.Selection(
        selection=lambda self: self.env["integration.catalog.entry"]._selection_system_type(),
        string="Kind of system",
        required=True,
    )
    flow_code = fields.Char(
        string="Message type",
        required=True,
        help="Code of the flow (catalog message type) it suits, e.g. item.",
    )
    transport = fields.Selection(
        selection="_selection_transport",
        string="Source kind",
        required=True,
        help="The endpoint's transport this preset reads from.",
    )
    file_format_id = fields.Many2one(
        "integration.file.format", string="Flat file format", ondelete="restrict"
    )
    pull_path = fields.Char(string="Pull from", help="REST path (/items) or Odoo model.")
    pull_id_key = fields.Char(string="Record id key", default="id")
    pull_updated_key = fields.Char(string="Changed-at key", default="updated_at")
    pull_domain = fields.Char(string="Odoo domain", default="[]")
    pull_fields = fields.Char(string="Odoo fields", help="Comma-separated field names.")
    pull_lines_field = fields.Char(
        string="Odoo lines field", help="A one2many of the pulled model, read with each record."
    )
    pull_line_fields = fields.Char(
        string="Odoo line fields", help="Comma-separated field names of the lines."
    )
    ordering_key_path = fields.Char(
        string="Ordering key path",
        help="Path in what the source sends; empty: the flow keeps its own.",
    )
    payload_map = fields.Text(string="Payload mapping", help="The mapping spec, as JSON.")

    @api.model
    def _selection_transport(self):
        transports = self.env["integration.endpoint"]._fields["transport"]
        return [
            (value, label)
            for value, label in transports._description_selection(self.env)
            if value in SOURCE_TRANSPORTS
        ]

    @api.constrains("payload_map")
    def _check_payload_map(self):
        for preset in self.filtered("payload_map"):
            try:
                payload_map.parse(preset.payload_map)
            except ValueError as error:
                raise ValidationError(
                    _("Preset %(name)s: %(error)s", name=preset.name, error=error)
                ) from None

    def _flow_values(self):
        """The flow values this preset sets."""
        self.ensure_one()
        values = {name: self[name] for name in SOURCE_FIELDS}
        values["file_format_id"] = self.file_format_id.id
        if self.ordering_key_path:
            values["ordering_key_path"] = self.ordering_key_path
        return values

    def _apply(self, flow):
        """Write the preset on ``flow`` (an inbound flow of an endpoint of its source kind)."""
        self.ensure_one()
        if flow.direction != "inbound":
            raise UserError(_("A source preset applies to inbound flows only."))
        if flow.endpoint_id.transport != self.transport:
            raise UserError(
                _(
                    "Preset %(preset)s reads a %(kind)s source; endpoint %(endpoint)s is not one.",
                    preset=self.name,
                    kind=dict(self._selection_transport())[self.transport],
                    endpoint=flow.endpoint_id.code,
                )
            )
        flow.write(self._flow_values())
        flow._message_log(body=_("Source preset applied: %s", self.name))
