"""A legacy ERP connected in one step, and its messages sent through the real HTTP API.

``LegacyCase`` connects ``LEGACY`` through *Connect a system* (every flow of the catalog,
approved and active, an API key for its service account), gives it the status and account
value maps, and sends messages with ``send(flow, payload)``: ``POST
/integration/v1/LEGACY/<flow>`` with the key, then the queue is worked as the scheduled
action does.
"""

import json
import uuid

from odoo.tests import HttpCase, new_test_user

from odoo.addons.integration_core.tests.common import with_encryption_key
from odoo.addons.integration_core.tests.helpers import run_queue

STATUS_MAPS = {
    "sale_status": {"OPEN": "draft", "REL": "sale", "CLOSED": "done", "CANC": "cancel"},
    "purchase_status": {"OPEN": "draft", "REL": "purchase", "CLOSED": "done", "CANC": "cancel"},
}


class LegacyCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.service = new_test_user(
            cls.env,
            login="legacy_service",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.reviewer = new_test_user(
            cls.env, login="legacy_reviewer", groups="integration_core.group_integration_user"
        )
        wizard = cls.env["integration.connect"].create(
            {
                "system_type": "legacy_erp",
                "name": "Acquired plant's ERP",
                "code": "LEGACY",
                "environment": "test",
                "service_user_id": cls.service.id,
            }
        )
        cls.legacy, cls.secret = wizard._connect()
        cls.legacy.rate_limit_per_minute = 0
        cls.legacy.flow_ids.action_approve()
        cls.legacy.flow_ids.action_activate()
        ValueMap = cls.env["integration.value.map"]
        for name, values in STATUS_MAPS.items():
            ValueMap.create(
                {
                    "name": name,
                    "endpoint_id": cls.legacy.id,
                    "line_ids": [
                        (0, 0, {"external_value": external, "internal_value": internal})
                        for external, internal in values.items()
                    ],
                }
            )

    def send(self, flow, payload, status=202):
        """POST ``payload`` (a ``message_id`` and ``sent_at`` are added) to the legacy flow
        through the HTTP API, then work the queue; return the message."""
        payload = dict(
            {"message_id": uuid.uuid4().hex, "sent_at": "2026-12-01T08:00:00Z"}, **payload
        )
        response = self.opener.post(
            f"{self.base_url()}/integration/v1/LEGACY/{flow}",
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.secret}",
            },
            timeout=30,
        )
        self.assertEqual(response.status_code, status, response.text)
        run_queue(self.env)
        return self.env["integration.message"].search(
            [("endpoint_id", "=", self.legacy.id), ("idempotency_key", "=", payload["message_id"])]
        )

    def xref(self, model, code):
        return self.env["integration.xref"]._resolve(self.legacy, model, code)

    def item(self, code, name, **values):
        return dict({"code": code, "name": name, "uom": "Units"}, **values)
