"""Fixtures for the legacy source tests: the legacy ERP simulator and a flat-file flow."""

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..tools.file_inbound import FILE_MIN_AGE
from .common import IntegrationCase

SIMULATOR = Path(__file__).resolve().parents[2] / "setup" / "legacy_simulator.py"


def legacy_simulator():
    """The standalone ``setup/legacy_simulator.py`` module (it imports nothing of Odoo)."""
    module = sys.modules.get("legacy_simulator")
    if module is None:
        spec = importlib.util.spec_from_file_location("legacy_simulator", SIMULATOR)
        module = importlib.util.module_from_spec(spec)
        sys.modules["legacy_simulator"] = module
        spec.loader.exec_module(module)
    return module


ITEM_COLUMNS = [
    ("ITEMNO", "default_code", "text", True, False),
    ("DESCR", "name", "text", True, False),
    ("UOM", "uom", "text", False, False),
    ("WEIGHT", "weight", "decimal", False, False),
    ("PRICE", "list_price", "decimal", True, False),
    ("UPDATED_AT", "updated_at", "text", False, False),
]
BOM_COLUMNS = [
    ("BOMNO", "bom_code", "text", True, True),
    ("PARENT", "product", "text", True, True),
    ("ITEMNO", "component", "text", True, False),
    ("QTY", "quantity", "decimal", True, False),
    ("UOM", "uom", "text", False, False),
]


class LegacyFileCase(IntegrationCase):
    """A drop-folder endpoint with flows reading the simulator's legacy CSV extracts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legacy = legacy_simulator()
        cls.file_endpoint = cls.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP drop folder",
                "code": "LEGACY_FILES",
                "environment": "test",
                "transport": "file",
                "file_root": "/nonexistent",  # each test gets its own folder
            }
        )
        cls.items_format = cls.make_format("Legacy items", ITEM_COLUMNS)
        cls.items_flow = cls.make_flow(
            "items",
            "integration.handler.noop",
            endpoint=cls.file_endpoint,
            file_format_id=cls.items_format.id,
        )

    @classmethod
    def make_format(cls, name, columns, **values):
        return cls.env["integration.file.format"].create(
            dict(
                {
                    "name": name,
                    "encoding": "cp1252",
                    "delimiter": ";",
                    "decimal_comma": True,
                    "column_ids": [
                        (
                            0,
                            0,
                            {
                                "source": source,
                                "key": key,
                                "value_type": kind,
                                "required": required,
                                "on_group": on_group,
                            },
                        )
                        for source, key, kind, required, on_group in columns
                    ],
                },
                **values,
            )
        )

    def setUp(self):
        super().setUp()
        self.root = Path(tempfile.mkdtemp(prefix="integration-legacy-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.file_endpoint.file_root = str(self.root)

    def extract(self, table, rows, flow_code=None, stamp=None):
        """Write a legacy extract into in/, old enough to be read at once."""
        path = self.legacy.write_extract(self.root, table, rows, flow_code, stamp)
        then = time.time() - FILE_MIN_AGE - 5
        os.utime(path, (then, then))
        return path

    def rows(self, table, count):
        return [self.legacy.generated_row(table, number) for number in range(1, count + 1)]

    def poll_files(self):
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_files()
        self.env.invalidate_all()

    def messages(self, flow):
        """The flow's messages in the order of their lines in the file."""
        messages = self.env["integration.message"].search([("flow_id", "=", flow.id)])
        return messages.sorted(lambda message: (message.get_headers() or {}).get("line", 0))

    def folder(self, name):
        return sorted(os.listdir(self.root / name)) if (self.root / name).exists() else []
