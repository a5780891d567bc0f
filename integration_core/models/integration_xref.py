"""Cross-references: which Odoo record an external code of an endpoint stands for."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IntegrationXref(models.Model):
    _name = "integration.xref"
    _description = "Integration Cross-Reference"
    _order = "endpoint_id, model, external_code"
    _rec_name = "external_code"

    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    model = fields.Char(
        required=True, help="Technical name of the Odoo model, e.g. product.product."
    )
    external_code = fields.Char(required=True, help="The code the external system uses.")
    res_id = fields.Integer(string="Record ID", required=True)
    record_name = fields.Char(compute="_compute_record_name")
    note = fields.Char()

    _sql_constraints = [
        (
            "code_unique",
            "unique(endpoint_id, model, external_code)",
            "This external code already points to a record for this endpoint.",
        ),
        (
            "record_unique",
            "unique(endpoint_id, model, res_id)",
            "This record already has an external code for this endpoint.",
        ),
    ]

    @api.depends("model", "res_id")
    def _compute_record_name(self):
        for xref in self:
            record = xref._record()
            xref.record_name = record.display_name if record else False

    @api.constrains("model", "res_id")
    def _check_record(self):
        for xref in self:
            if xref.model not in self.env:
                raise ValidationError(_("%s is not a model.", xref.model))
            if not xref._record():
                raise ValidationError(
                    _("%(model)s #%(id)s does not exist.", model=xref.model, id=xref.res_id)
                )

    def _record(self):
        self.ensure_one()
        if self.model not in self.env:
            return None
        return self.env[self.model].browse(self.res_id).exists() or None

    @api.model_create_multi
    def create(self, vals_list):
        xrefs = super().create(vals_list)
        xrefs._resume_waiting_messages()
        return xrefs

    def write(self, vals):
        result = super().write(vals)
        if {"external_code", "model", "res_id", "endpoint_id"} & set(vals):
            self._resume_waiting_messages()
        return result

    def _resume_waiting_messages(self):
        Message = self.env["integration.message"].sudo()
        for (endpoint, model), xrefs in self.grouped(lambda x: (x.endpoint_id, x.model)).items():
            Message._resume_waiting(model, xrefs.mapped("external_code"), endpoint=endpoint)

    # ------------------------------------------------------------------ helpers for handlers
    @api.model
    def _resolve(self, endpoint, model, code):
        """The record ``code`` stands for at ``endpoint``, or None."""
        xref = self.sudo().search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("model", "=", model),
                ("external_code", "=", code),
            ],
            limit=1,
        )
        return xref._record() if xref else None

    @api.model
    def _resolve_many(self, endpoint, model, codes):
        """``[(code, record)]`` for the ``codes`` that have a cross-reference at ``endpoint``,
        in one query."""
        xrefs = self.sudo().search_fetch(
            [
                ("endpoint_id", "=", endpoint.id),
                ("model", "=", model),
                ("external_code", "in", list(codes)),
            ],
            ["external_code", "res_id"],
        )
        records = self.env[model].browse(xrefs.mapped("res_id")).exists() if xrefs else None
        existing = set(records.ids) if records else set()
        return [
            (xref.external_code, self.env[model].browse(xref.res_id))
            for xref in xrefs
            if xref.res_id in existing
        ]

    @api.model
    def _code_of(self, endpoint, record):
        """The code ``endpoint`` uses for ``record``, or None."""
        xref = self.sudo().search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("model", "=", record._name),
                ("res_id", "=", record.id),
            ],
            limit=1,
        )
        return xref.external_code if xref else None

    @api.model
    def _link(self, endpoint, code, record):
        """Record that ``code`` at ``endpoint`` stands for ``record`` (idempotent)."""
        existing = self._resolve(endpoint, record._name, code)
        if existing == record:
            return
        if existing:
            raise ValidationError(
                _(
                    "Code %(code)s already stands for %(other)s.",
                    code=code,
                    other=existing.display_name,
                )
            )
        self._add_link(endpoint, code, record)

    @api.model
    def _upsert(self, endpoint, model, code, values):
        """Update the record ``code`` stands for, or create it and its cross-reference.

        A repeated master-data message updates instead of duplicating. Two messages creating
        the same code at once: the second hits the unique constraint and is retried, then finds
        the record and updates it.
        """
        record = self._resolve(endpoint, model, code)
        if record:
            record.write(values)
            return record
        return self._create_linked(endpoint, model, code, values)

    @api.model
    def _create_linked(self, endpoint, model, code, values):
        """Create a record and the cross-reference from ``code`` to it."""
        record = self.env[model].create(values)
        self._add_link(endpoint, code, record)
        return record

    @api.model
    def _add_link(self, endpoint, code, record):
        return self.sudo().create(
            {
                "endpoint_id": endpoint.id,
                "model": record._name,
                "external_code": code,
                "res_id": record.id,
            }
        )
