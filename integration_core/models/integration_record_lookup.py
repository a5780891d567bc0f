"""One way to find the record an external system names by a code, the same for every connector."""

from odoo import api, models
from odoo.tools import escape_psql

from ..lib.errors import AmbiguousCode, MissingReference

# The one documented field an external code is matched against when it has no cross-reference.
LOOKUP_FIELDS = {
    "product.product": "default_code",
    "uom.uom": "name",
    "stock.location": "barcode",
    "stock.lot": "name",
    "stock.warehouse": "code",
    "res.partner": "ref",
    "mrp.workcenter": "code",
    "res.company": "name",
}


class IntegrationRecordLookup(models.AbstractModel):
    """Finds the record behind an external code, and the code of a record.

    The order is always: the endpoint's cross-reference for the code; else the model's lookup
    field (``LOOKUP_FIELDS``: a product's internal reference, a unit's name, a location's
    barcode, a lot's name, a partner's reference, a work center's code, a company's name),
    first matched exactly, then without regard to case. Records of another company than the
    endpoint's are never found. Two records matching the same way raise ``AmbiguousCode``;
    no match gives an empty recordset. A connector adds a model by extending
    ``_lookup_field``.
    """

    _name = "integration.record.lookup"
    _description = "Integration Record Lookup"

    @api.model
    def _lookup_field(self, model):
        """The field of ``model`` an external code is matched against, or None."""
        return LOOKUP_FIELDS.get(model)

    @api.model
    def _find(self, endpoint, model, code, domain=None):
        """The record of ``model`` that ``code`` names at ``endpoint`` (see the class)."""
        Model = self.env[model]
        if not isinstance(code, str) or not code.strip():
            return Model
        code = code.strip()
        record = self.env["integration.xref"]._resolve(endpoint, model, code)
        if record and (not domain or record.filtered_domain(domain)):
            return Model.browse(record.id)
        field = self._lookup_field(model)
        if not field:
            return Model
        scope = list(domain or [])
        if "company_id" in Model._fields and model != "res.company":
            scope.append(("company_id", "in", (endpoint.company_id.id, False)))
        for operator, value in (("=", code), ("=ilike", escape_psql(code))):
            found = Model.search(scope + [(field, operator, value)], limit=2)
            if len(found) > 1:
                raise AmbiguousCode(
                    model, code, Model.search_count(scope + [(field, operator, value)])
                )
            if found:
                return found
        return Model

    @api.model
    def _find_many(self, endpoint, model, codes, domain=None):
        """``{code: record}`` of the ``codes`` found at ``endpoint``, the same way as ``_find``
        (codes not found are left out), in a few queries for all of them: the
        cross-references in one, the exact matches of the lookup field in another, and
        ``_find`` only for the codes still unknown (other case, or truly missing)."""
        Model = self.env[model]
        codes = {code.strip() for code in codes if isinstance(code, str) and code.strip()}
        found = {}
        for code, record in self.env["integration.xref"]._resolve_many(endpoint, model, codes):
            if not domain or record.filtered_domain(domain):
                found[code] = Model.browse(record.id)
        field = self._lookup_field(model)
        rest = codes - set(found)
        if field and rest:
            scope = list(domain or [])
            if "company_id" in Model._fields and model != "res.company":
                scope.append(("company_id", "in", (endpoint.company_id.id, False)))
            matches = {}
            for record in Model.search(scope + [(field, "in", list(rest))]):
                matches.setdefault(record[field], Model)
                matches[record[field]] |= record
            for code, records in matches.items():
                if len(records) > 1:
                    raise AmbiguousCode(model, code, len(records))
                found[code] = records
        for code in codes - set(found):
            record = self._find(endpoint, model, code, domain=domain)
            if record:
                found[code] = record
        # Reading a field of one record reads it for all of them (one query, not one each).
        together = [record.id for record in found.values()]
        return {code: record.with_prefetch(together) for code, record in found.items()}

    @api.model
    def _require(self, endpoint, model, code, domain=None):
        """The record ``code`` names at ``endpoint`` (as ``_find``); an unknown code raises
        ``MissingReference``: the message waits until the record is known."""
        record = self._find(endpoint, model, code, domain=domain)
        if not record:
            raise MissingReference(model, code)
        return record

    @api.model
    def _require_many(self, endpoint, model, codes, domain=None):
        """``{code: record}`` of every code (as ``_find_many``: keys without surrounding
        spaces); the first unknown code (in sorted order) raises ``MissingReference``: the
        message waits until it is known."""
        found = self._find_many(endpoint, model, codes, domain=domain)
        wanted = {code.strip() if isinstance(code, str) else code for code in codes}
        missing = sorted(str(code) for code in wanted - set(found))
        if missing:
            raise MissingReference(model, missing[0])
        return found

    @api.model
    def _code_of(self, endpoint, record):
        """The code ``endpoint`` knows ``record`` by: its cross-reference, else its lookup field."""
        code = self.env["integration.xref"]._code_of(endpoint, record)
        field = self._lookup_field(record._name)
        return code or (record[field] if field else None) or None
