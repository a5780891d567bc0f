"""Changes a configuration package brings to a record in use: held until a manager applies them."""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import package_format
from ..tools import access


class IntegrationPackageTarget(models.AbstractModel):
    """A record a configuration package may change: the changes wait for a manager.

    The model sets ``_package_section`` to the package section that says which of its fields a
    package carries."""

    _name = "integration.package.target"
    _description = "Integration Package Target"
    _package_section = None

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
        for record in self:
            rows = [
                f"{record._fields[name].string}: "
                f"{package_format.describe(record[name] or None)} -> "
                f"{package_format.describe(value)}"
                for name, value in record._imported_values().items()
            ]
            record.imported_changes_summary = "\n".join(rows) or False

    def _imported_values(self):
        self.ensure_one()
        values = json.loads(self.imported_changes or "{}")
        section = self.env[self._package_section]
        allowed = set(section._package_fields(self))
        return {name: value for name, value in values.items() if name in allowed}

    def _package_hold_changes(self, values):
        """Keep ``values`` (settings of a package) until a manager applies them."""
        self.ensure_one()
        held = dict(self._imported_values(), **values)
        self.imported_changes = json.dumps(held, sort_keys=True, default=str)
        self._message_log(
            body=self.env._(
                "A configuration package changes %(record)s (%(fields)s): the changes wait for a "
                "manager to apply them.",
                record=self.display_name,
                fields=", ".join(self._fields[name].string for name in sorted(values)),
            )
        )

    def action_apply_imported_changes(self):
        """Managers: apply the settings an imported package changes on these records."""
        access.require_manager(self.env, self.env._("apply imported changes"))
        for record in self:
            record.check_access("write")
            values = record._imported_values()
            if not values:
                raise UserError(
                    self.env._("%s has no imported changes to apply.", record.display_name)
                )
            record.write(dict(values, imported_changes=False))
            record.message_post(
                body=self.env._("Imported changes applied by %s.", self.env.user.name)
            )
        return True

    def action_discard_imported_changes(self):
        """Managers: drop the imported changes; the records stay as they are."""
        access.require_manager(self.env, self.env._("discard imported changes"))
        for record in self.filtered("imported_changes"):
            record.check_access("write")
            record.imported_changes = False
            record.message_post(
                body=self.env._("Imported changes discarded by %s.", self.env.user.name)
            )
        return True
