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
    freeze_is_own = fields.Boolean(
        compute="_compute_freeze_id", help="The freeze in force is this record's own."
    )
    frozen_by_id = fields.Many2one("res.users", compute="_compute_freeze_id", string="Frozen by")
    frozen_since = fields.Datetime(compute="_compute_freeze_id", string="Frozen since")
    frozen_until = fields.Datetime(
        compute="_compute_freeze_id",
        string="Frozen until",
        help="The freeze lifts itself then; empty: until a manager lifts it.",
    )
    freeze_reason = fields.Char(compute="_compute_freeze_id", string="Why frozen")
    freeze_note = fields.Char(compute="_compute_freeze_id", string="Freeze")

    def _compute_freeze_id(self):
        """The freeze in force (see ``_freeze_in_force``) and what the screens say of it;
        the inheriting models declare what it depends on."""
        in_force = self._freeze_in_force()
        for record in self:
            freeze, own = in_force.get(record.id, (self.env["integration.freeze"], False))
            record.freeze_id = freeze
            record.freeze_is_own = own
            record.frozen_by_id = freeze.user_id
            record.frozen_since = freeze.date_start
            record.frozen_until = freeze.date_end
            record.freeze_reason = freeze.name
            record.freeze_note = freeze._summary() if freeze else False

    def _freeze_in_force(self):
        """{record id: (the freeze holding it now, whether it is the record's own)}."""
        return {key: (freezes[:1], True) for key, freezes in self._freezes_in_effect().items()}

    def _freezes_in_effect(self):
        """{record id: its own freezes in force now, the one ending last first}."""
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
