"""Inbound ``item``: the legacy item master, harmonized with the products Odoo already has."""

from odoo import _, api, models
from odoo.tools import SQL

from odoo.addons.integration_core.lib.errors import MissingReference
from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.tools.echo import applied_from

from ..lib import harmonize
from .integration_legacy_match import PossibleDuplicate

# The SQL twin of ``harmonize.normalize_reference`` (an index on product_product uses it).
NORMALIZED_CODE = (
    r"regexp_replace(regexp_replace(upper(default_code), '[\s\-_./\\]+', '', 'g'),"
    r" '(^|[^0-9])0+([0-9])', '\1\2', 'g')"
)
TRACKING = {"none": "none", "lot": "lot", "serial": "serial"}


class IntegrationHandlerLegacyItem(models.AbstractModel):
    """Creates or updates the product a legacy item code stands for.

    A code with a cross-reference updates its product (only the fields the legacy system
    owns, see ``integration.ownership``). A new code is first compared with Odoo's products:

    - the same barcode (GTIN, unique in Odoo): the item *is* that product, linked at once;
    - the same internal reference once normalized (case, spaces, dashes, leading zeros), or
      a name at least ``harmonize.NAME_THRESHOLD`` alike in the same category: a possible
      duplicate. The message waits and a person decides on the card (link or create new);
    - none of these: a new product with its cross-reference.

    A variant item (``template`` and ``attribute_values``) is the variant of that template,
    made or extended by ``integration.legacy.item.variant``; harmonization is the same, its
    template's own variants aside.

    Units are Odoo unit names (or their cross-references); an unknown purchase unit with a
    conversion factor is created in the stock unit's category. Categories are created by path.
    """

    _name = "integration.handler.legacy.item"
    _inherit = [
        "integration.handler",
        "integration.legacy.handler",
        "integration.legacy.item.variant",
    ]
    _description = "Legacy ERP item master (item)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        item = self._read(self._payload_json(message))
        values = self._values(endpoint, item)
        Xref = self.env["integration.xref"]
        product = Xref._resolve(endpoint, "product.product", item["code"])
        # What updates a product the code stands for: a variant's name is not its template's.
        updates = self._owned(
            endpoint, self._variant_values(item, values) if item["template"] else values
        )
        if product:
            applied_from(product, endpoint).write(updates)
            return product
        decision = self.env["integration.legacy.match"]._decision(endpoint, "item", item["code"])
        if decision.state == "review":
            raise PossibleDuplicate("item", item["code"], decision.reasons or _("under review"))
        if decision.state != "new":
            same_barcode = self._same_barcode(endpoint, item["barcode"])
            if same_barcode:
                applied_from(same_barcode, endpoint).write(updates)
                Xref._link(endpoint, item["code"], same_barcode)
                return same_barcode
            candidates, reasons = self._candidates(endpoint, item, values.get("categ_id"))
            if candidates:
                raise PossibleDuplicate("item", item["code"], "; ".join(reasons))
        if item["template"]:
            return self._create_variant(endpoint, item, values)
        return Xref._create_linked(endpoint, "product.product", item["code"], values)

    @api.model
    def _owned(self, endpoint, values):
        """What an update may change: the fields the legacy ERP owns (ownership rules are
        on ``product.template``, where Odoo's own changes are sent out from)."""
        return self._owned_values(endpoint, "product.template", values)

    # ------------------------------------------------------------------ reading
    @api.model
    def _read(self, payload):
        reader = PayloadReader(payload)
        item = {
            "code": reader.text("code"),
            "name": reader.text("name"),
            "category": reader.text("category", required=False),
            "uom": reader.text("uom"),
            "purchase_uom": reader.text("purchase_uom", required=False),
            "purchase_uom_factor": reader.decimal(
                "purchase_uom_factor", required=False, positive=True
            ),
            "barcode": reader.text("barcode", required=False),
            "weight": reader.decimal("weight", required=False, minimum=0),
            "tracking": reader.enum("tracking", TRACKING, required=False, default="none"),
            "type": reader.enum("type", ["goods", "service"], required=False, default="goods"),
            "template": reader.text("template", required=False),
            "template_name": reader.text("template_name", required=False),
            "attribute_values": self._read_attribute_values(reader),
        }
        if item["template"] and not item["attribute_values"]:
            reader.problem("attribute_values", "must name the variant's values with template")
        if item["attribute_values"] and not item["template"]:
            reader.problem("template", "must name the template of a variant's attribute_values")
        return reader.done(item)

    @api.model
    def _read_attribute_values(self, reader):
        """``{attribute: value}`` of a variant, each a non-empty text ({} when absent)."""
        values = reader.raw("attribute_values") or {}
        if not isinstance(values, dict):
            reader.problem("attribute_values", "must be an object of attribute: value", values)
            return {}
        result = {}
        for name, value in values.items():
            if not name.strip() or not isinstance(value, str) or not value.strip():
                reader.problem(f"attribute_values.{name}", "must be a non-empty text", value)
                continue
            result[name.strip()] = value.strip()
        return result

    @api.model
    def _values(self, endpoint, item):
        """The product's values of ``item`` (units and category found or made)."""
        uom = self._require(endpoint, "uom.uom", item["uom"])
        goods = item["type"] == "goods"
        values = {
            "name": item["name"],
            "default_code": item["code"],
            "type": "consu" if goods else "service",
            "is_storable": goods,
            "tracking": item["tracking"] if goods else "none",
            "uom_id": uom.id,
            "uom_po_id": self._purchase_uom(endpoint, item, uom).id,
        }
        if item["barcode"]:
            values["barcode"] = item["barcode"]
        if item["weight"] is not None:
            values["weight"] = item["weight"]
        if item["category"]:
            values["categ_id"] = self._category(item["category"]).id
        return values

    @api.model
    def _purchase_uom(self, endpoint, item, uom):
        """The purchase unit: found, else made from its factor, else the message waits."""
        name = item["purchase_uom"]
        if not name:
            return uom
        found = self.env["integration.record.lookup"]._find(endpoint, "uom.uom", name)
        if found:
            return found
        if not item["purchase_uom_factor"]:
            raise MissingReference("uom.uom", name)
        return self.env["uom.uom"].create(
            {
                "name": name,
                "category_id": uom.category_id.id,
                "uom_type": "bigger" if item["purchase_uom_factor"] >= 1 else "smaller",
                "factor_inv": item["purchase_uom_factor"] * uom.factor_inv,
            }
        )

    @api.model
    def _category(self, path):
        """The product category of ``path`` (``A / B``), made level by level when missing."""
        Category = self.env["product.category"]
        parent = Category
        for name in (part.strip() for part in path.split("/")):
            if not name:
                continue
            found = Category.search([("name", "=", name), ("parent_id", "=", parent.id)], limit=1)
            parent = found or Category.create({"name": name, "parent_id": parent.id})
        return parent

    # ------------------------------------------------------------------ harmonization
    @api.model
    def _same_barcode(self, endpoint, barcode):
        if not barcode:
            return self.env["product.product"]
        return self.env["product.product"].search(
            [("barcode", "=", barcode), ("company_id", "in", (endpoint.company_id.id, False))],
            limit=1,
        )

    @api.model
    def _candidates(self, endpoint, item, category_id):
        """(products, reasons): Odoo's products that may be the legacy ``item``."""
        Product = self.env["product.product"].with_context(active_test=False)
        company = [("company_id", "in", (endpoint.company_id.id, False))]
        reasons = []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM product_product WHERE default_code IS NOT NULL AND %s = %s",
                SQL(NORMALIZED_CODE),
                harmonize.normalize_reference(item["code"]),
            )
        )
        siblings = self._template_variants(endpoint, item)
        found = Product.browse([row[0] for row in self.env.cr.fetchall()]).filtered_domain(company)
        found -= siblings
        if found:
            reasons.append(
                _("same internal reference: %s", ", ".join(found.mapped("default_code")))
            )
        similar = self._similar_names(item["name"], category_id, company) - found - siblings
        if similar:
            reasons.append(_("similar name: %s", ", ".join(similar.mapped("name"))))
        return found | similar, reasons

    @api.model
    def _template_variants(self, endpoint, item):
        """The variants of a variant item's template (not duplicates of it), or none."""
        if not item["template"]:
            return self.env["product.product"]
        template = self.env["integration.xref"]._resolve(
            endpoint, "product.template", item["template"]
        )
        if not template:
            return self.env["product.product"]
        return template.with_context(active_test=False).product_variant_ids

    @api.model
    def _similar_names(self, name, category_id, company):
        """Products of the category whose names are alike (the first word narrows the search)."""
        words = harmonize.normalize_name(name).split()
        if not words:
            return self.env["product.product"]
        domain = company + [("name", "=ilike", f"{words[0][:4]}%")]
        if category_id:
            domain.append(("categ_id", "=", category_id))
        products = self.env["product.product"].search_fetch(domain, ["name"], limit=500)
        return products.filtered(lambda product: harmonize.similar(product.name, name))

    @api.model
    def _review_candidates(self, endpoint, payload):
        """(products, reasons) for the review of a waiting ``payload``."""
        item = self._read(payload)
        category = self._category(item["category"]).id if item["category"] else None
        return self._candidates(endpoint, item, category)
