import json
import os

from odoo import fields, models

from odoo.addons.integration_core.lib.errors import PermanentError, TransientError
from odoo.addons.integration_core.tools.transports import body_bytes

from ..lib import line_spool


class IntegrationEndpoint(models.Model):
    """A system kind and a transport added without a line of the core changed: the line spool
    transport is a selection value and its ``_send_``, ``_test_`` and ``_poll_`` methods."""

    _inherit = "integration.endpoint"

    system_type = fields.Selection(
        selection_add=[("kit_example", "Kit example (tests)"), ("kit_bins", "Kit bins (tests)")],
        ondelete={"kit_example": "cascade", "kit_bins": "cascade"},
    )
    transport = fields.Selection(
        selection_add=[("line_spool", "Line spool folder (example)")],
        ondelete={"line_spool": "set default"},
    )

    def _spool_folder(self):
        if not self.file_root:
            raise PermanentError(f"Endpoint {self.code} has no spool folder (Drop folder).")
        return self.file_root

    def _send_line_spool(self, flow, message, request):
        record = {
            "flow": flow.code,
            "id": message.idempotency_key,
            "headers": request.get("headers") or {},
            "body": body_bytes(request).decode(),
        }
        try:
            line_spool.append(self._spool_folder(), record)
        except OSError as error:
            raise TransientError(f"Cannot append to the spool of {self.code}: {error}") from None

    def _test_line_spool(self):
        folder = self.file_root or ""
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return True, f"Spool folder {folder} is writable."
        return False, f"Spool folder {folder or '(none)'} is missing or not writable."

    def _poll_line_spool(self):
        """Each inbox line ``{"flow", "id", "body"}`` into the inbox, committed one by one."""
        folder = self._spool_folder()
        poller = self.env["integration.inbound.poller"]
        for line in line_spool.take(folder):
            try:
                record = json.loads(line)
                with self.env.registry.cursor() as cr:
                    poller.with_env(self.env(cr=cr))._receive(
                        self.with_env(self.env(cr=cr)),
                        record.get("flow"),
                        json.dumps(record.get("body")).encode(),
                        message_id=record.get("id"),
                    )
            except (ValueError, AttributeError, PermanentError):
                line_spool.append(folder, line, line_spool.REJECTED)
        line_spool.taken(folder)
