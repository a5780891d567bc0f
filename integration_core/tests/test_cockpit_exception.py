from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IntegrationCase, make_integration_users


@tagged("post_install", "-at_install")
class TestCockpitExceptions(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.Message = cls.env["integration.message"]
        cls.Exception = cls.env["integration.exception"]

    def enqueue(self, payload):
        return self.Message.enqueue(self.flow, payload)

    def cards(self):
        return self.Exception.search([("flow_id", "=", self.flow.id)])

    def chatter(self, card):
        return " ".join(card.message_ids.mapped("body"))

    def test_two_hundred_failures_on_one_missing_item_make_one_card(self):
        items = [
            {"payload": {"ref": f"C-{n}", "name": "x", "parent_ref": "COMP-404"}}
            for n in range(200)
        ]
        items.append({"payload": {"ref": "C-other", "name": "y", "parent_ref": "COMP-405"}})
        messages = self.Message.browse(
            m.id for m, _new in self.Message.enqueue_batch(self.flow, items)
        )
        self.run_queue()
        cards = self.cards()
        self.assertEqual(len(cards), 2, "one card per missing item, not one per message")
        card = cards.filtered(lambda c: "COMP-404" in c.waiting_reference)
        self.assertEqual((card.message_count, card.failing_count), (200, 200))
        self.assertEqual(card.category, "missing_master_data")
        self.assertIn("does not know yet", card.explanation)
        self.assertIn("Cross-references", card.suggested_action)
        self.assertFalse(card.related_model, "nothing was created yet")
        # Someone creates the missing company: the 200 continue and the card resolves itself.
        company = self.env["res.partner"].create({"name": "Missing company", "is_company": True})
        self.env["integration.xref"]._link(self.endpoint, "COMP-404", company)
        self.run_queue()
        self.assertEqual(set(messages[:200].mapped("state")), {"done"})
        self.assertEqual((card.state, card.failing_count), ("resolved", 0))
        self.assertIn("Resolved by itself", self.chatter(card))
        self.assertEqual(cards.filtered(lambda c: c != card).state, "new")
        # The card leads to the records its messages made.
        self.assertEqual(card.related_model, "res.partner")
        action = card.action_open_related()
        self.assertEqual(len(action["domain"][0][2]), 200)
        self.assertEqual(
            set(self.env["res.partner"].browse(action["domain"][0][2]).mapped("parent_id")),
            {company},
        )

    def test_card_reopens_when_its_cause_fails_again(self):
        first = self.enqueue({"ref": "NEW-1"})  # a new contact without a name: invalid
        self.run_queue()
        card = first.exception_id
        self.assertEqual((card.category, card.state), ("validation", "new"))
        card.with_user(self.users["user"]).write({"state": "resolved"})  # someone thinks so
        first.with_user(self.users["user"]).action_retry()
        self.run_queue()
        self.assertEqual(first.exception_id, card, "same cause, same card")
        self.assertEqual(card.state, "new")
        self.assertIn("Reopened", self.chatter(card))
        # Cancelled messages no longer fail: the card resolves; the cause recurring reopens it.
        first.action_cancel()
        self.assertEqual(card.state, "resolved")
        second = self.enqueue({"ref": "NEW-2"})
        self.run_queue()
        self.assertEqual(second.exception_id, card)
        self.assertEqual((card.state, card.message_count), ("new", 2))

    def test_messages_failing_for_another_cause_leave_their_old_card(self):
        message = self.enqueue({"ref": "NEW-3"})
        self.run_queue()
        old_card = message.exception_id
        self.env["integration.message.edit"]._replace_payload(
            message, '{"ref": "NEW-3", "name": "Named", "city": 5}', "name added"
        )
        message.action_retry()
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertNotEqual(message.exception_id, old_card)
        self.assertIn("city", message.exception_id.error)
        self.assertEqual((old_card.state, old_card.message_count), ("resolved", 0))

    def test_ignore_needs_a_reason_that_is_kept(self):
        message = self.enqueue({"ref": "NEW-4"})
        self.run_queue()
        card = message.exception_id.with_user(self.users["user"])
        with self.assertRaisesRegex(UserError, "reason"):
            card.write({"state": "ignored"})  # e.g. dragged to the Ignored column
        Wizard = self.env["integration.exception.ignore"].with_user(self.users["user"])
        with self.assertRaisesRegex(UserError, "why"):
            Wizard.create({"exception_ids": card.ids, "reason": "   "}).action_ignore()
        Wizard.create(
            {"exception_ids": card.ids, "reason": "Commissioning test data"}
        ).action_ignore()
        self.assertEqual((card.state, card.ignore_reason), ("ignored", "Commissioning test data"))
        self.assertEqual(message.state, "cancelled", "it no longer holds back its ordering key")
        last_post = card.message_ids.filtered(lambda m: "Reason" in (m.body or ""))[:1]
        self.assertIn("Commissioning test data", last_post.body)
        self.assertEqual(last_post.author_id, self.users["user"].partner_id)

    def test_assign_and_retry_from_the_card(self):
        messages = self.enqueue({"ref": "NEW-5"}) | self.enqueue({"ref": "NEW-6"})
        self.run_queue()
        card = messages.exception_id.with_user(self.users["user"])
        self.assertEqual(len(card), 1)
        card.action_assign_to_me()
        self.assertEqual((card.user_id, card.state), (self.users["user"], "in_progress"))
        # Retry tries them at once: still no name, so they fail again and the card goes back
        # to New, with its assignee, and the person is told so with the new error.
        feedback = card.action_retry()
        self.assertEqual(set(messages.mapped("state")), {"failed"})
        self.assertEqual(set(messages.mapped("attempts")), {2})
        self.assertEqual((card.state, card.user_id), ("new", self.users["user"]))
        params = feedback["params"]
        self.assertEqual((params["type"], params["title"]), ("danger", "Retried 2 messages"))
        self.assertIn("2 failed again", params["message"])
        self.assertIn("needs a name", params["message"])
        self.assertIn("Retry: 2 failed again", self.chatter(card))
        messages.action_cancel()
        with self.assertRaisesRegex(UserError, "No failed"):
            card.action_retry()

    def test_kanban_shows_all_four_stages_and_the_runbook(self):
        self.flow.runbook = "<p>Call the plant's MES team on 1234.</p>"
        message = self.enqueue({"ref": "NEW-7"})
        self.run_queue()
        groups = self.Exception.with_user(self.users["user"]).web_read_group(
            [("flow_id", "=", self.flow.id)], ["state"], ["state"]
        )["groups"]
        self.assertEqual(
            [g["state"] for g in groups], ["new", "in_progress", "resolved", "ignored"]
        )
        self.assertIn("1234", message.exception_id.runbook)
