"""What endpoints and flows share about freezes: the one in force, Freeze and Lift."""

from datetime import datetime

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools import access


class IntegrationFreezeTarget(models.AbstractModel):
    _name = "integration.freeze.target"
    _description = "Integration Freeze Target"

    # The freeze's field naming records of the inheriting model.
    _freeze_field = None

    freeze_id = fields.Many2one(
        "integration.freeze",
        compute="_compute_freeze_id",
        string="Freeze in force",
        help="The freeze holding processing now.",
    )
    frozen_by_id = fields.Many2one(related="freeze_id.user_id", string="Frozen by")
    frozen_since = fields.Datetime(related="freeze_id.date_start", string="Frozen since")
    frozen_until = fields.Datetime(related="freeze_id.date_end", string="Frozen until")
    freeze_reason = fields.Char(related="freeze_id.name", string="Why frozen")
    freeze_is_own = fields.Boolean(
        compute="_compute_freeze_id", help="The freeze in force is this record's own."
    )

    def _compute_freeze_id(self):
        in_effect = self._freezes_in_effect()
        for record in self:
            record.freeze_id = in_effect.get(record.id, self.env["integration.freeze"])[:1]
            record.freeze_is_own = bool(record.freeze_id)

    def _freezes_in_effect(self):
        """{record id: its freezes in force now, the one ending last first}."""
        freezes = (
            self.env["integration.freeze"]
            .sudo()
            .search(
                [
                    (self._freeze_field, "in", self.ids),
                    ("state", "=", "active"),
                    ("date_start", "<=", fields.Datetime.now()),
                ]
            )
        )
        found = {}
        for freeze in freezes.sorted(lambda f: f.date_end or datetime.max, reverse=True):
            key = freeze[self._freeze_field].id
            found[key] = found.get(key, freezes.browse()) | freeze
        return found

    def action_freeze(self):
        """Managers: the form of a new freeze of this record (from now, with a reason)."""
        access.require_manager(self.env, _("freeze processing"))
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Freeze %s", self.display_name),
            "res_model": "integration.freeze",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {f"default_{self._freeze_field}": self.id},
        }

    def action_lift_freeze(self):
        """Managers: lift this record's freezes in force now; its backlog is released."""
        access.require_manager(self.env, _("lift freezes"))
        self.check_access("write")
        in_effect = self._freezes_in_effect()
        freezes = self.env["integration.freeze"].sudo()
        for record in self:
            freezes |= in_effect.get(record.id, freezes.browse())
        if not freezes:
            raise UserError(_("No freeze of its own holds %s now.", self[:1].display_name))
        freezes._end("lifted")
        return True
