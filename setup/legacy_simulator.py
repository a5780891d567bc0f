#!/usr/bin/env python3
"""A legacy ERP on loopback: flat-file extracts, a REST API that changes over time, a receiver.

Standalone (no Odoo import). Its data is tables of rows named as an old ERP names them
(``ITEMNO``, ``DESCR``, ``UOM``...), each row with its last change time ``UPDATED_AT``:
``items``, ``partners``, ``bom_lines``, ``open_orders``, ``balances`` and ``ledger`` (a trial
balance: one row per account and period).

    python3 setup/legacy_simulator.py serve [--port 8098] [--root /srv/drop] [--throttle-every 0]
    python3 setup/legacy_simulator.py extract items --root /srv/drop [--rows 100000] [--flow items]
    python3 setup/legacy_simulator.py change items A-1001 DESCR="Hex bolt M8" [--url ...]
    python3 setup/legacy_simulator.py throttle 2 --retry-after 30 [--url ...]
    python3 setup/legacy_simulator.py received [--url ...]

REST API (what the suite's REST pull reads):

- ``GET /api/<table>?updated_since=<ISO time>&page=<n>&page_size=<size>``: ``{"items": [...],
  "next": "/api/<table>?...&page=<n+1>" or null, "total": <count>}``, rows in ascending
  ``UPDATED_AT`` (then key) order, those changed at or after ``updated_since``.
- ``GET /api/boms`` (same parameters): the BOMs of ``bom_lines``, nested as a REST API serves
  them: ``{"BOMNO", "PARENT", "UPDATED_AT", "lines": [{"LINEID", "ITEMNO", "QTY", "UOM"}]}``,
  a BOM's ``UPDATED_AT`` being the latest of its lines'.
- ``429`` with ``Retry-After`` for the next requests after ``POST /control/throttle``
  ``{"count": 2, "retry_after": 30}``, or every n-th request with ``--throttle-every n``.
- ``POST /control/change`` ``{"table": "items", "key": "A-1001", "values": {...}, "at": ISO}``
  changes (or adds) a row; its ``UPDATED_AT`` becomes ``at`` or now.
- ``POST /api/<anything>`` receives what Odoo sends (kept; ``GET /control/received`` lists it).

Extracts are written in the legacy dialect: Windows-1252, ``;`` between columns, decimal comma,
CRLF line ends, a header row; written under a temporary name and renamed into ``<root>/in/``.
Files Odoo writes to ``<root>/out/`` are what it sends that way (``received`` lists them too).
"""

import argparse
import datetime
import json
import os
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

# The HTTP server is integration_core's simulator kit (plain Python, no Odoo).
sys.path.append(str(Path(__file__).resolve().parents[1] / "integration_core"))
from simulator_kit import JsonHandler, LoopbackServer

TABLES = {
    "items": ("ITEMNO", ["ITEMNO", "DESCR", "UOM", "ITEMGRP", "EAN", "WEIGHT", "PRICE"]),
    "partners": ("PARTNO", ["PARTNO", "NAME", "KIND", "VATNO", "COUNTRY", "CITY"]),
    "bom_lines": ("LINEID", ["LINEID", "BOMNO", "PARENT", "ITEMNO", "QTY", "UOM"]),
    "open_orders": (
        "LINEID",
        ["LINEID", "ORDERNO", "KIND", "PARTNO", "ITEMNO", "QTY", "PRICE", "STATUS"],
    ),
    "balances": ("LINEID", ["LINEID", "ITEMNO", "LOCATION", "LOT", "QTY", "VALUE"]),
    "ledger": ("LINEID", ["LINEID", "PERIOD", "COMPANY", "ACCOUNT", "LABEL", "DEBIT", "CREDIT"]),
}
BOM_LINE_COLUMNS = ["LINEID", "ITEMNO", "QTY", "UOM"]  # a line of GET /api/boms
DECIMAL_COLUMNS = frozenset({"WEIGHT", "PRICE", "QTY", "VALUE", "DEBIT", "CREDIT"})
EPOCH = datetime.datetime(2026, 1, 5, 6, 0, tzinfo=datetime.timezone.utc)


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def now_iso():
    return iso(datetime.datetime.now(datetime.timezone.utc))


# ---------------------------------------------------------------------------------- data
def generated_row(table, number):
    """Row ``number`` (1-based) of a table, made up but plausible and deterministic."""
    at = iso(EPOCH + datetime.timedelta(minutes=number))
    if table == "items":
        row = {
            "ITEMNO": f"A-{number:06d}",
            "DESCR": f"Bauteil {number} Ø{number % 40 + 4} mm",
            "UOM": ("ST", "KG", "M")[number % 3],
            "ITEMGRP": f"G{number % 12:02d}",
            "EAN": f"40{number:011d}",
            "WEIGHT": round(0.125 * (number % 80 + 1), 3),
            "PRICE": round(1.5 + (number % 997) * 1.25, 2),
        }
    elif table == "partners":
        row = {
            "PARTNO": f"P-{number:05d}",
            "NAME": f"Müller & Söhne {number} GmbH",
            "KIND": "C" if number % 3 else "V",
            "VATNO": f"DE{100000000 + number}",
            "COUNTRY": ("DE", "AT", "FR", "BE")[number % 4],
            "CITY": ("Köln", "Wien", "Lyon", "Liège")[number % 4],
        }
    elif table == "bom_lines":
        bom = (number - 1) // 3 + 1
        row = {
            "LINEID": str(number),
            "BOMNO": f"B-{bom:05d}",
            "PARENT": f"A-{bom:06d}",
            "ITEMNO": f"A-{number + 1000:06d}",
            "QTY": round(0.5 * (number % 4 + 1), 2),
            "UOM": "ST",
        }
    elif table == "open_orders":
        row = {
            "LINEID": str(number),
            "ORDERNO": f"{'SO' if number % 2 else 'PO'}-{(number + 1) // 2:05d}",
            "KIND": "SALE" if number % 2 else "PURCHASE",
            "PARTNO": f"P-{number % 50 + 1:05d}",
            "ITEMNO": f"A-{number % 500 + 1:06d}",
            "QTY": float(number % 9 + 1),
            "PRICE": round(9.9 + number % 31, 2),
            "STATUS": "OPEN",
        }
    elif table == "balances":
        row = {
            "LINEID": str(number),
            "ITEMNO": f"A-{number:06d}",
            "LOCATION": ("WH1-A", "WH1-B", "WH2")[number % 3],
            "LOT": f"L{number % 30:04d}" if number % 2 else "",
            "QTY": float(number % 250),
            "VALUE": round((number % 250) * 2.75, 2),
        }
    elif table == "ledger":
        amount = round(100.0 * (number % 17 + 1), 2)
        row = {
            "LINEID": str(number),
            "PERIOD": "2026-01",
            "COMPANY": "Plant 2",
            "ACCOUNT": f"{1000 + (number // 2) * 100}",
            "LABEL": f"Konto {number}",
            "DEBIT": amount if number % 2 else 0.0,
            "CREDIT": 0.0 if number % 2 else amount,
        }
    else:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    row["UPDATED_AT"] = at
    return row


def legacy_text(value):
    """A cell as the legacy system writes it: decimal comma, no thousands separator."""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    return "" if value is None else str(value)


def csv_line(cells):
    quoted = []
    for cell in cells:
        if any(char in cell for char in ';"\r\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        quoted.append(cell)
    return ";".join(quoted) + "\r\n"


def write_extract(root, table, rows, flow_code=None, stamp=None, subfolder="in"):
    """Write ``rows`` (dicts) of ``table`` as a legacy CSV into ``<root>/<subfolder>/``
    (``in/`` for the file drop, ``initial/`` for an initial load); the path."""
    columns = TABLES[table][1] + ["UPDATED_AT"]
    folder = Path(root) / subfolder
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    final = folder / f"{flow_code or table}-{stamp}.csv"
    temp = folder / f".{final.name}.tmp"
    with open(temp, "w", encoding="cp1252", errors="replace", newline="") as stream:
        stream.write(csv_line(columns))
        for row in rows:
            stream.write(csv_line([legacy_text(row.get(column)) for column in columns]))
    os.replace(temp, final)
    return final


class LegacyData:
    """The tables, with changes over time; safe to use from the server's threads."""

    def __init__(self, rows_per_table=20):
        self._lock = threading.Lock()
        self.tables = {
            table: {
                row[key]: row
                for row in (generated_row(table, n) for n in range(1, rows_per_table + 1))
            }
            for table, (key, _columns) in TABLES.items()
        }
        self.received = []

    def change(self, table, key, values, at=None):
        """Change (or add) a row; its UPDATED_AT becomes ``at`` (ISO) or now. The row."""
        with self._lock:
            rows = self.tables[table]
            row = dict(rows.get(key) or {TABLES[table][0]: key})
            row.update(values)
            row["UPDATED_AT"] = at or now_iso()
            rows[key] = row
            return row

    def changed_since(self, table, since=None):
        """Rows of ``table`` changed at or after ``since`` (ISO), oldest change first."""
        key = TABLES[table][0]
        with self._lock:
            rows = list(self.tables[table].values())
        if since:
            floor = parse_iso(since)
            rows = [row for row in rows if parse_iso(row["UPDATED_AT"]) >= floor]
        return sorted(rows, key=lambda row: (parse_iso(row["UPDATED_AT"]), row[key]))

    def boms(self, since=None):
        """The BOMs of ``bom_lines``, each with its lines, changed at or after ``since``."""
        boms = {}
        for row in self.changed_since("bom_lines"):
            bom = boms.setdefault(
                row["BOMNO"], {"BOMNO": row["BOMNO"], "PARENT": row["PARENT"], "lines": []}
            )
            bom["lines"].append({column: row.get(column) for column in BOM_LINE_COLUMNS})
            bom["UPDATED_AT"] = row["UPDATED_AT"]  # lines come oldest change first
        floor = parse_iso(since) if since else None
        rows = [bom for bom in boms.values() if not floor or parse_iso(bom["UPDATED_AT"]) >= floor]
        return sorted(rows, key=lambda bom: (parse_iso(bom["UPDATED_AT"]), bom["BOMNO"]))


# ---------------------------------------------------------------------------------- server
class LegacySimulator(LoopbackServer):
    """The REST API and receiver on 127.0.0.1; ``with LegacySimulator() as legacy: ...``."""

    def __init__(self, port=0, rows_per_table=20, throttle_every=0, root=None):
        super().__init__(_Handler, "127.0.0.1", port)
        self.data = LegacyData(rows_per_table)
        self.root = Path(root) if root else None
        self.throttle_every = throttle_every
        self.throttled = []  # Retry-After values of the next requests to refuse
        self.requests = []  # (method, path) of every request, in order
        self._lock = threading.Lock()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def throttle(self, count=1, retry_after=30):
        """Answer the next ``count`` API requests 429 with this Retry-After."""
        with self._lock:
            self.throttled.extend([retry_after] * count)

    def change(self, table, key, at=None, **values):
        return self.data.change(table, key, values, at)

    def extract(self, table, flow_code=None, rows=None):
        """Write an extract of a table (its current rows, or ``rows``) into ``<root>/in/``."""
        rows = self.data.changed_since(table) if rows is None else rows
        return write_extract(self.root, table, rows, flow_code)

    def out_files(self):
        folder = self.root / "out" if self.root else None
        return sorted(p.name for p in folder.iterdir()) if folder and folder.is_dir() else []

    def _retry_after(self):
        with self._lock:
            count = len(self.requests)
            if self.throttled:
                return self.throttled.pop(0)
        if self.throttle_every and count % self.throttle_every == 0:
            return 5
        return None

    def answer_get(self, path):
        """(status, body, headers) of a GET: a page of a table, or what was received."""
        parts = urlsplit(path)
        with self._lock:
            self.requests.append(("GET", path))
        if parts.path == "/control/received":
            return 200, {"requests": self.data.received, "files": self.out_files()}, {}
        table = parts.path.removeprefix("/api/")
        if not parts.path.startswith("/api/") or table not in (*TABLES, "boms"):
            return 404, {"error": f"no such list {parts.path}"}, {}
        retry_after = self._retry_after()
        if retry_after is not None:
            return 429, {"error": "too many requests"}, {"Retry-After": str(retry_after)}
        try:
            return 200, self.page(table, parse_qs(parts.query)), {}
        except ValueError as error:
            return 400, {"error": str(error)}, {}

    def answer_post(self, path, body, headers):
        """(status, body, headers) of a POST: a control command, or something Odoo sends."""
        parts = urlsplit(path)
        with self._lock:
            self.requests.append(("POST", path))
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"error": "the body is not JSON"}, {}
        if parts.path == "/control/change":
            try:
                row = self.data.change(
                    data["table"], data["key"], data.get("values") or {}, data.get("at")
                )
            except (KeyError, TypeError) as error:
                return 400, {"error": f"missing or unknown {error}"}, {}
            return 200, row, {}
        if parts.path == "/control/throttle":
            self.throttle(int(data.get("count", 1)), int(data.get("retry_after", 30)))
            return 200, {"throttled": len(self.throttled)}, {}
        if not parts.path.startswith("/api/"):
            return 404, {"error": f"no such path {parts.path}"}, {}
        received = {
            "path": parts.path,
            "idempotency_key": headers.get("Idempotency-Key"),
            "body": data,
        }
        self.data.received.append(received)
        return 201, {"received": len(self.data.received)}, {}

    def page(self, table, query):
        size = max(1, min(int(query.get("page_size", ["100"])[0]), 1000))
        page = max(1, int(query.get("page", ["1"])[0]))
        since = query.get("updated_since", [None])[0]
        rows = self.data.boms(since) if table == "boms" else self.data.changed_since(table, since)
        chunk = rows[(page - 1) * size : page * size]
        following = None
        if page * size < len(rows):
            params = {"page": page + 1, "page_size": size}
            if since:
                params["updated_since"] = since
            following = f"/api/{table}?{urlencode(params)}"
        return {"items": chunk, "next": following, "total": len(rows)}


class _Handler(JsonHandler):
    ensure_ascii = False  # the legacy data speaks German and French: Ø, ü, è as they are

    def do_GET(self):
        self._reply(*self.simulator.answer_get(self.path))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._reply(*self.simulator.answer_post(self.path, body, self.headers))


# ---------------------------------------------------------------------------------- command line
def _post(url, path, body):
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the REST API and the receiver")
    serve.add_argument("--port", type=int, default=8098)
    serve.add_argument("--rows", type=int, default=20, help="rows per table to start with")
    serve.add_argument("--throttle-every", type=int, default=0, help="429 every n-th request")
    serve.add_argument("--root", help="drop folder (for received files)")
    extract = commands.add_parser("extract", help="write a table as a legacy CSV into in/")
    extract.add_argument("table", choices=sorted(TABLES))
    extract.add_argument("--root", required=True, help="drop folder holding in/")
    extract.add_argument("--rows", type=int, default=20)
    extract.add_argument("--flow", help="flow code the file name starts with (default: table)")
    extract.add_argument("--folder", default="in", help="subfolder: in (file drop) or initial")
    change = commands.add_parser("change", help="change a row of the running simulator")
    change.add_argument("table", choices=sorted(TABLES))
    change.add_argument("key")
    change.add_argument("values", nargs="*", help="COLUMN=value ...")
    throttle = commands.add_parser("throttle", help="answer the next requests 429")
    throttle.add_argument("count", type=int)
    throttle.add_argument("--retry-after", type=int, default=30)
    commands.add_parser("received", help="list what Odoo sent")
    for sub in (change, throttle, commands.choices["received"]):
        sub.add_argument("--url", default="http://127.0.0.1:8098")
    args = parser.parse_args(argv)

    if args.command == "extract":
        rows = (generated_row(args.table, n) for n in range(1, args.rows + 1))
        print(write_extract(args.root, args.table, rows, args.flow, subfolder=args.folder))
    elif args.command == "change":
        values = dict(value.split("=", 1) for value in args.values)
        body = {"table": args.table, "key": args.key, "values": values}
        print(json.dumps(_post(args.url, "/control/change", body), ensure_ascii=False))
    elif args.command == "throttle":
        body = {"count": args.count, "retry_after": args.retry_after}
        print(json.dumps(_post(args.url, "/control/throttle", body)))
    elif args.command == "received":
        url = args.url.rstrip("/") + "/control/received"
        with urllib.request.urlopen(url, timeout=10) as response:
            print(json.dumps(json.loads(response.read()), indent=2, ensure_ascii=False))
    else:
        simulator = LegacySimulator(args.port, args.rows, args.throttle_every, args.root)
        sys.stdout.write(f"Legacy ERP simulator on {simulator.url} (Ctrl+C stops it)\n")
        try:
            simulator._server.serve_forever()
        except KeyboardInterrupt:
            simulator._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
