#!/usr/bin/env python3
"""Start the plant MES simulator of integration_mes (see integration_mes/readme/USAGE.md).

    python3 setup/mes_simulator.py --api-key <key issued on the endpoint> [--port 8099]

Arguments are those of ``python3 -m simulator --help`` run from ``integration_mes/``.
"""

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration_mes"))
runpy.run_module("simulator", run_name="__main__", alter_sys=True)
