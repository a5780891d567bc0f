"""One target value of a mapping: where it comes from and what happens to it on the way."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import mapping as engine
from ..lib.mapping_text import parse_transforms

_X2MANY = ("one2many", "many2many")


class IntegrationMappingLine(models.Model):
    _name = "integration.mapping.line"
    _description = "Integration Mapping Line"
    _order = "sequence, id"

    mapping_id = fields.Many2one(
        "integration.mapping", required=True, ondelete="cascade", index=True
    )
    parent_id = fields.Many2one(
        "integration.mapping.line",
        string="Parent line",
        ondelete="cascade",
        index=True,
        help="Set on the lines of a nested list (e.g. the lines of an order).",
    )
    child_ids = fields.One2many("integration.mapping.line", "parent_id", string="Nested lines")
    sequence = fields.Integer(default=10)
    source = fields.Char(help="Dotted path in the payload (outbound: the record), e.g. item.code")
    target = fields.Char(required=True, help="Odoo field (inbound) or payload path (outbound).")
    required = fields.Boolean()
    default = fields.Char(help="Used when the source is absent or null.")
    constant = fields.Char(help="Always this value, whatever the payload says.")
    transforms = fields.Char(
        help="Steps separated by |, e.g.: strip | upper | xref product.product, decimal 3, "
        'datetime "%d.%m.%Y %H:%M" Europe/Berlin, uom from_uom_path=unit to_uom=kg, '
        "value_map order_status. No Python: only these named steps."
    )
    has_children = fields.Boolean(
        string="Nested list",
        help="The source is a list; each item is mapped by the nested lines.",
    )
    note = fields.Char()

    @api.depends("source", "constant", "target")
    def _compute_display_name(self):
        for line in self:
            origin = line.source or (line.constant and repr(line.constant)) or "?"
            line.display_name = f"{origin} -> {line.target}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("parent_id"):
                vals["mapping_id"] = self.browse(vals["parent_id"]).mapping_id.id
        lines = super().create(vals_list)
        lines._check_editable()
        return lines

    def write(self, vals):
        self._check_editable()
        return super().write(vals)

    def unlink(self):
        self._check_editable()
        return super().unlink()

    def _check_editable(self):
        if any(line.mapping_id.state != "draft" for line in self):
            raise UserError(
                _("This mapping version is approved or waiting for approval: create a new version.")
            )

    @api.constrains("transforms")
    def _check_transforms(self):
        for line in self:
            problems = parse_transforms(line.transforms)[1]
            if problems:
                raise ValidationError(
                    _(
                        "Transforms of %(line)s: %(problems)s",
                        line=line.display_name,
                        problems="; ".join(problems),
                    )
                )

    def _copy_tree(self, mapping, parent=None):
        """Copy these lines and their nested lines into ``mapping``."""
        for line in self:
            copy = line.copy({"mapping_id": mapping.id, "parent_id": parent and parent.id})
            line.child_ids._copy_tree(mapping, copy)

    def _line_spec(self):
        self.ensure_one()
        return engine.LineSpec(
            target=self.target,
            source=self.source or None,
            required=self.required,
            default=self.default or None,
            constant=self.constant or None,
            transforms=parse_transforms(self.transforms)[0],
            children=engine.MappingSpec(lines=[child._line_spec() for child in self.child_ids])
            if self.has_children
            else None,
        )

    def _tree_problems(self):
        """Problems of the transforms text of this line and its nested lines."""
        problems = parse_transforms(self.transforms)[1]
        if self.child_ids and not self.has_children:
            problems.append(_("has nested lines but is not marked as a nested list"))
        for child in self.child_ids:
            problems += [f"{child.display_name}: {p}" for p in child._tree_problems()]
        return problems

    def _target_problems(self, model):
        """Inbound targets that are not fields of ``model`` (nested lines: of the list's model)."""
        problems = []
        for line in self:
            name = (line.target or "").split(".")[0]
            field = model._fields.get(name)
            if "." in (line.target or ""):
                problems.append(
                    _(
                        "%(line)s: an inbound target is a field name, not a path",
                        line=line.display_name,
                    )
                )
            elif field is None:
                problems.append(
                    _(
                        "%(line)s: %(model)s has no field %(field)s",
                        line=line.display_name,
                        model=model._name,
                        field=name,
                    )
                )
            elif line.has_children and field.type not in _X2MANY:
                problems.append(
                    _(
                        "%(line)s: %(field)s is not a list of records",
                        line=line.display_name,
                        field=name,
                    )
                )
            elif line.has_children:
                problems += line.child_ids._target_problems(model.env[field.comodel_name])
        return problems
