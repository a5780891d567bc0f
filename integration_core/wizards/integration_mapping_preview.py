"""Try a mapping on a real payload before anyone depends on it."""

import json

from odoo import _, api, fields, models

from ..tools import access
from ..tools.mapping_records import flatten_record, json_default, line_sources


class IntegrationMappingPreview(models.TransientModel):
    _name = "integration.mapping.preview"
    _description = "Preview an Integration Mapping"

    mapping_id = fields.Many2one("integration.mapping", required=True, ondelete="cascade")
    direction = fields.Selection(related="mapping_id.direction")
    flow_id = fields.Many2one(related="mapping_id.flow_id")
    message_id = fields.Many2one(
        "integration.message",
        string="Received message",
        domain="[('flow_id', '=', flow_id)]",
        help="Take the payload of a message this flow received.",
    )
    res_id = fields.Integer(
        string="Record ID", help="Outbound: the id of the record to export (instead of a payload)."
    )
    payload = fields.Text(help="A sample payload (JSON). Outbound: the record's values as JSON.")
    result = fields.Text(readonly=True)
    issue_count = fields.Integer(readonly=True)
    previewed = fields.Boolean(readonly=True)

    @api.onchange("message_id")
    def _onchange_message_id(self):
        if self.message_id:
            self.payload = self.message_id.get_payload()

    def action_preview(self):
        """Map the sample and show the resulting values, or every issue found."""
        access.require_integration_user(self.env, _("preview mappings"))
        self.ensure_one()
        problems = self.mapping_id._problems()
        if problems:
            self._show(_("The mapping is not ready:"), problems)
        else:
            try:
                sample = self._sample()
            except ValueError as error:
                self._show(_("This sample cannot be mapped:"), [str(error)])
            else:
                self._evaluate(sample)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Preview %s", self.mapping_id.display_name),
        }

    def _sample(self):
        if self.direction == "outbound" and self.res_id:
            record = self.env[self.mapping_id.model].browse(self.res_id).exists()
            if not record:
                raise ValueError(
                    _(
                        "%(model)s %(id)s does not exist.",
                        model=self.mapping_id.model,
                        id=self.res_id,
                    )
                )
            lines = self.mapping_id.line_ids
            return flatten_record(record, line_sources(lines), self.mapping_id.endpoint_id)
        text = self.payload or (self.message_id and self.message_id.get_payload())
        if not text:
            raise ValueError(_("Paste a payload or pick a received message."))
        try:
            return json.loads(text)
        except ValueError as error:
            raise ValueError(_("The payload is not valid JSON: %s", error)) from None

    def _evaluate(self, sample):
        result = self.mapping_id._evaluate(sample)
        if result.ok:
            text = json.dumps(result.values, indent=2, ensure_ascii=False, default=json_default)
            self.write({"result": text, "issue_count": 0, "previewed": True})
        else:
            self._show(_("%s issue(s):", len(result.errors)), [str(i) for i in result.errors])

    def _show(self, title, lines):
        text = "\n".join([title, *(f"- {line}" for line in lines)])
        self.write({"result": text, "issue_count": len(lines), "previewed": True})
