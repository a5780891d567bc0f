"""Run the plant MES simulator: ``python3 -m simulator --help`` from ``integration_mes/``."""

from . import kit
from .server import MesSimulator


def parse_args():
    parser = kit.simulator_parser(
        "A plant MES that talks to Odoo.",
        port=8099,
        orders="work orders",
        name="MES",
        endpoint="PLANT1_MES",
        key_variable="MES_SIMULATOR_API_KEY",
        exchange="mes.results",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="send results gzip-compressed (a remote plant)"
    )
    return parser.parse_args()


def main():
    args = parse_args()
    sender = kit.odoo_sender(args, gzip=args.gzip)
    kit.serve(MesSimulator(sender, args.host, args.port, args.name), "MES")


if __name__ == "__main__":
    main()
