"""A simulated warehouse management system that talks to Odoo (no Odoo import).

Run it with ``python3 setup/wms_simulator.py --help`` from the repository root. Its HTTP
server, transports and command line are integration_core's ``simulator_kit``.
"""

import sys
from pathlib import Path

if __name__.startswith("odoo.addons."):  # imported by the addon's tests
    from odoo.addons.integration_core import simulator_kit as kit
else:  # run on its own: the kit is plain Python in the sibling addon integration_core
    sys.path.append(str(Path(__file__).resolve().parents[2] / "integration_core"))
    import simulator_kit as kit
