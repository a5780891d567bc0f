from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestSequenceGateFlow(IntegrationCase):
    """Any inbound flow with a sequence path is gated by the queue; its handler knows nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gated = cls.make_flow(
            "partner.sequenced",
            "integration.handler.partner",
            sequence_path="seq",
            sequence_key_path="ref",
        )

    def enqueue(self, payload):
        return self.env["integration.message"].enqueue(self.gated, payload)

    def partner(self, code):
        return self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)

    def test_numbers_apply_in_order_a_gap_waits_and_a_repeat_changes_nothing(self):
        third = self.enqueue({"ref": "S-1", "seq": 3, "name": "Third"})
        second = self.enqueue({"ref": "S-1", "seq": 2, "name": "Second"})
        self.run_queue()
        self.assertEqual((third.state, second.state), ("waiting", "waiting"))
        self.assertEqual(
            (second.waiting_model, second.waiting_code), ("integration.sequence", "S-1#1")
        )
        self.assertFalse(self.partner("S-1"), "nothing applied before the first number")
        first = self.enqueue({"ref": "S-1", "seq": 1, "name": "First"})
        for _batch in range(3):
            self.run_queue()
        self.assertEqual((first | second | third).mapped("state"), ["done"] * 3)
        self.assertEqual(self.partner("S-1").name, "Third")
        self.assertLess(second.attempt_ids[:1].id, third.attempt_ids[:1].id)
        repeat = self.enqueue({"ref": "S-1", "seq": 2, "name": "Second again"})
        self.run_queue()
        self.assertEqual(repeat.state, "done")
        self.assertFalse(repeat.effect_ids, "a number already applied is not applied again")
        self.assertEqual(self.partner("S-1").name, "Third")

    def test_a_failed_message_does_not_advance_its_key(self):
        refused = self.enqueue({"ref": "S-2", "seq": 1})  # no name: refused
        self.run_queue()
        self.assertEqual(refused.state, "failed")
        retry = self.enqueue({"ref": "S-2", "seq": 1, "name": "Fixed"})
        self.run_queue()
        self.assertEqual(retry.state, "done", retry.error)
        self.assertEqual(self.partner("S-2").name, "Fixed")

    def test_a_message_without_its_number_is_refused(self):
        message = self.enqueue({"ref": "S-3", "name": "No number"})
        self.run_queue()
        self.assertEqual((message.state, message.exception_id.category), ("failed", "validation"))
        self.assertIn("seq", message.error)
