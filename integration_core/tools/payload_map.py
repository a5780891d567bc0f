"""An inbound flow's payload mapping: what a source sends -> the canonical message it carries.

A REST record (``{"ITEMNO": "A-1", "DESCR": ...}``) or an older Odoo's ``search_read`` row
(``{"default_code": ..., "categ_id": [7, "All / Steel"]}``) becomes the message its handler
documents (``{"code": "A-1", "name": ...}``) through the core's mapping engine
(``lib.mapping``): the flow's ``payload_map`` is a spec as JSON, ``{"lines": [{"source":
"ITEMNO", "target": "code", "transforms": ["strip"]}, ...]}``, targets being the canonical
keys (dotted for nested ones). ``"false_is_null": true`` reads ``false`` as null first, for
older Odoo sources, which send ``false`` for an empty field. The message keeps what the source
sent; the mapping applies when the queue and the handler read it.
"""

import functools
import json

from ..lib import mapping as engine
from ..lib.errors import InvalidMessage, MissingReference
from .mapping_records import json_default
from .mapping_resolvers import OdooResolvers


@functools.lru_cache(maxsize=64)
def parse(text):
    """``(spec, false_is_null)`` of a payload mapping's JSON text; ValueError saying why not."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValueError(f"The payload mapping is not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise ValueError('The payload mapping must be {"lines": [...]}.')
    try:
        spec = engine.MappingSpec.from_dict(data)
    except (TypeError, AttributeError) as error:
        raise ValueError(
            f"The payload mapping has a line the engine cannot read: {error}"
        ) from None
    problems = engine.validate_spec(spec)
    if problems:
        raise ValueError("The payload mapping cannot be used: " + "; ".join(problems))
    return spec, bool(data.get("false_is_null"))


def _false_as_null(value):
    if value is False:
        return None
    if isinstance(value, dict):
        return {key: _false_as_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_false_as_null(item) for item in value]
    return value


def canonical_payload(flow, endpoint, payload):
    """``payload`` through ``flow``'s payload mapping (as JSON values); unchanged without one.

    A reference the mapping cannot resolve yet makes the message wait (``MissingReference``);
    any other issue is an ``InvalidMessage`` listing them all.
    """
    if not flow.payload_map:
        return payload
    try:
        spec, false_is_null = parse(flow.payload_map)
    except ValueError as error:
        raise InvalidMessage([str(error)]) from None
    if false_is_null:
        payload = _false_as_null(payload)
    resolvers = OdooResolvers(flow.env, endpoint, flow)
    result = engine.evaluate(spec, payload, resolvers, engine.INBOUND)
    if not result.ok:
        references = [issue.reference for issue in result.errors if issue.reference]
        if len(references) == len(result.errors):
            raise MissingReference(*references[0])
        raise InvalidMessage([str(issue) for issue in result.errors])
    return json.loads(json.dumps(result.values, default=json_default))
