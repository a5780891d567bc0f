"""Run the WMS simulator: ``python3 setup/wms_simulator.py --help``."""

from . import kit
from .server import WmsSimulator
from .transports import AmqpOrderReader, FileOrderReader, FileSender


def parse_args():
    parser = kit.simulator_parser(
        "A warehouse management system for Odoo.",
        port=8098,
        orders="transfer orders",
        name="WMS",
        endpoint="PLANT2_WMS",
        key_variable="WMS_SIMULATOR_API_KEY",
        exchange="wms.confirmations",
    )
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
    readers = []
    if args.drop_folder:
        sender = FileSender(args.drop_folder)
        readers.append(FileOrderReader(args.drop_folder))
    else:
        sender = kit.odoo_sender(args)
    if args.amqp_url and args.amqp_orders_queue:
        readers.append(AmqpOrderReader(args.amqp_url, args.amqp_orders_queue))
    simulator = WmsSimulator(
        sender, args.host, args.port, args.name, readers=readers, auto_answer=args.auto_answer
    )
    kit.serve(simulator, "WMS")


if __name__ == "__main__":
    main()
