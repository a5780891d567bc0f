from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestParkAndResume(IntegrationCase):
    def enqueue(self, payload, **options):
        return self.env["integration.message"].enqueue(self.flow, payload, **options)

    def xref(self, code):
        return self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)

    def test_message_waits_for_missing_master_data_and_resumes_in_order(self):
        self.flow.ordering_key_path = "parent_ref"
        first = self.enqueue({"ref": "P-1", "name": "Anna", "parent_ref": "COMP-1"})
        second = self.enqueue({"ref": "P-2", "name": "Bruno", "parent_ref": "COMP-1"})
        self.run_queue()
        self.assertEqual(first.state, "waiting")
        self.assertEqual((first.waiting_model, first.waiting_code), ("res.partner", "COMP-1"))
        self.assertTrue(first.waiting_deadline > first.waiting_since)
        self.assertEqual(second.state, "pending", "blocked behind the parked message")
        exception = first.exception_id
        self.assertEqual(exception.category, "missing_master_data")
        self.assertEqual(exception.severity, "low")
        # The company arrives (through another flow, here the same one without the key).
        company = self.enqueue({"ref": "COMP-1", "name": "Nordic Castings"})
        self.run_queue()
        self.assertEqual(company.state, "done")
        self.run_queue()
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertLess(first.attempt_ids[:1].id, second.attempt_ids[:1].id)
        self.assertEqual(self.xref("P-1").parent_id, self.xref("COMP-1"))
        self.assertEqual(len(first.attempt_ids.filtered(lambda a: a.outcome == "done")), 1)
        self.assertEqual(exception.state, "resolved")

    def test_linking_a_cross_reference_resumes_waiting_messages(self):
        waiting = self.enqueue({"ref": "P-3", "name": "Clara", "parent_ref": "LEGACY-9"})
        self.run_queue()
        self.assertEqual(waiting.state, "waiting")
        existing = self.env["res.partner"].create({"name": "Existing customer in Odoo"})
        self.env["integration.xref"]._link(self.endpoint, "LEGACY-9", existing)
        waiting.invalidate_recordset()
        self.assertEqual(waiting.state, "pending")
        self.run_queue()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(self.xref("P-3").parent_id, existing)

    def test_a_reference_created_later_in_the_same_batch_resumes_at_once(self):
        """The child is parked before its company is created by the next message of the batch:
        it must not wait until the scheduled sweep or its deadline."""
        child = self.enqueue({"ref": "P-10", "name": "Erik", "parent_ref": "COMP-10"})
        company = self.enqueue({"ref": "COMP-10", "name": "Baltic Forge"})
        self.run_queue(max_batches=1)
        self.assertEqual(company.state, "done")
        self.assertEqual(child.state, "pending", "resumed by the batch that created the company")
        self.assertFalse(child.exception_id, "no missing master data to report")
        self.run_queue()
        self.assertEqual(child.state, "done")
        self.assertEqual(self.xref("P-10").parent_id, self.xref("COMP-10"))

    def test_the_sweep_resumes_what_waits_for_an_existing_reference(self):
        waiting = self.enqueue({"ref": "P-11", "name": "Frida", "parent_ref": "LEGACY-11"})
        self.run_queue()
        self.assertEqual(waiting.state, "waiting")
        Message = self.env["integration.message"]
        self.assertEqual(Message._resume_available(), 0)
        # A link written without the ORM (e.g. a bulk load in SQL) wakes nobody by itself.
        existing = self.env["res.partner"].create({"name": "Linked in bulk"})
        self.env.cr.execute(
            "INSERT INTO integration_xref (endpoint_id, model, external_code, res_id)"
            " VALUES (%s, 'res.partner', 'LEGACY-11', %s)",
            [self.endpoint.id, existing.id],
        )
        self.env["integration.queue.worker"]._cron_expire_waiting()
        waiting.invalidate_recordset()
        self.assertEqual(waiting.state, "pending")

    def test_waiting_past_the_deadline_becomes_a_failure(self):
        self.flow.waiting_deadline_minutes = 0
        waiting = self.enqueue({"ref": "P-4", "name": "Dora", "parent_ref": "NEVER"})
        self.run_queue()
        self.assertEqual(waiting.state, "waiting")
        self.env.cr.execute(
            "UPDATE integration_message SET waiting_deadline = waiting_deadline"
            " - interval '1 minute' WHERE id = %s",
            [waiting.id],
        )
        self.env["integration.message"].invalidate_model()
        self.assertEqual(self.env["integration.message"]._expire_waiting(), 1)
        self.assertEqual(waiting.state, "failed")
        self.assertIn("NEVER", waiting.error)
        self.assertEqual(waiting.exception_id.severity, "high")

    def test_repeated_master_data_updates_instead_of_duplicating(self):
        self.enqueue({"ref": "C-9", "name": "First name"})
        self.enqueue({"ref": "C-9", "name": "Renamed", "city": "Ulm"})
        self.run_queue()
        partner = self.xref("C-9")
        self.assertEqual((partner.name, partner.city), ("Renamed", "Ulm"))
        self.assertEqual(
            self.env["integration.xref"].search_count([("external_code", "=", "C-9")]), 1
        )

    def test_cross_references_are_unique_both_ways(self):
        Xref = self.env["integration.xref"]
        one = self.env["res.partner"].create({"name": "One"})
        two = self.env["res.partner"].create({"name": "Two"})
        Xref._link(self.endpoint, "X-1", one)
        Xref._link(self.endpoint, "X-1", one)  # idempotent
        with self.assertRaises(ValidationError):
            Xref._link(self.endpoint, "X-1", two)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            Xref.create(
                {
                    "endpoint_id": self.endpoint.id,
                    "model": "res.partner",
                    "external_code": "X-2",
                    "res_id": one.id,
                }
            )
        other_endpoint = self.env["integration.endpoint"].create(
            {"name": "Other plant", "code": "OTHER_PLANT", "environment": "test"}
        )
        Xref._link(other_endpoint, "X-1", two)
        self.assertEqual(Xref._resolve(other_endpoint, "res.partner", "X-1"), two)
        self.assertEqual(Xref._code_of(self.endpoint, one), "X-1")
