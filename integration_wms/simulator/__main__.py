"""Run the WMS simulator: ``python3 setup/wms_simulator.py --help``."""

import argparse
import logging
import os

from .server import WmsSimulator
from .transports import AmqpOrderReader, AmqpSender, FileOrderReader, FileSender, HttpSender


def parse_args():
    parser = argparse.ArgumentParser(description="A warehouse management system for Odoo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8098, help="where Odoo posts transfer orders")
    parser.add_argument("--name", default="WMS", help="prefix of the message ids it sends")
    parser.add_argument("--odoo-url", default="http://localhost:8069")
    parser.add_argument("--endpoint", default="PLANT2_WMS", help="Odoo endpoint code")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("WMS_SIMULATOR_API_KEY"),
        help="Odoo API key of the endpoint (or WMS_SIMULATOR_API_KEY)",
    )
    parser.add_argument("--amqp-url", help="report through RabbitMQ instead of HTTP")
    parser.add_argument("--amqp-exchange", default="wms.confirmations")
    parser.add_argument("--amqp-orders-queue", help="read transfer orders from this queue")
    parser.add_argument(
        "--drop-folder", help="exchange files instead: CSV confirmations to <folder>/in"
    )
    parser.add_argument(
        "--auto-answer", action="store_true", help="answer snapshot requests at once"
    )
    return parser.parse_args()


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    readers = []
    if args.drop_folder:
        sender = FileSender(args.drop_folder)
        readers.append(FileOrderReader(args.drop_folder))
    elif args.amqp_url:
        sender = AmqpSender(args.amqp_url, args.amqp_exchange)
    else:
        if not args.api_key:
            raise SystemExit("--api-key (or WMS_SIMULATOR_API_KEY) is needed to post to Odoo")
        sender = HttpSender(args.odoo_url, args.endpoint, args.api_key)
    if args.amqp_url and args.amqp_orders_queue:
        readers.append(AmqpOrderReader(args.amqp_url, args.amqp_orders_queue))
    simulator = WmsSimulator(
        sender, args.host, args.port, args.name, readers=readers, auto_answer=args.auto_answer
    )
    logging.getLogger(__name__).info("WMS simulator listening on %s", simulator.url)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
