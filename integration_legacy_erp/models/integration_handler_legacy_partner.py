"""Inbound ``partner``: legacy customers and vendors, deduplicated against Odoo's partners."""

from odoo import Command, _, api, models
from odoo.tools import SQL

from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.tools.echo import applied_from

from ..lib import harmonize
from .integration_legacy_match import PossibleDuplicate

ADDRESS_TYPES = ["invoice", "delivery", "other"]


class IntegrationHandlerLegacyPartner(models.AbstractModel):
    """Creates or updates the partner a legacy partner code stands for.

    A code with a cross-reference updates its partner (fields the legacy system owns). A new
    code is looked for among Odoo's companies (partners without a parent), in this order: the
    same VAT number (letters and digits only), the same reference, the same name and country
    (names compared without case, accents or punctuation). Exactly one partner found, with no
    other VAT number: the code is linked to it. Several, or one with another VAT number: a
    possible duplicate waits for a person. None: a new partner with its cross-reference.
    Addresses are contacts of the partner, one per type and name.
    """

    _name = "integration.handler.legacy.partner"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP partners (partner)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        partner_data = self._read(self._payload_json(message))
        values = self._values(partner_data)
        Xref = self.env["integration.xref"]
        code = partner_data["code"]
        partner = Xref._resolve(endpoint, "res.partner", code)
        if not partner:
            decision = self.env["integration.legacy.match"]._decision(endpoint, "partner", code)
            if decision.state == "review":
                raise PossibleDuplicate("partner", code, decision.reasons or _("under review"))
            if decision.state != "new":
                partner = self._dedupe(endpoint, partner_data)
            if partner:
                Xref._link(endpoint, code, partner)
            else:
                partner = Xref._create_linked(endpoint, "res.partner", code, values)
                self._addresses(partner, partner_data["addresses"])
                return partner
        applied_from(partner, endpoint).write(self._owned_values(endpoint, "res.partner", values))
        self._addresses(partner, partner_data["addresses"])
        return partner

    @api.model
    def _read(self, payload):
        reader = PayloadReader(payload)
        partner = {
            "code": reader.text("code"),
            "name": reader.text("name"),
            "vat": reader.text("vat", required=False),
            "country": reader.text("country", required=False),
            "customer": reader.boolean("customer"),
            "vendor": reader.boolean("vendor"),
            "email": reader.text("email", required=False),
            "phone": reader.text("phone", required=False),
            "addresses": [
                {
                    "type": address.enum("type", ADDRESS_TYPES),
                    "name": address.text("name", required=False),
                    "street": address.text("street", required=False),
                    "city": address.text("city", required=False),
                    "zip": address.text("zip", required=False),
                    "country": address.text("country", required=False),
                }
                for address in reader.items("addresses")
            ],
        }
        countries = {partner["country"]} | {a["country"] for a in partner["addresses"]}
        known = set(
            self.env["res.country"].search([("code", "in", list(countries))]).mapped("code")
        )
        for unknown in sorted(countries - known - {None}):
            reader.problem("country", "must be an ISO 3166 two-letter country code", unknown)
        return reader.done(partner)

    @api.model
    def _values(self, partner):
        values = {
            "name": partner["name"],
            "ref": partner["code"],
            "is_company": True,
            "vat": partner["vat"] or False,
            "country_id": self._country(partner["country"]).id,
            "email": partner["email"] or False,
            "phone": partner["phone"] or False,
        }
        if partner["customer"]:
            values["customer_rank"] = 1
        if partner["vendor"]:
            values["supplier_rank"] = 1
        return values

    @api.model
    def _country(self, code):
        Country = self.env["res.country"]
        return Country.search([("code", "=", code)], limit=1) if code else Country

    # ------------------------------------------------------------------ deduplication
    @api.model
    def _dedupe(self, endpoint, partner):
        """The one Odoo partner the legacy ``partner`` is, or none; a possible duplicate
        raises ``PossibleDuplicate``."""
        candidates, reasons = self._candidates(endpoint, partner)
        vat = harmonize.normalize_vat(partner["vat"])
        conflicting = candidates.filtered(
            lambda p: vat and p.vat and harmonize.normalize_vat(p.vat) != vat
        )
        if len(candidates) == 1 and not conflicting:
            return candidates
        if candidates:
            raise PossibleDuplicate("partner", partner["code"], "; ".join(reasons))
        return candidates

    @api.model
    def _candidates(self, endpoint, partner):
        """(partners, reasons) of the first rule that finds any: VAT, reference, name and
        country."""
        Partner = self.env["res.partner"]
        scope = [
            ("parent_id", "=", False),
            ("company_id", "in", (endpoint.company_id.id, False)),
        ]
        vat = harmonize.normalize_vat(partner["vat"])
        if vat:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE vat IS NOT NULL"
                    " AND regexp_replace(upper(vat), '[^0-9A-Z]', '', 'g') = %s",
                    vat,
                )
            )
            found = Partner.browse(row[0] for row in self.env.cr.fetchall()).filtered_domain(scope)
            if found:
                return found, [_("same VAT number %s", partner["vat"])]
        found = Partner.search(scope + [("ref", "=", partner["code"])])
        if found:
            return found, [_("same reference %s", partner["code"])]
        name = harmonize.normalize_name(partner["name"])
        if not name:
            return Partner, []
        same_country = scope + [("country_id", "=", self._country(partner["country"]).id)]
        word = self._search_word(partner["name"], name)
        if word:
            same_country.append(("name", "ilike", word))
        found = Partner.search(same_country).filtered(
            lambda p: harmonize.normalize_name(p.name) == name
        )
        if found:
            return found, [_("same name and country: %s", partner["name"])]
        return Partner, []

    @api.model
    def _search_word(self, original, normalized):
        """The longest word of the normalized name also written so in ``original`` (no
        accent to miss in the database), to narrow the search; None when there is none."""
        words = [word for word in normalized.split() if word in original.lower()]
        return max(words, key=len) if words else None

    @api.model
    def _review_candidates(self, endpoint, payload):
        """(partners, reasons) for the review of a waiting ``payload``."""
        return self._candidates(endpoint, self._read(payload))

    @api.model
    def _addresses(self, partner, addresses):
        """One contact per address type and name, created or updated."""
        for address in addresses:
            values = {
                "type": address["type"],
                "name": address["name"] or False,
                "street": address["street"] or False,
                "city": address["city"] or False,
                "zip": address["zip"] or False,
                "country_id": self._country(address["country"]).id,
            }
            existing = partner.child_ids.filtered(
                lambda c, a=address: c.type == a["type"] and (c.name or None) == a["name"]
            )[:1]
            if existing:
                existing.write(values)
            else:
                partner.write({"child_ids": [Command.create(values)]})
