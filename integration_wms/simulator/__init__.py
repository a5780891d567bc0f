"""A simulated warehouse management system that talks to Odoo (no Odoo import).

Run it with ``python3 setup/wms_simulator.py --help`` from the repository root.
"""
