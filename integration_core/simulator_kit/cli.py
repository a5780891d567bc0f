"""The command line every simulator shares: where it listens, how it reaches Odoo, its log."""

import argparse
import logging
import os

from .transports import AmqpSender, HttpSender

_logger = logging.getLogger(__name__)


def simulator_parser(description, port, orders, name, endpoint, key_variable, exchange):
    """An argument parser with the options every simulator has.

    ``port``: its default port, where Odoo posts ``orders`` (words for the help); ``name``:
    the default prefix of its message ids; ``endpoint``: the default Odoo endpoint code;
    ``key_variable``: the environment variable holding the API key; ``exchange``: the default
    AMQP exchange it reports to.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port, help=f"where Odoo posts {orders}")
    parser.add_argument("--name", default=name, help="prefix of the message ids it sends")
    parser.add_argument("--odoo-url", default="http://localhost:8069")
    parser.add_argument("--endpoint", default=endpoint, help="Odoo endpoint code")
    parser.add_argument(
        "--api-key",
        default=os.environ.get(key_variable),
        help=f"Odoo API key of the endpoint (or {key_variable})",
    )
    parser.add_argument("--amqp-url", help="report through RabbitMQ instead of HTTP")
    parser.add_argument("--amqp-exchange", default=exchange)
    parser.set_defaults(key_variable=key_variable)
    return parser


def odoo_sender(args, gzip=False):
    """RabbitMQ with ``--amqp-url``, else Odoo's HTTP API (which needs the API key)."""
    if args.amqp_url:
        return AmqpSender(args.amqp_url, args.amqp_exchange)
    if not args.api_key:
        raise SystemExit(f"--api-key (or {args.key_variable}) is needed to post to Odoo")
    return HttpSender(args.odoo_url, args.endpoint, args.api_key, gzip=gzip)


def serve(simulator, label):
    """Log to the console and serve until Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    _logger.info("%s simulator listening on %s", label, simulator.url)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        simulator.stop()
