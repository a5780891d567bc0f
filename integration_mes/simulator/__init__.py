"""A plant MES simulator: plain Python (stdlib, requests, pika), no Odoo.

Run it from the addon's folder (``cd integration_mes && python3 -m simulator --help``) or with
``python3 setup/mes_simulator.py``. Tests start it in a thread (``MesSimulator``).
"""
