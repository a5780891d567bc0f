"""What every simulator of an external system needs, in plain Python (no Odoo import).

- ``LoopbackServer`` and ``JsonHandler``: a threaded HTTP server answering JSON;
- ``CommandSimulator``: a system that receives Odoo's messages, shows what it holds
  (``GET``), takes commands (``POST /commands/<name>``) and reports to Odoo through a sender,
  now, several times or held back for later;
- ``HttpSender``, ``AmqpSender``, ``AmqpReader``: the transports to and from Odoo;
- ``simulator_parser``, ``odoo_sender``, ``serve``: the common command line.

The MES and WMS simulators of the connectors keep only their domain and command table. They
import the kit as ``odoo.addons.integration_core.simulator_kit`` inside Odoo, and as the
top-level ``simulator_kit`` when run on their own (``integration_core/`` on ``sys.path``).
"""

from .cli import odoo_sender, serve, simulator_parser
from .server import CommandSimulator, JsonHandler, LoopbackServer
from .transports import AmqpReader, AmqpSender, HttpSender

__all__ = [
    "AmqpReader",
    "AmqpSender",
    "CommandSimulator",
    "HttpSender",
    "JsonHandler",
    "LoopbackServer",
    "odoo_sender",
    "serve",
    "simulator_parser",
]
