"""What the mapping engine asks Odoo: value maps, cross-references and units of one endpoint."""

from ..lib.errors import AmbiguousCode
from ..lib.mapping_transforms import MappingValueError


class OdooResolvers:
    """Resolvers of ``lib.mapping`` for ``endpoint`` (and its ``flow``'s own value maps).

    Tables and units are read once per instance: make one per evaluation (or per batch).
    """

    def __init__(self, env, endpoint, flow=None):
        self.env = env
        self.endpoint = endpoint
        self.flow = flow
        self._tables = {}
        self._units = {}

    # ------------------------------------------------------------------ value maps
    def map_value(self, table, code):
        return self._table(table)[0].get(code)

    def reverse_value_map(self, table, value):
        return self._table(table)[1].get(value)

    def _table(self, name):
        if name not in self._tables:
            table = (
                self.env["integration.value.map"].sudo()._find_table(self.endpoint, name, self.flow)
            )
            if not table:
                message = f"no value map {name!r} is defined for endpoint {self.endpoint.code}"
                raise MappingValueError(message, "invalid_spec")
            forward, reverse = {}, {}
            for line in table.line_ids:  # ordered by sequence: the first line wins on the way out
                forward[line.external_value] = line.internal_value
                reverse.setdefault(line.internal_value, line.external_value)
            self._tables[name] = (forward, reverse)
        return self._tables[name]

    # ------------------------------------------------------------------ cross-references
    def lookup_xref(self, model, code):
        self._check_model(model)
        record = self.env["integration.xref"]._resolve(self.endpoint, model, code)
        return record.id if record else None

    def reverse_xref(self, model, record_id):
        self._check_model(model)
        record = self.env[model].browse(record_id)
        return self.env["integration.xref"]._code_of(self.endpoint, record)

    def _check_model(self, model):
        if model not in self.env:
            raise MappingValueError(f"no Odoo model {model!r} is installed", "invalid_spec")

    # ------------------------------------------------------------------ units of measure
    def convert_uom(self, value, from_code, to_code):
        source, target = self._unit(from_code), self._unit(to_code)
        if source.category_id != target.category_id:
            message = (
                f"cannot convert {source.name} to {target.name}: "
                f"{source.category_id.name} is not {target.category_id.name}"
            )
            raise MappingValueError(message, "incompatible_units")
        return source._compute_quantity(value, target, round=False)

    def _unit(self, code):
        """The unit an external code stands for, found as every connector finds records
        (``integration.record.lookup``: cross-reference, then name exactly, then any case)."""
        if code not in self._units:
            Lookup = self.env["integration.record.lookup"].sudo()
            try:
                unit = Lookup._find(self.endpoint, "uom.uom", code)
            except AmbiguousCode as error:
                raise MappingValueError(str(error), "ambiguous_unit") from None
            if not unit:
                raise MappingValueError(f"unknown unit of measure {code!r}", "unknown_unit")
            self._units[code] = unit
        return self._units[code]
