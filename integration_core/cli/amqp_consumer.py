"""``integration-amqp-consumer``: move AMQP messages into the integration inbox, continuously.

Run it beside the Odoo server, one process per database::

    python3 -m odoo --addons-path=<paths> integration-amqp-consumer -d <db> \\
        [--endpoint CODE ...] [--prefetch 50] [-c /etc/odoo/odoo.conf]

It consumes the ``amqp_queue`` of every AMQP endpoint (or the ones named). Each broker message
is enqueued and committed in its own transaction, and acked only after that commit: a crash
before the ack leaves the message in the broker, which redelivers it; its ``message_id`` is
the idempotency key, so the redelivery is recognised as a duplicate, never a second message.
A message for an unknown flow is dead-lettered to ``<queue>.dead`` (see the endpoint's flows).
When the broker goes away the consumer reconnects with backoff. SIGTERM or SIGINT stops it
cleanly (unacked prefetched messages go back to the queue). Under systemd: ``Restart=always``.
The scheduled action "Integration: pull AMQP queues" is the fallback when it is not running.
"""

import argparse
import logging
import signal
import threading

import odoo
from odoo.cli import Command
from odoo.modules.registry import Registry

from ..lib import amqp_transport, backoff
from ..lib.errors import IntegrationError
from ..tools.endpoint_transport import amqp_url

_logger = logging.getLogger(__name__)


class IntegrationAmqpConsumer(Command):
    """Consume the AMQP queues of integration endpoints into the inbox"""

    name = "integration-amqp-consumer"

    def run(self, args):
        parser = argparse.ArgumentParser(
            prog=f"odoo {self.name}", description=__doc__.splitlines()[0]
        )
        parser.add_argument("--endpoint", action="append", help="endpoint code (repeatable)")
        parser.add_argument("--prefetch", type=int, default=50)
        parser.add_argument("--max-messages", type=int, help="stop after this many (tests)")
        parser.add_argument("--idle-timeout", type=float, help="stop after this idle time (tests)")
        options, odoo_args = parser.parse_known_args(args)
        odoo.tools.config.parse_config(odoo_args)
        database = odoo.tools.config["db_name"]
        if not database:
            parser.error("name the database with -d")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        registry = Registry(database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            endpoints = env["integration.inbound.poller"]._amqp_endpoints(options.endpoint)
            targets = [(e.id, e.code, amqp_url(e), e.amqp_queue) for e in endpoints]
        if not targets:
            _logger.warning("No AMQP endpoint with an inbound queue in %s", database)
            return
        threads = [
            threading.Thread(target=_consume, args=(registry, target, options, stop), daemon=True)
            for target in targets
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _consume(registry, target, options, stop):
    """Consume one endpoint's queue until ``stop``, reconnecting with backoff."""
    endpoint_id, code, url, queue = target
    consumer = amqp_transport.AmqpConsumer(url, queue, prefetch=options.prefetch)
    failures = 0

    def handle(delivery):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["integration.inbound.poller"]._receive_delivery(
                env["integration.endpoint"].browse(endpoint_id), delivery
            )

    while not stop.is_set():
        try:
            taken = consumer.run(
                handle,
                stop_event=stop,
                max_messages=options.max_messages,
                idle_timeout=options.idle_timeout,
            )
            _logger.info("%s: %d messages taken from %s", code, taken, queue)
            if options.max_messages or options.idle_timeout:
                return
            failures = 0
        except IntegrationError as error:
            failures += 1
            delay = backoff.next_delay(failures, base=1.0, cap=60.0)
            _logger.warning("%s: %s; reconnecting in %.0f s", code, error, delay)
            stop.wait(delay)
