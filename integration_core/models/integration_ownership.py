"""System of record: which system owns a model, or one of its fields, during coexistence."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.errors import PermanentError


class IntegrationOwnership(models.Model):
    _name = "integration.ownership"
    _description = "Integration System-of-Record Ownership"
    _order = "model_id, field_id"

    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade", index=True)
    model = fields.Char(related="model_id.model", string="Model name", store=True, index=True)
    field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id)]",
        help="Leave empty for the whole model; a field rule overrides the model rule.",
    )
    owner = fields.Selection(
        [("odoo", "Odoo"), ("endpoint", "An external system")], required=True, default="odoo"
    )
    endpoint_id = fields.Many2one(
        "integration.endpoint", help="The external system that owns the data."
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    note = fields.Char(help="Why, and until when (e.g. until the item master moves to Odoo).")

    _sql_constraints = [
        (
            "rule_unique",
            "unique(model_id, field_id, company_id)",
            "One ownership rule per model or field and company.",
        ),
    ]

    @api.constrains("owner", "endpoint_id")
    def _check_endpoint(self):
        for rule in self:
            if (rule.owner == "endpoint") != bool(rule.endpoint_id):
                raise ValidationError(_("Name the external system exactly when it owns the data."))

    @api.model
    def _owners(self, model, field_names, company):
        """{field: (owner, endpoint)} for the given fields, from field rules then model rules."""
        rules = self.sudo().search(
            [("model", "=", model), ("company_id", "in", (False, company.id))]
        )
        model_rule = rules.filtered(lambda r: not r.field_id)[:1]
        by_field = {rule.field_id.name: rule for rule in rules if rule.field_id}
        owners = {}
        for name in field_names:
            rule = by_field.get(name) or model_rule
            if rule:
                owners[name] = (rule.owner, rule.endpoint_id)
        return owners

    @api.model
    def _check_inbound(self, endpoint, model, field_names):
        """Refuse an inbound change of data another system owns (nothing is written)."""
        owners = self._owners(model, field_names, endpoint.company_id)
        refused = sorted(
            name
            for name, (owner, owner_endpoint) in owners.items()
            if owner == "odoo" or owner_endpoint != endpoint
        )
        if refused:
            error = PermanentError(
                _(
                    "%(endpoint)s may not change %(model)s fields it does not own: %(fields)s.",
                    endpoint=endpoint.code,
                    model=model,
                    fields=", ".join(refused),
                )
            )
            error.category = "ownership_conflict"
            raise error

    @api.model
    def _outbound_fields(self, model, field_names, company):
        """The fields Odoo owns, the only ones exported to other systems."""
        owners = self._owners(model, field_names, company)
        return [name for name in field_names if owners.get(name, ("odoo", None))[0] == "odoo"]
