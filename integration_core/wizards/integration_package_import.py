"""Import a configuration package: validate it, preview what it does, apply it in one go."""

import base64
import hashlib
import json

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..lib import package_format
from ..lib.package_format import PackageError
from ..models.integration_package_history import ORIGINS
from ..tools import access, environment_tag


class IntegrationPackageImport(models.TransientModel):
    """Upload, preview (every record: create, change with its fields old -> new, unchanged,
    skip with the reason), apply. The preview is computed again when applying: if the plant's
    configuration changed in between, nothing is applied and the person previews again."""

    _name = "integration.package.import"
    _description = "Import a Configuration Package"

    state = fields.Selection(
        [("upload", "Choose the file"), ("preview", "Preview"), ("done", "Imported")],
        default="upload",
        readonly=True,
    )
    package_file = fields.Binary(string="Package file")
    file_name = fields.Char()
    company_id = fields.Many2one(
        "res.company",
        string="Into plant",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The company that receives the endpoints, flows and rules of the package.",
    )
    origin = fields.Selection(ORIGINS, default="file", readonly=True)
    source_plant = fields.Char(string="From plant", readonly=True)
    notes = fields.Text(readonly=True)
    line_ids = fields.One2many("integration.package.import.line", "wizard_id", string="Preview")
    plan_digest = fields.Char(readonly=True)
    history_id = fields.Many2one(
        "integration.package.history", string="Import record", readonly=True
    )
    create_count = fields.Integer(compute="_compute_counts", string="To create")
    change_count = fields.Integer(compute="_compute_counts", string="To change")
    unchanged_count = fields.Integer(compute="_compute_counts", string="Unchanged")
    skip_count = fields.Integer(compute="_compute_counts", string="Skipped")

    @api.depends("line_ids.action")
    def _compute_counts(self):
        for wizard in self:
            actions = wizard.line_ids.mapped("action")
            wizard.create_count = actions.count("create")
            wizard.change_count = actions.count("change")
            wizard.unchanged_count = actions.count("unchanged")
            wizard.skip_count = actions.count("skip")

    # ------------------------------------------------------------------ actions
    def action_preview(self):
        """Managers: check the file and list what importing it would do."""
        access.require_manager(self.env, self.env._("import configuration packages"))
        self.ensure_one()
        _raw, document, notes, changes = self._plan()
        self.line_ids.unlink()
        self.write(
            {
                "state": "preview",
                "source_plant": document.get("plant"),
                "notes": "\n".join(notes) or False,
                "plan_digest": _digest(changes),
                "line_ids": [
                    Command.create(self._line_values(n, c)) for n, c in enumerate(changes)
                ],
            }
        )
        return self._reopen()

    def action_apply(self):
        """Managers: import what the preview showed, in one transaction, and record it."""
        access.require_manager(self.env, self.env._("import configuration packages"))
        self.ensure_one()
        if self.state != "preview":
            raise UserError(self.env._("Preview the package first."))
        raw, document, _notes, changes = self._plan()
        if _digest(changes) != self.plan_digest:
            raise UserError(
                self.env._(
                    "The configuration here changed since the preview: preview the package again."
                )
            )
        kept = {(line.section, line.key) for line in self.line_ids if not line.apply}
        for change in changes:
            change.apply = (change.section, _key_text(change.key)) not in kept
        self.env["integration.package"]._apply(changes, self.company_id)
        history = self._record(raw, document, changes)
        self.write({"state": "done", "history_id": history.id})
        return self._reopen()

    def action_back(self):
        """Managers: back to choosing the file."""
        access.require_manager(self.env, self.env._("import configuration packages"))
        self.line_ids.unlink()
        self.write({"state": "upload", "plan_digest": False, "notes": False})
        return self._reopen()

    # ------------------------------------------------------------------ helpers
    def _plan(self):
        """``(raw, document, notes, changes)`` of the file for this plant; UserError if bad."""
        access.require_companies(self.env, self.company_id)
        if not self.package_file:
            raise UserError(self.env._("Choose a package file first."))
        try:
            raw = base64.b64decode(self.package_file, validate=True)
        except ValueError:  # binascii.Error: not what a file upload sends
            raise UserError(self.env._("The file could not be read: upload it again.")) from None
        Package = self.env["integration.package"]
        try:
            document, notes = Package._read(raw)
            changes = Package._plan(document, self.company_id)
        except PackageError as error:
            raise UserError(self.env._("This file cannot be imported: %s", error)) from None
        return raw, document, notes, changes

    def _line_values(self, number, change):
        specs = self.env["integration.package"]._section_specs()
        details = [f"{path}: {old} -> {new}" for path, old, new in change.diffs] + change.notes
        return {
            "sequence": number,
            "section": change.section,
            "section_label": specs[change.section][1],
            "key": _key_text(change.key),
            "name": change.label,
            "action": change.action,
            "apply": True,
            "details": "\n".join(details) or False,
        }

    def _record(self, raw, document, changes):
        specs = self.env["integration.package"]._section_specs()
        counts = {action: 0 for action in package_format.ACTIONS}
        rows = []
        for change in changes:
            action = change.action if change.apply else "skip"
            counts[action] += 1
            word = action if change.apply else self.env._("left as it was (chosen)")
            detail = "; ".join([f"{p}: {o} -> {n}" for p, o, n in change.diffs] + change.notes)
            what = f"{specs[change.section][1]} {change.label}"
            rows.append(f"{word}: {what}" + (f" ({detail})" if detail else ""))
        History = self.env["integration.package.history"].sudo()
        return History.create(
            {
                "name": self.file_name or self.env._("Package file"),
                "origin": self.origin,
                "user_id": self.env.uid,
                "company_id": self.company_id.id,
                "checksum": package_format.checksum(raw),
                "package_file": base64.b64encode(raw),
                "source_plant": document.get("plant"),
                "source_environment": document["environment"],
                "target_environment": environment_tag.current(self.env)[0],
                "format_version": document["format_version"],
                "modules": "\n".join(f"{n} {v}" for n, v in sorted(document["modules"].items())),
                "created_count": counts["create"],
                "changed_count": counts["change"],
                "unchanged_count": counts["unchanged"],
                "skipped_count": counts["skip"],
                "details": "\n".join(rows),
            }
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Import configuration"),
        }


def _key_text(key):
    return json.dumps(list(key), sort_keys=True)


def _digest(changes):
    text = json.dumps([change.signature() for change in changes], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
