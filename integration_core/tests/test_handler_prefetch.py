"""A batch's handler names the records its messages will use; Odoo then reads them at once."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestHandlerPrefetch(IntegrationCase):
    def test_browse_reads_the_records_of_the_batch_together(self):
        partners = self.env["res.partner"].create([{"name": f"Batch {n}"} for n in range(5)])
        handler = self.env["integration.handler.noop"]
        batch = handler._with_batch_prefetch({"res.partner": partners.ids, "res.users": []})
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            names = [batch._browse("res.partner", pid).name for pid in partners.ids]
        self.assertEqual(names, partners.mapped("name"))
        self.env.invalidate_all()
        with self.assertQueryCount(5):  # without the batch's names: one read per record
            [handler._browse("res.partner", pid).name for pid in partners.ids]

    def test_worker_asks_each_flow_handler_once_per_batch(self):
        noop = self.make_flow("noop.flow", "integration.handler.noop")
        messages = self.env["integration.message"]
        contacts = [messages.enqueue(self.flow, {"ref": f"P-{n}", "name": "P"}) for n in range(3)]
        others = [messages.enqueue(noop, {"n": n}) for n in range(2)]
        asked = []
        handler_class = type(self.env["integration.handler.partner"])

        def prefetch(handler, batch):
            asked.append(sorted(batch.ids))
            return {"res.partner": []}

        with patch.object(handler_class, "_prefetch_inbound", prefetch, create=False):
            self.run_queue(batch_size=10)
        self.assertEqual(asked, [sorted(m.id for m in contacts)])
        states = {m.state for m in contacts + others}
        self.assertEqual(states, {"done"})

    def test_contact_updates_read_their_batch_together(self):
        Xref = self.env["integration.xref"]
        for n in range(10):
            Xref._create_linked(self.endpoint, "res.partner", f"U-{n}", {"name": f"U {n}"})
        messages = self.env["integration.message"]

        def update_all(tag):
            for n in range(10):
                payload = {"message_id": f"{tag}-{n}", "ref": f"U-{n}", "name": tag}
                messages.enqueue(self.flow, payload)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.run_queue(batch_size=20)
            return self.cr.sql_log_count - before

        with_hook = update_all("first")
        handler_class = type(self.env["integration.handler.partner"])
        with patch.object(handler_class, "_prefetch_inbound", lambda handler, batch: {}):
            without_hook = update_all("second")
        # 106 against 165 queries when written: at least 3 reads saved per contact.
        self.assertLess(with_hook + 30, without_hook, f"{with_hook} vs {without_hook} queries")
        partners = Xref.search([("endpoint_id", "=", self.endpoint.id)]).mapped("res_id")
        names = set(self.env["res.partner"].browse(partners).mapped("name"))
        self.assertEqual(names, {"second"})
