"""AMQP transport: RabbitMQ through pika's BlockingConnection.

Layout of a queue ``q`` bound to the exchange ``x``: the durable exchange ``x``; the durable queue
``q`` whose rejected messages go through the durable direct exchange ``x.dlx`` (routing key ``q``,
so queues sharing an exchange keep their own dead letters) to the durable queue ``q.dead``.

Publishing is persistent, mandatory and confirmed: ``publish`` returns once the broker has taken
responsibility for the message. Consuming hands messages to the callback in batches and acks them
only after the callback returned, that is after the caller committed them to the database, so a
crash at any point leaves them in the broker (the caller's idempotency key absorbs the
redelivery). Connections are not thread-safe: use one
publisher or consumer per thread.
"""

import functools
import logging
import math
import time
from dataclasses import dataclass

import pika
from pika import exceptions as amqp_errors

from . import compression
from .errors import IntegrationError, PermanentError, TransientError

_logger = logging.getLogger(__name__)

PERSISTENT = pika.DeliveryMode.Persistent.value
# Broker answers that mean a configuration problem: access refused, not found, different
# arguments for an existing queue or exchange. Other closes (broker restart...) pass.
_PERMANENT_REPLY_CODES = frozenset({403, 404, 406, 530})
_LOGIN_ERRORS = (
    amqp_errors.AuthenticationError,
    amqp_errors.ProbableAuthenticationError,
    amqp_errors.ProbableAccessDeniedError,
)
_BROKER_ERRORS = (amqp_errors.AMQPError, OSError)


def connection_parameters(url, *, connection_attempts=2, socket_timeout=5.0):
    """pika parameters for ``url`` (``amqp://user:password@host:port/vhost``), bounded in time."""
    params = pika.URLParameters(url)
    params.connection_attempts = connection_attempts
    params.retry_delay = 1.0
    params.socket_timeout = socket_timeout
    params.stack_timeout = socket_timeout * 3
    # A broker short of memory or disk blocks publishers; fail (and retry later) instead of hanging.
    params.blocked_connection_timeout = 30.0
    return params


def declare_queue(
    url,
    exchange,
    queue,
    routing_key,
    *,
    exchange_type="topic",
    dead_letter_exchange=None,
    **options,
):
    """Declare the exchange, the queue bound to it, its dead-letter exchange and dead queue.

    ``options`` are ``connection_parameters`` keywords.
    """
    params = connection_parameters(url, **options)
    action = f"declare queue {queue!r} on exchange {exchange!r}"
    connection = _connect(params, action)
    try:
        _declare_layout(
            connection.channel(), exchange, exchange_type, queue, routing_key, dead_letter_exchange
        )
    except _BROKER_ERRORS as exc:
        raise _error(exc, action, params) from None
    finally:
        _close(connection)


@dataclass(frozen=True)
class Delivery:
    """A message handed to a consumer callback; ``properties`` holds message_id and headers."""

    body: bytes
    properties: pika.BasicProperties
    routing_key: str
    exchange: str
    redelivered: bool  # True when the broker delivered it before (maybe already committed)


class AmqpPublisher:
    """Publishes persistent, confirmed messages to one exchange over one kept-open connection."""

    def __init__(
        self,
        url,
        exchange,
        *,
        routing_key=None,
        exchange_type="topic",
        declare=True,
        dead_letter_exchange=None,
        queue=None,
        **options,
    ):
        """``queue``: also declare that queue and its dead-letter layout (see ``declare_queue``);
        ``routing_key`` defaults to the queue name. ``options``: ``connection_parameters``."""
        self.exchange = exchange
        self.exchange_type = exchange_type
        self.queue = queue
        self.routing_key = routing_key if routing_key is not None else (queue or "")
        self.dead_letter_exchange = dead_letter_exchange
        self.declare = declare
        self._params = connection_parameters(url, **options)
        self._connection = None
        self._channel = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def publish(
        self,
        body,
        *,
        routing_key=None,
        message_id=None,
        headers=None,
        content_type="application/json",
        content_encoding=None,
    ):
        """Publish ``body`` (bytes); return once the broker confirmed it.

        ``content_encoding`` (``gzip``): the body is published compressed so, with that
        property.

        Raises PermanentError when no queue is bound for the routing key (the broker returned
        the message) and TransientError when the broker is unreachable or refused to store it.
        """
        key = self.routing_key if routing_key is None else routing_key
        action = f"publish to exchange {self.exchange!r} with routing key {key!r}"
        if content_encoding:
            body = compression.compress(body, content_encoding)
        channel = self._ready_channel(action)
        properties = pika.BasicProperties(
            delivery_mode=PERSISTENT,
            content_type=content_type,
            content_encoding=content_encoding,
            message_id=message_id,
            headers=headers,
            timestamp=int(time.time()),
        )
        try:
            channel.basic_publish(self.exchange, key, body, properties=properties, mandatory=True)
        except _BROKER_ERRORS as exc:
            if not isinstance(exc, amqp_errors.UnroutableError):  # the channel stays usable
                self.close()
            raise _error(exc, action, self._params) from None

    def test_connection(self):
        """Connect and check the exchange exists (or declare it); return (ok, message)."""
        action = f"check exchange {self.exchange!r}"
        try:
            channel = self._ready_channel(action)
            if not self.declare:
                channel.exchange_declare(self.exchange, passive=True)
        except IntegrationError as exc:
            return False, str(exc)
        except _BROKER_ERRORS as exc:
            self.close()
            return False, str(_error(exc, action, self._params))
        host = f"{self._params.host}:{self._params.port}"
        return True, f"Connected to the broker {host}; exchange {self.exchange!r} is ready."

    def close(self):
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            _close(connection)

    def _ready_channel(self, action):
        if self._channel is not None and self._channel.is_open:
            try:
                # An idle BlockingConnection answers no heartbeats, so the broker may have dropped
                # it: find out now, while reconnecting is still free of any doubt.
                self._connection.process_data_events(time_limit=0)
                return self._channel
            except _BROKER_ERRORS:
                self.close()
        self._connection = _connect(self._params, action)
        try:
            channel = self._connection.channel()
            channel.confirm_delivery()
            if self.declare:
                _declare_layout(
                    channel,
                    self.exchange,
                    self.exchange_type,
                    self.queue,
                    self.routing_key,
                    self.dead_letter_exchange,
                )
        except _BROKER_ERRORS as exc:
            self.close()
            raise _error(exc, action, self._params) from None
        self._channel = channel
        return channel


class AmqpConsumer:
    """Consumes one queue in batches, acking them only after the callback returned."""

    POLL_INTERVAL = 0.5  # seconds between two looks at stop_event and idle_timeout

    def __init__(self, url, queue, *, prefetch=50, batch_wait=0.05, requeue_delay=1.0, **options):
        """``batch_wait``: seconds to wait, after the first message of a batch, for more (up to
        ``prefetch``) before handing them over. ``requeue_delay``: pause before a batch whose
        callback raised TransientError goes back to the queue, so a failing batch does not spin.
        ``options``: ``connection_parameters``."""
        self.queue = queue
        self.prefetch = prefetch
        self.batch_wait = batch_wait
        self.requeue_delay = requeue_delay
        self._params = connection_parameters(url, **options)

    def run(self, handle, *, stop_event=None, max_messages=None, idle_timeout=None):
        """Call ``handle(deliveries)`` for each batch until ``stop_event`` is set,
        ``max_messages`` were taken off the queue, or none came for ``idle_timeout`` seconds.

        ``handle`` commits the batch and returns one outcome per delivery: an exception
        dead-letters that delivery, anything else acks it. If ``handle`` raises TransientError
        the whole batch is requeued; any other exception has ``handle`` called again with each
        delivery alone, and a lone delivery that fails so is dead-lettered. Returns the number
        of messages taken off the queue (acked or dead-lettered); prefetched messages not
        handed over go back to the queue. Raises TransientError when the connection is lost,
        PermanentError when the queue is missing or the login refused.
        """
        action = f"consume from queue {self.queue!r}"
        connection = _connect(self._params, action)
        try:
            channel = connection.channel()
            channel.basic_qos(prefetch_count=self.prefetch)
            inbox = []  # (method, properties, body) received and not yet handed over
            consumer_tag = channel.basic_consume(
                self.queue, lambda _channel, *message: inbox.append(message)
            )
            taken = self._consume(
                connection, channel, inbox, handle, stop_event, max_messages, idle_timeout
            )
            channel.basic_cancel(consumer_tag)
            if inbox:
                channel.basic_nack(inbox[-1][0].delivery_tag, multiple=True, requeue=True)
        except _BROKER_ERRORS as exc:
            raise _error(exc, action, self._params) from None
        finally:
            _close(connection)
        return taken

    def _consume(self, connection, channel, inbox, handle, stop_event, max_messages, idle_timeout):
        taken = 0
        pause = functools.partial(connection.sleep, self.requeue_delay)
        idle_since = time.monotonic()
        limit = math.inf if max_messages is None else max_messages
        while taken < limit:
            if not inbox:
                connection.process_data_events(time_limit=self.POLL_INTERVAL)
            if _is_set(stop_event):
                break
            if not inbox:
                if idle_timeout is not None and time.monotonic() - idle_since >= idle_timeout:
                    break
                continue
            size = min(self.prefetch, limit - taken)
            self._gather(connection, inbox, size, stop_event)
            if _is_set(stop_event):
                break
            batch = inbox[:size]
            del inbox[:size]
            taken += _settle(channel, batch, handle, pause)
            idle_since = time.monotonic()
        return taken

    def _gather(self, connection, inbox, size, stop_event):
        """Receive until ``inbox`` holds ``size`` messages or ``batch_wait`` seconds passed."""
        deadline = time.monotonic() + self.batch_wait
        while len(inbox) < size and not _is_set(stop_event):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            connection.process_data_events(time_limit=min(remaining, self.POLL_INTERVAL))


def pull(url, queue, handle, *, max_messages=100, batch_size=50, **options):
    """Take up to ``max_messages`` from ``queue`` with basic_get (a scheduled fallback), handing
    them to ``handle(deliveries)`` in batches of up to ``batch_size``.

    Same rule as ``AmqpConsumer.run``, except that a TransientError stops the pull (the batch is
    requeued; the next run retries). Returns the number of messages taken off the queue.
    """
    params = connection_parameters(url, **options)
    action = f"pull from queue {queue!r}"
    connection = _connect(params, action)
    taken = 0
    try:
        channel = connection.channel()
        while taken < max_messages:
            batch = _get_batch(channel, queue, min(batch_size, max_messages - taken))
            if not batch:
                break
            settled = _settle(channel, batch, handle, lambda: None)
            taken += settled
            if settled < len(batch):  # some were requeued
                break
    except _BROKER_ERRORS as exc:
        raise _error(exc, action, params) from None
    finally:
        _close(connection)
    return taken


def _get_batch(channel, queue, size):
    batch = []
    while len(batch) < size:
        method, properties, body = channel.basic_get(queue)
        if method is None:
            break
        batch.append((method, properties, body))
    return batch


def _settle(channel, messages, handle, pause):
    """Hand ``messages`` (method, properties, body) to ``handle`` at once, then ack, requeue
    (after ``pause()``) or dead-letter them by the rule of ``AmqpConsumer.run``; return how many
    left the queue."""
    deliveries = [
        Delivery(body, properties, method.routing_key, method.exchange, method.redelivered)
        for method, properties, body in messages
    ]
    try:
        outcomes = handle(deliveries)
    except TransientError as exc:
        _logger.warning("%s requeued: %s", _describe(messages), exc)
        pause()
        channel.basic_nack(messages[-1][0].delivery_tag, multiple=True, requeue=True)
        return 0
    except Exception as exc:
        if len(messages) > 1:
            _logger.warning("%s failed together (%s); one by one now", _describe(messages), exc)
            return sum(_settle(channel, [message], handle, pause) for message in messages)
        if isinstance(exc, PermanentError):
            _logger.warning("%s dead-lettered: %s", _describe(messages), exc)
        else:
            _logger.exception("%s dead-lettered", _describe(messages))
        channel.basic_nack(messages[0][0].delivery_tag, requeue=False)
        return 1
    acked = None
    for (method, properties, _body), outcome in zip(messages, outcomes, strict=True):
        if isinstance(outcome, Exception):
            _logger.warning("AMQP message %s dead-lettered: %s", properties.message_id, outcome)
            channel.basic_nack(method.delivery_tag, requeue=False)
        else:
            acked = method.delivery_tag
    if acked is not None:
        # Every earlier message of the batch is acked or dead-lettered by now.
        channel.basic_ack(acked, multiple=True)
    return len(messages)


def _describe(messages):
    if len(messages) == 1:
        return f"AMQP message {messages[0][1].message_id}"
    return f"Batch of {len(messages)} AMQP messages"


def _is_set(event):
    return event is not None and event.is_set()


def _declare_layout(
    channel, exchange, exchange_type, queue=None, routing_key=None, dead_letter_exchange=None
):
    channel.exchange_declare(exchange, exchange_type, durable=True)
    if queue is None:
        return
    dlx = dead_letter_exchange or f"{exchange}.dlx"
    dead_queue = f"{queue}.dead"
    channel.exchange_declare(dlx, "direct", durable=True)
    channel.queue_declare(dead_queue, durable=True)
    channel.queue_bind(dead_queue, dlx, routing_key=queue)
    arguments = {"x-dead-letter-exchange": dlx, "x-dead-letter-routing-key": queue}
    channel.queue_declare(queue, durable=True, arguments=arguments)
    channel.queue_bind(queue, exchange, routing_key=routing_key or queue)


def _connect(params, action):
    try:
        return pika.BlockingConnection(params)
    except _BROKER_ERRORS as exc:
        raise _error(exc, action, params) from None


def _close(connection):
    if connection.is_open:
        try:
            connection.close()
        except _BROKER_ERRORS:
            _logger.debug("AMQP connection already broken while closing", exc_info=True)


def _error(exc, action, params):
    """The TransientError or PermanentError a pika or socket exception stands for."""
    where = f"{action} (broker {params.host}:{params.port})"
    if isinstance(exc, amqp_errors.UnroutableError):
        return PermanentError(f"{where}: no queue is bound for this routing key")
    if isinstance(exc, amqp_errors.NackError):
        return TransientError(f"{where}: the broker refused to store the message")
    if isinstance(exc, _LOGIN_ERRORS):
        return PermanentError(f"{where}: the broker refused the login or the virtual host")
    if isinstance(exc, amqp_errors.ChannelClosedByBroker | amqp_errors.ConnectionClosedByBroker):
        error_class = PermanentError if exc.reply_code in _PERMANENT_REPLY_CODES else TransientError
        return error_class(
            f"{where}: closed by the broker ({exc.reply_text})", status_code=exc.reply_code
        )
    return TransientError(f"{where}: broker unreachable or connection lost ({_reason(exc)})")


def _reason(exc):
    """The innermost cause in a few words: pika's own texts are long and nested."""
    for _level in range(10):  # bounded: an exception may (badly) wrap itself
        inner = getattr(exc, "exception", None)  # pika's connection workflow errors
        if not isinstance(inner, BaseException) and exc.args:
            inner = exc.args[0]
        if not isinstance(inner, BaseException):
            break
        exc = inner
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__
