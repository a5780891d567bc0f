"""Older Odoo (12 to 17) over XML-RPC: ``search_read`` of a model changed since the watermark.

The endpoint gives the URL, the database (``odoo_database``), the login (``username``) and the
password or API key (its encrypted credential); the flow gives the model (``pull_path``), a
domain, the fields and a page size. Records are read in ``write_date, id`` order with an offset,
page by page; see ``pull_source`` for the watermark and the overlap. A flow naming a lines field
(a one2many such as ``bom_line_ids``) gets each record's lines nested into it as a list of
rows, read with one ``read`` per page for all the page's lines; many2one values stay as the
older Odoo returns them (``[id, name]``).
"""

import ast
import xmlrpc.client

from ..lib.errors import PermanentError, TransientError
from . import pull_source


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class _SafeTimeoutTransport(xmlrpc.client.SafeTransport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _proxy(endpoint, service):
    if not endpoint.url or not endpoint.odoo_database or not endpoint.username:
        raise PermanentError(
            endpoint.env._(
                "Endpoint %s needs a URL, a database and a login to read an Odoo.", endpoint.code
            )
        )
    url = f"{endpoint.url.rstrip('/')}/xmlrpc/2/{service}"
    timeout = (endpoint.connect_timeout or 5.0) + (endpoint.read_timeout or 30.0)
    kind = _SafeTimeoutTransport if url.startswith("https") else _TimeoutTransport
    return xmlrpc.client.ServerProxy(url, transport=kind(timeout), allow_none=True)


def _call(endpoint, function, *args):
    """Call an XML-RPC function; faults and network errors as the queue's two kinds."""
    try:
        return function(*args)
    except xmlrpc.client.Fault as fault:
        first = (fault.faultString or "").strip().splitlines()
        raise PermanentError(
            endpoint.env._(
                "%(code)s answered: %(fault)s",
                code=endpoint.code,
                fault=first[-1] if first else "",
            )
        ) from None
    except xmlrpc.client.ProtocolError as error:
        raise TransientError(
            endpoint.env._("%(code)s: HTTP %(status)s", code=endpoint.code, status=error.errcode),
            status_code=error.errcode,
        ) from None
    except OSError as error:
        raise TransientError(
            endpoint.env._("%(code)s unreachable: %(error)s", code=endpoint.code, error=error)
        ) from None


def login(endpoint):
    """(uid, password) of the endpoint's login on the older Odoo; PermanentError if refused."""
    password = endpoint._get_secret() or ""
    common = _proxy(endpoint, "common")
    uid = _call(
        endpoint, common.authenticate, endpoint.odoo_database, endpoint.username, password, {}
    )
    if not uid:
        raise PermanentError(endpoint.env._("%s refused the login and password.", endpoint.code))
    return uid, password


def test_connection(endpoint):
    try:
        login(endpoint)
    except (PermanentError, TransientError) as error:
        return False, str(error)
    return True, endpoint.env._("Logged in to database %s.", endpoint.odoo_database)


def poll(endpoint):
    """Pull every pulling flow of ``endpoint``; how many messages were created."""
    return sum(
        pull_source.pull_flow(
            flow,
            lambda since, flow=flow: pages(endpoint, flow, since),
            key_prefix=f"{flow.pull_path}:",
            updated_key="write_date",
        )
        for flow in pull_source.pull_flows(endpoint)
    )


def flow_domain(flow):
    """The flow's domain as a list; PermanentError when it is not a literal list."""
    try:
        domain = ast.literal_eval(flow.pull_domain or "[]")
    except (ValueError, SyntaxError):
        domain = None
    if not isinstance(domain, list):
        raise PermanentError(flow.env._("Flow %s: the Odoo domain is not a list.", flow.code))
    return domain


def pages(endpoint, flow, since):
    """Record lists of the flow's model changed since ``since`` (None: everything)."""
    uid, password = login(endpoint)
    objects = _proxy(endpoint, "object")
    domain = flow_domain(flow) + ([("write_date", ">=", since)] if since else [])
    names = _names(flow.pull_fields)
    lines_field = (flow.pull_lines_field or "").strip()
    options = {"order": "write_date asc, id asc", "limit": max(flow.pull_page_size or 100, 1)}
    if names:
        options["fields"] = sorted(set(names) | {"write_date"} | ({lines_field} - {""}))

    def execute(model, method, *args, **kwargs):
        return _call(
            endpoint,
            objects.execute_kw,
            endpoint.odoo_database,
            uid,
            password,
            model,
            method,
            list(args),
            kwargs,
        )

    line_model = _line_model(endpoint, flow, execute) if lines_field else None
    offset = 0
    while True:
        records = execute(flow.pull_path, "search_read", domain, **dict(options, offset=offset))
        if records and line_model:
            _nest_lines(records, lines_field, line_model, _names(flow.pull_line_fields), execute)
        if records:
            yield records
        if len(records) < options["limit"]:
            return
        offset += len(records)


def _names(text):
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _line_model(endpoint, flow, execute):
    """The model of the flow's lines field; PermanentError when it is not a one2many."""
    field = flow.pull_lines_field.strip()
    described = execute(flow.pull_path, "fields_get", [field], attributes=["type", "relation"])
    if described.get(field, {}).get("type") not in ("one2many", "many2many"):
        raise PermanentError(
            flow.env._(
                "Flow %(flow)s: %(field)s is not a one2many field of %(model)s on %(code)s.",
                flow=flow.code,
                field=field,
                model=flow.pull_path,
                code=endpoint.code,
            )
        )
    return described[field]["relation"]


def _nest_lines(records, lines_field, line_model, line_fields, execute):
    """Replace each record's line ids by its line rows: one ``read`` for the whole page."""
    ids = [line_id for record in records for line_id in record.get(lines_field) or []]
    rows = execute(line_model, "read", ids, fields=line_fields) if ids else []
    by_id = {row["id"]: row for row in rows}
    for record in records:
        record[lines_field] = [
            by_id[line_id] for line_id in record.get(lines_field) or [] if line_id in by_id
        ]
