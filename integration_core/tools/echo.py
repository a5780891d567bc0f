"""Echo suppression: a change Odoo applies from an endpoint is not news for that endpoint.

An inbound handler applies its effects on records marked with ``applied_from(records,
endpoint)``; an outbound trigger asks ``is_echo(env, endpoint)`` before queuing a message for
``endpoint`` (``integration.event.source`` does). The mark is the context key
``ECHO_CONTEXT``: the ids of the endpoints whose changes are being applied, so a change from
the MES is still sent to the WMS.
"""

ECHO_CONTEXT = "integration_applied_from"


def applied_from(records, endpoint):
    """``records`` (or an environment's model) whose changes come from ``endpoint``."""
    ids = set(records.env.context.get(ECHO_CONTEXT, ())) | {endpoint.id}
    return records.with_context(**{ECHO_CONTEXT: tuple(sorted(ids))})


def is_echo(env, endpoint):
    """True while ``env`` applies changes that came from ``endpoint``."""
    return bool(endpoint) and endpoint.id in env.context.get(ECHO_CONTEXT, ())
