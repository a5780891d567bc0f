"""Run the plant MES simulator: ``python3 -m simulator --help`` from ``integration_mes/``."""

import argparse
import logging
import os

from .server import MesSimulator
from .transports import AmqpSender, HttpSender


def parse_args():
    parser = argparse.ArgumentParser(description="A plant MES that talks to Odoo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="where Odoo posts work orders")
    parser.add_argument("--name", default="MES", help="prefix of the message ids it sends")
    parser.add_argument("--odoo-url", default="http://localhost:8069")
    parser.add_argument("--endpoint", default="PLANT1_MES", help="Odoo endpoint code")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("MES_SIMULATOR_API_KEY"),
        help="Odoo API key of the endpoint (or MES_SIMULATOR_API_KEY)",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="send results gzip-compressed (a remote plant)"
    )
    parser.add_argument("--amqp-url", help="report through RabbitMQ instead of HTTP")
    parser.add_argument("--amqp-exchange", default="mes.results")
    return parser.parse_args()


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.amqp_url:
        sender = AmqpSender(args.amqp_url, args.amqp_exchange)
    else:
        if not args.api_key:
            raise SystemExit("--api-key (or MES_SIMULATOR_API_KEY) is needed to post to Odoo")
        sender = HttpSender(args.odoo_url, args.endpoint, args.api_key, gzip=args.gzip)
    simulator = MesSimulator(sender, args.host, args.port, args.name)
    logging.getLogger(__name__).info("MES simulator listening on %s", simulator.url)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
