"""REST pull: a flow's list of records pulled page by page, changes since the watermark.

``GET <endpoint URL><pull_path>?<since param>=<watermark - overlap>&page=<n>&page_size=<size>``
answering a JSON object whose ``<pull_items_key>`` (``items``) lists the records, in ascending
change time. The next page is the body's ``next`` link, else the ``Link: <...>; rel="next"``
header, else page ``n + 1`` while a page is full. Links must stay on the endpoint's URL.
See ``pull_source`` for the watermark, the overlap and rate limits.
"""

from urllib.parse import urlencode, urljoin

from odoo import _

from ..lib.errors import PermanentError
from . import pull_source, transports


def poll(endpoint):
    """Pull every pulling flow of ``endpoint``; how many messages were created."""
    return sum(
        pull_source.pull_flow(flow, lambda since, flow=flow: pages(endpoint, flow, since))
        for flow in pull_source.pull_flows(endpoint)
    )


def pages(endpoint, flow, since):
    """Record lists of ``flow``'s pages changed since ``since`` (None: everything)."""
    size = max(flow.pull_page_size or 100, 1)
    params = {"page": 1, "page_size": size}
    if since:
        params[flow.pull_since_param or "updated_since"] = since
    path = f"{flow.pull_path}?{urlencode(params)}"
    with transports._http(endpoint) as transport:
        while path:
            result = transport.send("GET", path)
            body = result.json()
            records = _records(body, flow.pull_items_key or "items")
            yield records
            path = _next_path(endpoint, result, body)
            if path is None and len(records) >= size and not _has_links(result, body):
                params["page"] += 1
                path = f"{flow.pull_path}?{urlencode(params)}"


def _records(body, key):
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return body[key]
    raise PermanentError(_("The page has no list of records under %r.", key))


def _has_links(result, body):
    return (isinstance(body, dict) and "next" in body) or "next" in _link_header(result)


def _link_header(result):
    links = {}
    for part in (result.headers.get("Link") or "").split(","):
        if ";" in part:
            url, _sep, rel = part.partition(";")
            if 'rel="next"' in rel.replace(" ", "") or "rel=next" in rel.replace(" ", ""):
                links["next"] = url.strip().strip("<>")
    return links


def _next_path(endpoint, result, body):
    """The path of the next page relative to the endpoint URL, or None for the last page."""
    link = (body.get("next") if isinstance(body, dict) else None) or _link_header(result).get(
        "next"
    )
    if not link:
        return None
    base = endpoint.url.rstrip("/") + "/"
    absolute = urljoin(base, link)
    if not absolute.startswith(base):
        raise PermanentError(
            _("The next page link leaves the endpoint URL %(url)s: not followed.", url=base)
        )
    return absolute[len(base) :]
