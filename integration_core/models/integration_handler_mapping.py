"""Records in and payloads out through the flow's approved mapping: no code per message type."""

import json

from odoo import Command, _, api, models

from ..lib.errors import PermanentError
from ..tools.mapping_records import flatten_record, json_default, line_sources

_X2MANY = ("one2many", "many2many")


class IntegrationHandlerMapping(models.AbstractModel):
    """Inbound: the payload's mapped values create a record of the mapping's model, or update
    the one the payload's external code stands for (through the endpoint's cross-references).
    Nested lists become the record's lines (replacing them on an update).

    Outbound: the message payload names a record (``{"id": 42}``); the handler reads the fields
    the mapping's sources name (only those Odoo owns) and sends the mapped payload as JSON.
    """

    _name = "integration.handler.mapping"
    _inherit = "integration.handler"
    _description = "Records through the flow's mapping"

    @api.model
    def _process_inbound(self, message):
        mapping = self._mapping(message.flow_id)
        payload = self._payload_json(message)
        endpoint = message.endpoint_id
        values = mapping._values_or_raise(payload, endpoint)
        Model = self.env[mapping.model]
        self.env["integration.ownership"]._check_inbound(endpoint, Model._name, list(values))
        values = _commands(Model, values)
        if not mapping.key_path:
            return Model.create(values)
        code = _external_code(payload, mapping.key_path)
        return self.env["integration.xref"]._upsert(endpoint, Model._name, code, values)

    @api.model
    def _prepare_outbound(self, message):
        mapping = self._mapping(message.flow_id)
        payload = message.get_payload_json()
        record_id = payload.get("id") if isinstance(payload, dict) else None
        if isinstance(record_id, bool) or not isinstance(record_id, int):
            raise PermanentError(_('The message must name the record to send: {"id": <id>}.'))
        record = self.env[mapping.model].browse(record_id).exists()
        if not record:
            raise PermanentError(
                _("%(model)s %(id)s no longer exists.", model=mapping.model, id=record_id)
            )
        return {"body": self._render(mapping, record, message.endpoint_id)}

    @api.model
    def _render(self, mapping, record, endpoint):
        """The JSON-ready payload ``mapping`` makes of ``record`` for ``endpoint``."""
        flat = flatten_record(record, line_sources(mapping.line_ids), endpoint)
        values = mapping._values_or_raise(flat, endpoint)
        return json.loads(json.dumps(values, default=json_default))

    @api.model
    def _mapping(self, flow):
        if not flow.mapping_id:
            raise PermanentError(_("Flow %s has no approved mapping in use.", flow.code))
        return flow.mapping_id


def _commands(Model, values):
    """Nested lists of values as x2many commands (an update replaces the lines)."""
    result = dict(values)
    for name, value in values.items():
        field = Model._fields[name]
        if (
            field.type in _X2MANY
            and isinstance(value, list)
            and all(isinstance(row, dict) for row in value)
        ):
            comodel = Model.env[field.comodel_name]
            creates = [Command.create(_commands(comodel, row)) for row in value]
            result[name] = [Command.clear(), *creates]
    return result


def _external_code(payload, path):
    value = payload
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise PermanentError(_("The payload has no external code at %s.", path))
    return str(value).strip()
