"""A plant MES simulator: plain Python (stdlib, requests, pika), no Odoo.

Run it from the addon's folder (``cd integration_mes && python3 -m simulator --help``) or with
``python3 setup/mes_simulator.py``. Tests start it in a thread (``MesSimulator``). Its HTTP
server, transports and command line are integration_core's ``simulator_kit``.
"""

import sys
from pathlib import Path

if __name__.startswith("odoo.addons."):  # imported by the addon's tests
    from odoo.addons.integration_core import simulator_kit as kit
else:  # run on its own: the kit is plain Python in the sibling addon integration_core
    sys.path.append(str(Path(__file__).resolve().parents[2] / "integration_core"))
    import simulator_kit as kit
