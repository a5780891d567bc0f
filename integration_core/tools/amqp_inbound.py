"""AMQP inbound: broker messages into the inbox, committed before their ack.

A broker message belongs to the flow named by its ``type`` property, else its header ``x-flow``,
else its routing key. Its ``message_id`` is the idempotency key (publishers must set it: without
it a redelivery cannot be told from a new message). A body whose ``content_encoding`` is gzip or
deflate is inflated, within the body limit; a character set there (``utf-8``, as some clients
put) means a plain body, and any other coding is refused. The consumer command
``integration-amqp-consumer`` (``cli/amqp_consumer.py``) takes messages continuously; the
scheduled action "Integration: pull AMQP queues" is the fallback. Both commit a batch of messages
in one transaction, then ack it. A message for no active inbound flow is dead-lettered alone to
``<queue>.dead``: declare the queue with its dead-letter layout
(``lib.amqp_transport.declare_queue``), or the broker drops what it is told to dead-letter.
"""

import collections
import json
import logging

import psycopg2

from odoo import api

from ..lib import amqp_transport
from ..lib.errors import PermanentError, TransientError
from .transports import amqp_url

_logger = logging.getLogger(__name__)

# PostgreSQL down, a lock conflict or a concurrent transaction enqueueing the same key.
DATABASE_BUSY = (psycopg2.OperationalError, psycopg2.InterfaceError)
# content_encoding values that name a character set, not a compression (kombu sets "utf-8").
CHARSETS = frozenset({"utf-8", "utf8"})


def commit_deliveries(registry, endpoint_id, deliveries, uid, context=None):
    """Enqueue broker messages in one transaction and commit it.

    Returns, per delivery, True (new), False (duplicate) or the PermanentError for which it
    cannot be queued (the caller dead-letters it; the others are committed all the same). The
    caller acks only after this returned, i.e. after the commit. A database error becomes a
    TransientError so the broker keeps the messages and delivers them again.
    """
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context or {})
            endpoint = env["integration.endpoint"].browse(endpoint_id)
            return receive_deliveries(env["integration.inbound.poller"], endpoint, deliveries)
    except DATABASE_BUSY as error:
        raise TransientError(f"Database unavailable, left in the broker: {error}") from None


def receive_deliveries(poller, endpoint, deliveries):
    """Enqueue ``amqp_transport.Delivery`` objects with one INSERT per flow.

    Each delivery is checked first (active inbound flow, body), so one that cannot be
    queued does not stop the others. Returns, per delivery, True (new), False (duplicate,
    also for a repeated message_id within ``deliveries``) or the PermanentError refusing it.
    """
    received = [_delivery_fields(delivery) for delivery in deliveries]
    flows = poller._inbound_flows(endpoint, {values["flow_code"] for values in received})
    outcomes = [None] * len(deliveries)
    queued = collections.defaultdict(list)  # flow: [(position, item)]
    for position, values in enumerate(received):
        try:
            flow = poller._inbound_flow(endpoint, flows, values.pop("flow_code"))
            queued[flow].append((position, poller._checked_item(flow, poller._item(**values))))
        except PermanentError as error:
            outcomes[position] = error
    Message = poller.env["integration.message"]
    for flow, entries in queued.items():
        results = Message.enqueue_batch(flow, [item for _position, item in entries])
        for (position, _item), (_message, created) in zip(entries, results, strict=True):
            outcomes[position] = created
    return outcomes


def poll(endpoint, max_messages=500):
    """Pull what the consumer command did not take off ``endpoint``'s queue; how many."""
    env = endpoint.env
    taken = amqp_transport.pull(
        amqp_url(endpoint),
        endpoint.amqp_queue,
        lambda deliveries: commit_deliveries(
            env.registry, endpoint.id, deliveries, env.uid, env.context
        ),
        max_messages=max_messages,
    )
    if taken:
        _logger.info("Took %d messages off the queue of %s", taken, endpoint.code)
    return taken


def _delivery_fields(delivery):
    """Flow code and ``_item`` arguments of an ``amqp_transport.Delivery``."""
    properties = delivery.properties
    headers = _json_safe(properties.headers or {})
    return {
        "flow_code": properties.type or headers.get("x-flow") or delivery.routing_key,
        "body": delivery.body,
        "message_id": properties.message_id,
        "headers": headers or None,
        "correlation_id": properties.correlation_id,
        "content_encoding": _compression(properties.content_encoding),
    }


def _compression(content_encoding):
    """The compression a ``content_encoding`` property names (None for a character set)."""
    return None if (content_encoding or "").strip().lower() in CHARSETS else content_encoding


def _json_safe(headers):
    """AMQP headers as JSON values (the broker's x-death header holds dates, for example)."""

    def plain(value):
        return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

    return json.loads(json.dumps(headers, default=plain))
