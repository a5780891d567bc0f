"""Changes a configuration package brings to a flow in use: held until a manager applies them."""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import package_format
from ..tools import access


class IntegrationFlow(models.Model):
    _inherit = "integration.flow"

    imported_changes = fields.Text(
        readonly=True,
        copy=False,
        help="Settings a configuration package changes, as JSON: applied by a manager.",
    )
    imported_changes_summary = fields.Text(
        string="Imported changes",
        compute="_compute_imported_changes_summary",
        help="What the imported package changes: field, value here, value imported.",
    )

    @api.depends("imported_changes")
    def _compute_imported_changes_summary(self):
        for flow in self:
            rows = [
                f"{flow._fields[name].string}: {package_format.describe(flow[name] or None)} -> "
                f"{package_format.describe(value)}"
                for name, value in flow._imported_values().items()
            ]
            flow.imported_changes_summary = "\n".join(rows) or False

    def _imported_values(self):
        self.ensure_one()
        values = json.loads(self.imported_changes or "{}")
        section = self.env["integration.package.section.flow"]
        allowed = set(section._package_fields(self))
        return {name: value for name, value in values.items() if name in allowed}

    def _package_hold_changes(self, values):
        """Keep ``values`` (settings of a package) until a manager applies them."""
        self.ensure_one()
        held = dict(self._imported_values(), **values)
        self.imported_changes = json.dumps(held, sort_keys=True, default=str)
        self._message_log(
            body=self.env._(
                "A configuration package changes this flow (%s): the changes wait for a "
                "manager to apply them.",
                ", ".join(self._fields[name].string for name in sorted(values)),
            )
        )

    def action_apply_imported_changes(self):
        """Managers: apply the settings an imported package changes on these flows."""
        access.require_manager(self.env, self.env._("apply imported changes to flows"))
        for flow in self:
            flow.check_access("write")
            values = flow._imported_values()
            if not values:
                raise UserError(self.env._("Flow %s has no imported changes to apply.", flow.code))
            flow.write(dict(values, imported_changes=False))
            flow.message_post(
                body=self.env._("Imported changes applied by %s.", self.env.user.name)
            )
        return True

    def action_discard_imported_changes(self):
        """Managers: drop the imported changes; the flow stays as it is."""
        access.require_manager(self.env, self.env._("discard imported changes of flows"))
        for flow in self.filtered("imported_changes"):
            flow.check_access("write")
            flow.imported_changes = False
            flow.message_post(
                body=self.env._("Imported changes discarded by %s.", self.env.user.name)
            )
        return True
