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
    payload = fields.Text(
        compute="_compute_payload",
        store=True,
        readonly=False,
        help="A sample payload (JSON). Outbound: the record's values as JSON.",
    )
    result = fields.Text(readonly=True)
    issue_count = fields.Integer(readonly=True)
    issue_summary = fields.Char(compute="_compute_issue_summary")
    previewed = fields.Boolean(readonly=True)

    @api.depends("mapping_id", "message_id")
    def _compute_payload(self):
        """The picked message's payload; else an example shaped like the mapping."""
        for wizard in self:
            if wizard.message_id:
                wizard.payload = wizard.message_id.get_payload()
            elif not wizard.payload and wizard.direction == "inbound":
                example = example_payload(wizard.mapping_id.line_ids)
                wizard.payload = json.dumps(example, indent=2) if example else False

    @api.depends("issue_count")
    def _compute_issue_summary(self):
        for wizard in self:
            count = wizard.issue_count
            wizard.issue_summary = _("1 issue found") if count == 1 else _("%s issues found", count)

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
            self._show(_("The sample cannot be mapped as it is:"), [str(i) for i in result.errors])

    def _show(self, title, lines):
        text = "\n".join([title, *(f"- {line}" for line in lines)])
        self.write({"result": text, "issue_count": len(lines), "previewed": True})


def example_payload(lines):
    """A payload with every source path of the mapping ``lines`` and a sample value: the
    line's default, else the path's last part in angle brackets; list lines get one item."""
    example = {}
    for line in lines.filtered("source"):
        parts = line.source.split(".")
        value = [example_payload(line.child_ids)] if line.has_children else None
        _put(example, parts, value or line.default or f"<{parts[-1]}>")
    return example


def _put(node, parts, value):
    """Set ``value`` at the dotted ``parts`` below ``node``; a numeric part is a list index."""
    for part, following in zip(parts, parts[1:], strict=False):
        node = _slot(node, part, [] if following.isdigit() else {})
    if isinstance(node, list):
        _slot(node, parts[-1], None)
        node[int(parts[-1])] = value
    else:
        node.setdefault(parts[-1], value)


def _slot(node, part, empty):
    """The child of ``node`` at ``part`` (a key, or an index of a list), made ``empty``
    when missing."""
    if not isinstance(node, list):
        return node.setdefault(part, empty)
    index = int(part)
    node.extend(None for _ in range(index + 1 - len(node)))
    if node[index] is None:
        node[index] = empty
    return node[index]
