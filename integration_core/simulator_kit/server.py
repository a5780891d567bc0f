"""A simulator's HTTP face: JSON answers, ``GET`` pages, ``POST`` messages and commands.

``CommandSimulator`` serves, for a subclass that names its ``commands`` and ``pages``:

- ``POST /commands/<name>`` with a JSON object: calls the method ``name`` of the command table
  with the object as keyword arguments; 200 with what it returns, 404 for an unknown command
  or a ``KeyError`` (an unknown order), 400 for wrong arguments (``TypeError``, ``ValueError``).
- ``POST /<any other path>`` with a JSON object (plain or ``Content-Encoding: gzip``): handed to
  ``accept``; 202 when new, 200 for a message id already received, 400 for what it refuses.
- ``GET <page>``: the page's JSON; 404 for any other path.
"""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger(__name__)


class JsonHandler(BaseHTTPRequestHandler):
    """Answers JSON; ``simulator`` is set on a subclass made per server."""

    simulator = None
    ensure_ascii = True  # False: other characters as they are, not as \u escapes

    def _reply(self, status, body, headers=None):
        data = json.dumps(body, ensure_ascii=self.ensure_ascii).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _raw_body(self):
        """The request body, unzipped when it came ``Content-Encoding: gzip``."""
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return data

    def log_message(self, format, *args):
        _logger.debug("%s " + format, self.address_string(), *args)


class LoopbackServer:
    """A threaded HTTP server on ``host:port`` (0: a free port) answered by ``handler``."""

    def __init__(self, handler, host="127.0.0.1", port=0):
        handler = type("Handler", (handler,), {"simulator": self})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = None
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def start(self):
        """Serve in a background thread (tests); returns the server."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


class CommandSimulator(LoopbackServer):
    """An external system that reports to Odoo through ``sender`` (``send(message)``).

    A subclass names its ``commands`` (method names callable over HTTP), the ``subject`` an
    unknown key names in a 404 ("work order"), its GET ``pages()`` and ``accept(message,
    path, headers)`` for what Odoo posts to it.
    """

    commands = ()
    subject = "order"

    def __init__(self, sender, host="127.0.0.1", port=0):
        super().__init__(CommandHandler, host, port)
        self.sender = sender
        self.held = []

    def pages(self):
        """``{path: function returning the page's JSON}`` for ``GET``."""
        return {}

    def accept(self, message, path, headers):
        """Take a message Odoo posted; True when new, False for a duplicate; ``ValueError``
        with the reason for a message this system does not take."""
        raise ValueError("this simulator takes no messages")

    def run_command(self, name, arguments):
        if name not in self.commands:
            raise KeyError(name)
        return getattr(self, name)(**arguments)

    def release_held(self):
        """Deliver the held-back messages now (after later ones: out of order)."""
        held, self.held = self.held, []
        return [self._deliver(message) for message in held]

    def _deliver(self, message, times=1, hold=False):
        """Send ``message`` ``times`` times, or keep it back (``hold``) for ``release_held``."""
        if hold:
            self.held.append(message)
            return {"message": message, "held": True}
        replies = [self.sender.send(message) for _attempt in range(times)]
        _logger.info("Sent %s %s: %s", message["message_type"], message["message_id"], replies)
        return {"message": message, "replies": replies}


class CommandHandler(JsonHandler):
    """The HTTP routes of a ``CommandSimulator`` (see the module's docstring)."""

    def do_GET(self):
        pages = self.simulator.pages()
        if self.path not in pages:
            return self._reply(404, {"error": "unknown path"})
        return self._reply(200, pages[self.path]())

    def do_POST(self):
        try:
            body = json.loads(self._raw_body() or b"{}")
        except (ValueError, OSError, EOFError):  # not JSON, or not gzip though it says so
            return self._reply(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return self._reply(400, {"error": "the body must be a JSON object"})
        if self.path.startswith("/commands/"):
            return self._command(self.path.removeprefix("/commands/"), body)
        try:
            new = self.simulator.accept(body, self.path, self.headers)
        except ValueError as error:
            return self._reply(400, {"error": str(error)})
        return self._reply(202 if new else 200, {"accepted": True, "duplicate": not new})

    def _command(self, name, arguments):
        try:
            return self._reply(200, self.simulator.run_command(name, arguments))
        except KeyError as error:
            subject = self.simulator.subject
            return self._reply(404, {"error": f"unknown command or {subject} {error}"})
        except (TypeError, ValueError) as error:
            return self._reply(400, {"error": str(error)})
