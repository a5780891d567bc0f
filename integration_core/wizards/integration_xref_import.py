"""Bulk import of cross-references from CSV, for item-master harmonization after a merger."""

import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import xref_csv
from ..tools import access


class IntegrationXrefImport(models.TransientModel):
    _name = "integration.xref.import"
    _description = "Import Cross-References from CSV"

    endpoint_id = fields.Many2one("integration.endpoint", required=True)
    model_id = fields.Many2one(
        "ir.model",
        string="Odoo model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
    )
    match_field_id = fields.Many2one(
        "ir.model.fields",
        string="Match on",
        required=True,
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('char', 'integer'))]",
        help="The Odoo field holding the value of the second column, e.g. Internal Reference.",
    )
    file = fields.Binary(required=True, help="CSV: external code, Odoo value (one per line).")
    file_name = fields.Char()
    has_header = fields.Boolean(default=True)
    result = fields.Text(readonly=True)

    @api.onchange("model_id")
    def _onchange_model_id(self):
        self.match_field_id = False

    def action_import(self):
        """Check every line first; import nothing unless all lines are right."""
        access.require_manager(self.env, _("import cross-references"))
        self.ensure_one()
        rows, errors = xref_csv.parse(base64.b64decode(self.file), has_header=self.has_header)
        records = self._match(rows, errors)
        if errors:
            lines = "\n".join(f"line {number}: {reason}" for number, reason in sorted(errors))
            raise UserError(_("Nothing was imported. Fix these lines:\n%s", lines))
        Xref = self.env["integration.xref"]
        for _number, code, value in rows:
            Xref._link(self.endpoint_id, code, records[value])
        self.result = _("%s cross-references imported or confirmed.", len(rows))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _match(self, rows, errors):
        """{value: record} for the values of ``rows``; problems are appended to ``errors``."""
        records = self._find_records(rows, errors)
        self._check_conflicts(rows, records, errors)
        return records

    def _find_records(self, rows, errors):
        # Model and field definitions are readable by administrators only: read them as such
        # (the caller is a manager, checked by action_import); records are searched as the caller.
        field = self.sudo().match_field_id
        model = self.sudo().model_id.model
        Model = self.env[model].with_context(active_test=False)
        values = [value for _number, _code, value in rows]
        if field.ttype == "integer":
            errors.extend((n, f"{v} is not a number.") for n, _c, v in rows if not _is_int(v))
            values = [int(value) for value in values if _is_int(value)]
        found = {}
        for record in Model.search([(field.name, "in", values)]):
            found.setdefault(str(record[field.name]), []).append(record)
        records = {}
        for number, _code, value in rows:
            matches = found.get(value, [])
            if len(matches) == 1:
                records[value] = matches[0]
            elif not matches:
                errors.append((number, f"No {model} with {field.name} = {value}."))
            else:
                errors.append((number, f"{len(matches)} records have {field.name} = {value}."))
        return records

    def _check_conflicts(self, rows, records, errors):
        """A code that already stands for another record is an error, never overwritten."""
        by_code = {code: (number, value) for number, code, value in rows}
        existing = self.env["integration.xref"].search(
            [
                ("endpoint_id", "=", self.endpoint_id.id),
                ("model", "=", self.sudo().model_id.model),
                ("external_code", "in", list(by_code)),
            ]
        )
        for xref in existing:
            number, value = by_code[xref.external_code]
            if value in records and xref.res_id != records[value].id:
                errors.append(
                    (number, f"{xref.external_code} already stands for {xref.record_name}.")
                )


def _is_int(text):
    return text.lstrip("-").isdigit()
