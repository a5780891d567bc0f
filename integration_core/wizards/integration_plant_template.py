"""New plant from this one: a plant's configuration copied to another company, as drafts.

No second copier: the source plant is exported as a configuration package, its endpoints get
new codes (and names), service accounts are left out, and the package is previewed and
imported into the new plant by the import wizard. So the copy has new codes and company, no
cross-reference, API key, secret or message, and its flows and mappings are drafts.
"""

import base64
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import package_format
from ..lib.package_format import PackageError
from ..tools import access

# Endpoint item fields a new plant does not take over: the old plant's service accounts.
NOT_COPIED = ("inbound_user",)


class IntegrationPlantTemplate(models.TransientModel):
    _name = "integration.plant.template"
    _description = "New Plant from a Plant"

    source_company_id = fields.Many2one(
        "res.company",
        string="From plant",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    endpoint_ids = fields.Many2many(
        "integration.endpoint",
        string="Endpoints",
        domain="[('company_id', '=', source_company_id)]",
        help="Only these endpoints; leave empty to copy every endpoint of the plant.",
    )
    target_company_id = fields.Many2one(
        "res.company",
        string="New plant",
        required=True,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The company that receives the copy (create it first under Settings > Companies).",
    )
    code_how = fields.Selection(
        [
            ("replace", "Replace a part"),
            ("prefix", "Put a text in front"),
            ("suffix", "Put a text at the end"),
        ],
        string="New codes",
        required=True,
        default="replace",
        help="How the endpoint codes of the new plant are made from the old ones: codes are "
        "unique in the database.",
    )
    code_from = fields.Char(
        string="Replace in codes",
        help="The part of the endpoint codes to replace, e.g. PLANT1.",
    )
    code_to = fields.Char(
        string="New text in codes", help="What replaces it in the new plant's codes, e.g. PLANT3."
    )
    name_from = fields.Char(string="Replace in names", help="e.g. Plant 1")
    name_to = fields.Char(string="New text in names", help="e.g. Plant 3")
    renames = fields.Text(string="Codes of the new plant", compute="_compute_renames")

    @api.onchange("source_company_id")
    def _onchange_source_company_id(self):
        endpoints = self._endpoints()
        prefixes = {re.split(r"[_\-.]", code)[0] for code in endpoints.mapped("code")}
        self.code_from = prefixes.pop() if len(prefixes) == 1 else False
        self.name_from = self.source_company_id.name

    @api.onchange("target_company_id")
    def _onchange_target_company_id(self):
        self.name_to = self.target_company_id.name

    @api.depends("source_company_id", "endpoint_ids", "code_how", "code_from", "code_to")
    def _compute_renames(self):
        for wizard in self:
            if not wizard.code_to:
                wizard.renames = self.env._(
                    "Type the new text for the codes to see the new plant's endpoint codes."
                )
                continue
            rows = []
            for code in wizard._endpoints().mapped("code"):
                try:
                    rows.append(f"{code} -> {wizard._renamed(code)}")
                except PackageError as error:
                    rows.append(str(error))
            wizard.renames = "\n".join(rows) or self.env._("The plant has no endpoint to copy.")

    def _endpoints(self):
        if self.endpoint_ids:
            return self.endpoint_ids
        return self.env["integration.endpoint"].search(
            [("company_id", "=", self.source_company_id.id)]
        )

    def _renamed(self, code):
        return package_format.renamed_code(
            code, self.code_how, self.code_from or "", self.code_to or ""
        )

    def action_preview(self):
        """Managers: the copy as a package for the new plant, in the import preview."""
        access.require_manager(self.env, self.env._("create plants from templates"))
        self.ensure_one()
        access.require_companies(self.env, self.source_company_id | self.target_company_id)
        if not self.code_to:
            raise UserError(self.env._("Say what the new plant's codes get instead."))
        if self.target_company_id == self.source_company_id:
            raise UserError(self.env._("Choose another company as the new plant."))
        endpoints = self._endpoints()
        if not endpoints:
            raise UserError(self.env._("%s has no endpoint to copy.", self.source_company_id.name))
        try:
            renames = {code: self._renamed(code) for code in endpoints.mapped("code")}
        except PackageError as error:
            raise UserError(str(error)) from None
        document = self.env["integration.package"]._export(self.source_company_id, endpoints)
        copy = package_format.rename_endpoints(
            document, renames, self.name_from or "", self.name_to or ""
        )
        for item in copy["sections"].get("endpoints", []):
            item.update(dict.fromkeys(NOT_COPIED))
        wizard = self.env["integration.package.import"].create(
            {
                "package_file": base64.b64encode(package_format.dumps(copy)),
                "file_name": self.env._("Template of %s", self.source_company_id.name),
                "company_id": self.target_company_id.id,
                "origin": "template",
            }
        )
        return wizard.action_preview()
