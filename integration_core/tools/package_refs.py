"""How a configuration package names Odoo records it refers to, without database ids.

- a user by its login: ``{"login": "jdoe"}``;
- an Odoo model by its name (``"product.template"``), a field by model and name
  (``"mrp.production.state"``);
- any other record by the kit's code for its model (``integration.record.lookup``: a work
  center's code, a product's internal reference...): ``{"code": "WC-1"}``; else by its
  xml id: ``{"xmlid": "base.group_user"}``; else by its name: ``{"name": "Main warehouse"}``.

Records are found in the target plant's company (or shared ones), never in another company.
"""

MODEL = "ir.model"
FIELD = "ir.model.fields"


def encode(record):
    """The package's name for ``record`` (one record or empty): a text, a dict or None."""
    if not record:
        return None
    record = record.sudo()
    if record._name == MODEL:
        return record.model
    if record._name == FIELD:
        return f"{record.model}.{record.name}"
    if record._name == "res.users":
        return {"login": record.login}
    code_field = record.env["integration.record.lookup"]._lookup_field(record._name)
    if code_field and record[code_field]:
        return {"code": record[code_field]}
    xmlid = record.get_external_id().get(record.id)
    if xmlid:
        return {"xmlid": xmlid}
    return {"name": record[record._rec_name or "display_name"]}


def decode(env, comodel, ref, company):
    """``(record, problem)``: the record ``ref`` names here (empty when ``ref`` is None), or an
    empty recordset and a sentence saying what was not found."""
    Model = env[comodel].sudo().with_context(active_test=False)
    if ref is None:
        return Model.browse(), None
    if comodel == MODEL:
        found = Model.search([("model", "=", ref)]) if isinstance(ref, str) else Model
        return _one(found, f"model {ref}")
    if comodel == FIELD:
        model, _dot, name = ref.rpartition(".") if isinstance(ref, str) else ("", "", "")
        found = Model.search([("model", "=", model), ("name", "=", name)]) if model else Model
        return _one(found, f"field {ref}")
    if not isinstance(ref, dict) or len(ref) != 1:
        return Model.browse(), f"{ref!r} does not name a record of {comodel}"
    [(kind, value)] = ref.items()
    what = f"{Model._description.lower()} {value}"
    if kind == "xmlid" and isinstance(value, str) and "." in value:
        record = env.ref(value, raise_if_not_found=False)
        found = record.sudo() if record and record._name == comodel else Model.browse()
    elif kind in ("login", "code", "name") and isinstance(value, str):
        field = {
            "login": "login",
            "code": env["integration.record.lookup"]._lookup_field(comodel),
            "name": Model._rec_name,
        }[kind]
        found = Model.search([(field, "=", value)]) if field else Model.browse()
    else:
        return Model.browse(), f"{ref!r} does not name a record of {comodel}"
    if "company_id" in Model._fields and comodel not in ("res.company", "res.users"):
        found = found.filtered(lambda r: not r.company_id or r.company_id == company)
    return _one(found, what)


def _one(found, what):
    if len(found) == 1:
        return found, None
    if not found:
        return found, f"{what} not found here"
    return found.browse(), f"{what}: {len(found)} records match here"
