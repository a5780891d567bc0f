"""Export a plant's integration configuration to one package file."""

import base64
import re

from odoo import api, fields, models

from ..lib import package_format
from ..tools import access, environment_tag


class IntegrationPackageExport(models.TransientModel):
    _name = "integration.package.export"
    _description = "Export a Configuration Package"

    state = fields.Selection(
        [("choose", "Choose"), ("done", "Exported")], default="choose", readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Plant",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The company whose integration configuration is exported.",
    )
    endpoint_ids = fields.Many2many(
        "integration.endpoint",
        string="Endpoints",
        domain="[('company_id', '=', company_id)]",
        help="Only these endpoints (with their flows, mappings, value maps and rules). "
        "Leave empty for every endpoint of the plant.",
    )
    environment = fields.Char(
        string="This database",
        compute="_compute_environment",
        help="The environment written into the package.",
    )
    package_file = fields.Binary(string="Package file", readonly=True)
    file_name = fields.Char(readonly=True)
    summary = fields.Text(readonly=True)

    def _compute_environment(self):
        label = environment_tag.describe(self.env)["label"]
        for wizard in self:
            wizard.environment = label

    @api.onchange("company_id")
    def _onchange_company_id(self):
        self.endpoint_ids = self.endpoint_ids.filtered(lambda e: e.company_id == self.company_id)

    def action_export(self):
        """Managers: write the package file of the plant (or of the chosen endpoints)."""
        access.require_manager(self.env, self.env._("export configuration packages"))
        self.ensure_one()
        access.require_companies(self.env, self.company_id)
        document = self.env["integration.package"]._export(self.company_id, self.endpoint_ids)
        raw = package_format.dumps(document)
        slug = re.sub(r"[^a-z0-9]+", "-", self.company_id.name.lower()).strip("-") or "plant"
        self.write(
            {
                "state": "done",
                "package_file": base64.b64encode(raw),
                "file_name": f"{slug}-integration-configuration.json",
                "summary": self._summary(document),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _summary(self, document):
        specs = self.env["integration.package"]._section_specs()
        content = document["sections"]
        lines = [
            self.env._("%(count)s × %(what)s", count=len(items), what=specs[name][1])
            for name, items in content.items()
        ] or [self.env._("Nothing to export: this plant has no integration configuration yet.")]
        labels = self.env["integration.package.section.endpoint"]._package_secret_labels()
        secrets = [
            f"{item['code']}: {', '.join(labels.get(n, n) for n in sorted(item['secrets']))}"
            for item in content.get("endpoints", [])
            if item.get("secrets")
        ]
        if secrets:
            lines.append(
                self.env._(
                    "No secret is in the file; to be entered where it is imported:\n%s",
                    "\n".join(secrets),
                )
            )
        return "\n".join(lines)
