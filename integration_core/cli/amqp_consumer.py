"""``integration-amqp-consumer``: move AMQP messages into the integration inbox, continuously.

Operations manual
-----------------
Run it beside the Odoo server, one process per database::

    python3 -m odoo --addons-path=<paths> integration-amqp-consumer -d <db> \\
        [--endpoint CODE ...] [--prefetch 50] [--batch-wait-ms 50] [-c /etc/odoo/odoo.conf]

``--addons-path`` must come first: Odoo only finds addon commands that way. The other Odoo
options (``-c``, ``--db_host``, ``--log-level``...) work as for the server. It consumes the
``amqp_queue`` of every active AMQP endpoint (or of those named), one thread and one broker
connection per endpoint. Endpoint settings are read at start: restart it after changing them.

Broker messages are taken in batches: the consumer gathers up to ``--prefetch`` messages, or those
that came within ``--batch-wait-ms`` milliseconds of the batch's first one, enqueues them in one
transaction, commits, and only then acks them (one transaction per batch rather than per message is
what makes it fast). A crash at any point (process killed, host down, database gone) leaves the
unacked messages in the broker, which delivers them again; a message's ``message_id`` is its
idempotency key, so a redelivery, or the same message twice in one batch, is recognised as a
duplicate, never a second message. While the database is unreachable the batch goes back to the
queue (a second later) until it returns. A message for no active inbound flow, or whose body cannot
be queued (empty, binary, not UTF-8, out of the input limits of ``lib/input_limits.py``: size,
depth, NaN, keys; compressed with another coding than gzip or deflate, corrupt, or inflating past
the size limit), is dead-lettered alone to ``<queue>.dead``, its reason logged, while the rest
of its batch is committed; move it back once the flow exists or the sender fixed it. Should a
batch fail as a whole for another reason, its messages are committed one by one and only the
failing one is dead-lettered. A lower ``--batch-wait-ms`` lowers the latency of a lone message;
0 takes only what has already arrived.
When the broker goes away the consumer reconnects with backoff (1 s doubling up to 60 s).
SIGTERM or SIGINT stops it within a second; prefetched messages not yet handled go back to the
queue. On exit it logs, per endpoint, how many messages were new, duplicates or dead-lettered.

Under systemd (the encryption key of the endpoint credentials comes from the Odoo configuration
file or the ``INTEGRATION_ENCRYPTION_KEYS`` environment variable)::

    [Unit]
    Description=Odoo integration AMQP consumer
    After=network-online.target postgresql.service rabbitmq-server.service

    [Service]
    User=odoo
    ExecStart=/usr/bin/python3 -m odoo --addons-path=/opt/addons integration-amqp-consumer \\
        -c /etc/odoo/odoo.conf -d production
    Restart=always
    RestartSec=5
    KillSignal=SIGTERM
    TimeoutStopSec=30

    [Install]
    WantedBy=multi-user.target

``--max-messages N`` (per queue) and ``--idle-timeout SECONDS`` make it a drain run that exits by
itself, e.g. from a systemd timer. With no endpoint to consume it logs a warning and exits. The
scheduled action "Integration: pull AMQP queues" takes over whatever is left in the queues while
the consumer is not running.
"""

import argparse
import collections
import logging
import signal
import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.modules.registry import Registry
from odoo.tools import config

from ..lib import amqp_transport, backoff
from ..lib.errors import IntegrationError, TransientError
from ..tools.amqp_inbound import commit_deliveries
from ..tools.transports import amqp_url

_logger = logging.getLogger(__name__)

HEALTHY_AFTER = 60.0  # seconds connected after which reconnection delays start again from 1 s


class IntegrationAmqpConsumer(Command):
    """Consume the AMQP queues of integration endpoints into the inbox"""

    name = "integration-amqp-consumer"

    def run(self, args):
        parser = argparse.ArgumentParser(
            prog=f"odoo {self.name}",
            description=__doc__.splitlines()[0],
            epilog="Odoo server options (-d, -c, --db_host...) are accepted too.",
            allow_abbrev=False,
        )
        parser.add_argument("--endpoint", action="append", help="endpoint code (repeatable)")
        parser.add_argument(
            "--prefetch", type=int, default=50, help="unacked messages per queue, the batch size"
        )
        parser.add_argument(
            "--batch-wait-ms",
            type=float,
            default=50.0,
            help="wait so long after a batch's first message for more before committing it",
        )
        parser.add_argument("--max-messages", type=int, help="per queue, then stop (drain mode)")
        parser.add_argument("--idle-timeout", type=float, help="stop after so many idle seconds")
        options, odoo_args = parser.parse_known_args(args)
        config.parse_config(odoo_args, setup_logging=True)
        database = config["db_name"]
        if not database or "," in database:
            parser.error("name one database with -d")
        threading.current_thread().dbname = database  # for Odoo's log lines
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        registry = Registry(database)
        consumers = [
            EndpointConsumer(registry, target, options, stop)
            for target in _targets(registry, options.endpoint)
        ]
        if not consumers:
            _logger.warning("No AMQP endpoint with an inbound queue to consume in %s", database)
            return
        threads = [threading.Thread(target=c.run, name=c.code, daemon=True) for c in consumers]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=0.5)  # short joins keep the signal handlers responsive
        for consumer in consumers:
            consumer.log_counts()


def _targets(registry, codes):
    """(endpoint id, code, broker URL, queue) of the endpoints to consume."""
    targets = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        endpoints = env["integration.inbound.poller"]._amqp_endpoints(codes)
        missing = set(codes or ()) - set(endpoints.mapped("code"))
        if missing:
            _logger.warning("No active AMQP endpoint with a queue: %s", ", ".join(sorted(missing)))
        for endpoint in endpoints:
            try:
                targets.append(
                    (endpoint.id, endpoint.code, amqp_url(endpoint), endpoint.amqp_queue)
                )
            except Exception as error:  # a misconfigured endpoint must not stop the others
                _logger.error("Endpoint %s cannot be consumed: %s", endpoint.code, error)
    return targets


def _count_name(outcome):
    """The count a ``commit_deliveries`` outcome adds to."""
    if isinstance(outcome, Exception):
        return "dead-lettered"
    return "new" if outcome else "duplicate"


class EndpointConsumer:
    """Consumes one endpoint's queue until ``stop`` is set, reconnecting with backoff."""

    def __init__(self, registry, target, options, stop):
        self.registry = registry
        self.endpoint_id, self.code, url, self.queue = target
        self.consumer = amqp_transport.AmqpConsumer(
            url, self.queue, prefetch=options.prefetch, batch_wait=options.batch_wait_ms / 1000
        )
        self.limits = {"max_messages": options.max_messages, "idle_timeout": options.idle_timeout}
        self.stop = stop
        self.counts = collections.Counter()

    def run(self):
        threading.current_thread().dbname = self.registry.db_name  # for Odoo's log lines
        _logger.info("%s: consuming queue %s", self.code, self.queue)
        failures = 0
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                self.consumer.run(self.handle, stop_event=self.stop, **self.limits)
                return  # stopped, or a drain-mode limit was reached
            except Exception as error:  # the broker went away, or worse: retry
                failures = 1 if time.monotonic() - started > HEALTHY_AFTER else failures + 1
                delay = backoff.next_delay(failures, base=1.0, cap=60.0)
                _logger.warning(
                    "%s: %s; reconnecting in %.0f s",
                    self.code,
                    error,
                    delay,
                    exc_info=not isinstance(error, IntegrationError),
                )
                self.stop.wait(delay)

    def handle(self, deliveries):
        """Commit a batch of broker messages; returning lets the consumer ack them."""
        try:
            outcomes = commit_deliveries(self.registry, self.endpoint_id, deliveries, SUPERUSER_ID)
        except Exception as error:
            # The consumer dead-letters a lone delivery failing so, and retries a batch one by one.
            if len(deliveries) == 1 and not isinstance(error, TransientError):
                self.counts["dead-lettered"] += 1
            raise
        self.counts.update(_count_name(outcome) for outcome in outcomes)
        return outcomes

    def log_counts(self):
        _logger.info(
            "%s: %d new, %d duplicate, %d dead-lettered messages from %s",
            self.code,
            self.counts["new"],
            self.counts["duplicate"],
            self.counts["dead-lettered"],
            self.queue,
        )
