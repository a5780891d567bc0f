"""REST pull from the legacy ERP simulator: pages, watermark with overlap, rate limits."""

import datetime

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IntegrationCase
from .legacy_common import legacy_simulator

PULL_LOGGER = "odoo.addons.integration_core.tools.pull_source"


@tagged("post_install", "-at_install")
class TestLegacyRestPull(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.legacy = legacy_simulator().LegacySimulator(rows_per_table=20).start()
        self.addCleanup(self.legacy.stop)
        self.rest = self.env["integration.endpoint"].create(
            {
                "name": "Legacy ERP API",
                "code": "LEGACY_API",
                "environment": "test",
                "transport": "rest",
                "url": self.legacy.url + "/api",
            }
        )
        self.items = self.make_flow(
            "items",
            "integration.handler.noop",
            endpoint=self.rest,
            trigger="poll",
            pull_path="/items",
            pull_page_size=7,
            pull_overlap_seconds=120,
            pull_id_key="ITEMNO",
            pull_updated_key="UPDATED_AT",
        )

    def pull(self):
        self.env.flush_all()
        self.env["integration.inbound.poller"]._cron_poll_sources()
        self.env.invalidate_all()

    def messages(self):
        return self.env["integration.message"].search([("flow_id", "=", self.items.id)])

    def api_requests(self):
        return [path for method, path in self.legacy.requests if path.startswith("/api/items")]

    def test_every_page_is_pulled_and_the_watermark_kept(self):
        self.pull()
        messages = self.messages()
        self.assertEqual(len(messages), 20)
        self.assertEqual(len(self.api_requests()), 3, "pages of 7, 7 and 6 records")
        self.assertIn("page=2", self.api_requests()[1])
        self.assertEqual(self.items.pull_watermark, "2026-01-05T06:20:00Z")
        payloads = {m.get_payload_json()["ITEMNO"] for m in messages}
        self.assertEqual(len(payloads), 20)
        version = messages.filtered(lambda m: m.get_payload_json()["ITEMNO"] == "A-000003")
        self.assertRegex(version.idempotency_key, r"^A-000003@2026-01-05T06:03:00Z#[0-9a-f]{16}$")
        self.run_queue()
        self.assertEqual(set(messages.mapped("state")), {"done"})

    def test_a_change_is_picked_up_once_and_the_overlap_asks_again(self):
        self.pull()
        self.legacy.change("items", "A-000005", at="2026-01-05T07:00:00Z", DESCR="Neu")
        self.pull()
        self.assertIn("updated_since=2026-01-05T06%3A18%3A00Z", self.api_requests()[3])
        changed = self.messages().filtered(lambda m: m.get_payload_json()["ITEMNO"] == "A-000005")
        self.assertEqual(len(changed), 2, "the first version and the change")
        self.assertEqual(sorted(m.get_payload_json()["DESCR"] for m in changed)[1], "Neu")
        self.assertEqual(len(self.messages()), 21, "rows 18 to 20 again, as duplicates")
        self.assertEqual(self.items.pull_watermark, "2026-01-05T07:00:00Z")
        # Nothing changed since: the overlap brings the last change again, as a duplicate.
        self.pull()
        self.assertEqual(len(self.messages()), 21)

    def test_a_change_written_late_within_the_overlap_is_not_missed(self):
        self.pull()
        # A change stamped before the watermark (a slow transaction or another clock).
        self.legacy.change("items", "A-000007", at="2026-01-05T06:19:30Z", DESCR="Spät")
        self.pull()
        late = self.messages().filtered(lambda m: m.get_payload_json()["DESCR"] == "Spät")
        self.assertEqual(len(late), 1)

    @mute_logger(PULL_LOGGER)
    def test_a_rate_limit_stops_the_run_keeps_what_was_committed_and_resumes_later(self):
        # The first page is served, then two 429s.
        original = self.legacy._retry_after
        served = []

        def after_first_page():
            served.append(1)
            return 45 if len(served) in (2, 3) else original()

        self.legacy._retry_after = after_first_page
        self.pull()
        self.assertEqual(len(self.messages()), 7, "the first page, committed")
        self.assertEqual(self.items.pull_watermark, "2026-01-05T06:07:00Z")
        self.assertIn("Rate limited", self.items.pull_last_result)
        self.assertGreater(self.items.pull_resume_at, fields.Datetime.now())
        requests_before = len(self.api_requests())
        self.pull()  # paused: the source is not asked
        self.assertEqual(len(self.api_requests()), requests_before)
        self.items.pull_resume_at = fields.Datetime.now() - datetime.timedelta(seconds=1)
        self.pull()  # the second 429
        self.assertEqual(len(self.messages()), 7)
        self.items.pull_resume_at = fields.Datetime.now() - datetime.timedelta(seconds=1)
        self.pull()
        self.assertEqual(len(self.messages()), 20, "the rest, nothing twice")
        self.assertEqual(self.items.pull_watermark, "2026-01-05T06:20:00Z")

    @mute_logger(PULL_LOGGER)
    def test_an_unreachable_source_is_reported_on_the_flow(self):
        self.rest.url = "http://127.0.0.1:9/api"
        self.pull()
        self.assertFalse(self.messages())
        self.assertIn("connection failed", self.items.pull_last_result)
        self.assertFalse(self.items.pull_watermark)

    def test_the_same_endpoint_sends_what_odoo_owns_to_the_legacy_api(self):
        flow = self.make_flow(
            "order.status",
            "integration.handler.passthrough",
            direction="outbound",
            endpoint=self.rest,
            request_path="/order_status",
        )
        message = self.env["integration.message"].enqueue(
            flow, {"ORDERNO": "SO-00001", "STATUS": "SHIPPED"}, idempotency_key="so-1-shipped"
        )
        self.run_queue()
        self.assertEqual(message.state, "done")
        self.assertEqual(
            self.legacy.data.received,
            [
                {
                    "path": "/api/order_status",
                    "idempotency_key": "so-1-shipped",
                    "body": {"ORDERNO": "SO-00001", "STATUS": "SHIPPED"},
                }
            ],
        )
