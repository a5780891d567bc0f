"""Legacy items that are variants: one item per variant, naming its template and values."""

from odoo import Command, _, api, models

from odoo.addons.integration_core.lib.errors import InvalidMessage
from odoo.addons.integration_core.tools.echo import applied_from

# Fields of the variant itself; the others of an item belong to its template.
VARIANT_FIELDS = ("default_code", "barcode", "weight")


class IntegrationLegacyItemVariant(models.AbstractModel):
    """A mixin of the item handler: the template and variant a variant item stands for.

    Legacy ERPs export one row per variant with the code of its style or model: the item
    carries ``template`` (that code, cross-referenced to a ``product.template``) and
    ``attribute_values`` (``{"Color": "Red", "Size": "L"}``). The first variant of a template
    creates it with one attribute line per attribute; a variant with a new value adds the
    value to its line. Attributes are found by name or created *dynamic*, so Odoo makes
    exactly the variants the legacy ERP lists (an existing attribute keeps its own mode).
    """

    _name = "integration.legacy.item.variant"
    _description = "Legacy ERP Item Variants"

    @api.model
    def _variant_values(self, item, values):
        """What a variant item writes on a product: its template's name only when given."""
        values = dict(values)
        values.pop("name", None)
        if item["template_name"]:
            values["name"] = item["template_name"]
        return values

    @api.model
    def _create_variant(self, endpoint, item, values):
        """The variant ``item`` stands for, its template made or extended, cross-referenced."""
        template = self._legacy_template(endpoint, item, values)
        combination = self._template_values(template, item["attribute_values"])
        variant = template._create_product_variant(combination)
        if not variant:
            raise InvalidMessage(
                [_("%(template)s cannot have this variant.", template=template.display_name)]
            )
        applied_from(variant, endpoint).write(
            {name: values[name] for name in VARIANT_FIELDS if name in values}
        )
        self.env["integration.xref"]._link(endpoint, item["code"], variant)
        return variant

    @api.model
    def _legacy_template(self, endpoint, item, values):
        """The template of ``item["template"]``, created with its attribute lines if new."""
        Xref = self.env["integration.xref"]
        template = Xref._resolve(endpoint, "product.template", item["template"])
        if template:
            self._check_attributes(template, item["attribute_values"])
            return template
        template_values = {
            name: value for name, value in values.items() if name not in VARIANT_FIELDS
        }
        template_values["name"] = item["template_name"] or item["name"]
        template_values["attribute_line_ids"] = [
            Command.create({"attribute_id": attribute.id, "value_ids": [Command.set(value.ids)]})
            for attribute, value in self._attribute_values(item["attribute_values"])
        ]
        return Xref._create_linked(endpoint, "product.template", item["template"], template_values)

    @api.model
    def _attribute_values(self, attribute_values):
        """``[(product.attribute, product.attribute.value)]`` of ``{name: value}``, made
        when missing (names compared without case)."""
        Attribute = self.env["product.attribute"]
        Value = self.env["product.attribute.value"]
        pairs = []
        for name, value_name in attribute_values.items():
            attribute = Attribute.search([("name", "=ilike", name)], limit=1) or Attribute.create(
                {"name": name, "create_variant": "dynamic"}
            )
            value = Value.search(
                [("attribute_id", "=", attribute.id), ("name", "=ilike", value_name)], limit=1
            ) or Value.create({"attribute_id": attribute.id, "name": value_name})
            pairs.append((attribute, value))
        return pairs

    @api.model
    def _check_attributes(self, template, attribute_values):
        """A variant names a value of each of its template's attributes, no other."""
        lines = template.attribute_line_ids.filtered(
            lambda line: line.attribute_id.create_variant != "no_variant"
        )
        expected = {name.lower() for name in lines.attribute_id.mapped("name")}
        received = {name.lower() for name in attribute_values}
        if expected != received:
            raise InvalidMessage(
                [
                    _(
                        "attribute_values must name the attributes of %(template)s: %(names)s",
                        template=template.display_name,
                        names=", ".join(sorted(lines.attribute_id.mapped("name"))),
                    )
                ]
            )

    @api.model
    def _template_values(self, template, attribute_values):
        """The template's attribute values of a variant, a new value added to its line."""
        combination = self.env["product.template.attribute.value"]
        for attribute, value in self._attribute_values(attribute_values):
            line = template.attribute_line_ids.filtered(
                lambda line, attribute=attribute: line.attribute_id == attribute
            )
            if value not in line.value_ids:
                line.write({"value_ids": [Command.link(value.id)]})
            combination |= line.product_template_value_ids.filtered(
                lambda ptav, value=value: ptav.product_attribute_value_id == value
            )
        return combination
