"""Tables of external codes and what they mean in Odoo (units, statuses, reason codes)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.errors import PermanentError


class IntegrationValueMap(models.Model):
    _name = "integration.value.map"
    _description = "Integration Value Map"
    _order = "endpoint_id, name"

    name = fields.Char(required=True, help="Table name used by mappings, e.g. order_status.")
    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, ondelete="cascade", index=True
    )
    flow_id = fields.Many2one(
        "integration.flow",
        ondelete="cascade",
        domain="[('endpoint_id', '=', endpoint_id)]",
        help="Only for this flow; empty for every flow of the endpoint.",
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    line_ids = fields.One2many("integration.value.map.line", "map_id", string="Values", copy=True)
    description = fields.Text(help="What the values mean, e.g. the documented Odoo states.")
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Odoo state field",
        ondelete="cascade",
        domain=[("ttype", "=", "selection")],
        help="For a status table: the Odoo field whose values it gives (e.g. the state of a "
        "manufacturing order). Every Odoo value must then be one of that field's values.",
    )
    allowed_values = fields.Text(
        compute="_compute_allowed_values",
        help="The values of the Odoo state field and their labels.",
    )

    _sql_constraints = [
        (
            "name_unique",
            "unique(endpoint_id, flow_id, name)",
            "A value map name is unique per endpoint and flow.",
        ),
    ]

    @api.depends("field_id")
    def _compute_allowed_values(self):
        for table in self:
            table.allowed_values = "\n".join(
                f"{value}: {label}" for value, label in table._selection()
            )

    def _selection(self):
        """``[(value, label)]`` of the state field, or [] without one."""
        if not self.field_id or self.field_id.model not in self.env:
            return []
        field = self.env[self.field_id.model]._fields.get(self.field_id.name)
        return field._description_selection(self.env) if field else []

    @api.constrains("field_id", "line_ids")
    def _check_documented_states(self):
        for table in self.filtered("field_id"):
            allowed = {value for value, _label in table._selection()}
            wrong = sorted(set(table.line_ids.mapped("internal_value")) - allowed)
            if wrong:
                raise ValidationError(
                    _(
                        "%(values)s: not values of %(field)s (allowed: %(allowed)s).",
                        values=", ".join(wrong),
                        field=table.field_id.display_name,
                        allowed=", ".join(sorted(allowed)),
                    )
                )

    @api.model
    def _find_table(self, endpoint, name, flow=None):
        """The map ``name`` for ``flow`` (its own first, else the endpoint's)."""
        maps = self.search([("endpoint_id", "=", endpoint.id), ("name", "=", name)])
        own = flow and maps.filtered(lambda m: m.flow_id == flow)
        return own or maps.filtered(lambda m: not m.flow_id)[:1]

    @api.model
    def _translate(self, endpoint, name, value, flow=None, reverse=False):
        """Odoo value of an external ``value`` (or the external value of an Odoo one)."""
        table = self._find_table(endpoint, name, flow)
        if not table:
            raise PermanentError(
                _("No value map %(name)s for %(endpoint)s.", name=name, endpoint=endpoint.code)
            )
        source, target = (
            ("internal_value", "external_value")
            if reverse
            else ("external_value", "internal_value")
        )
        line = table.line_ids.filtered(lambda line: line[source] == str(value))[:1]
        if not line:
            raise PermanentError(
                _(
                    "%(value)s is not in value map %(name)s of %(endpoint)s.",
                    value=value,
                    name=name,
                    endpoint=endpoint.code,
                )
            )
        return line[target]
