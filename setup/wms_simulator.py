#!/usr/bin/env python3
"""Start the WMS simulator of integration_wms (see integration_wms/readme/USAGE.md).

    python3 setup/wms_simulator.py --api-key <key issued on the endpoint> [--port 8098]
    python3 setup/wms_simulator.py --drop-folder /srv/wms-drop      (CSV files instead)

Arguments are those of ``python3 -m simulator --help`` run from ``integration_wms/``. The
simulator imports no Odoo code.
"""

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration_wms"))
runpy.run_module("simulator", run_name="__main__", alter_sys=True)
