from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..lib.explanations import first_sentence, headline
from ..models.integration_exception import _title
from .common import IntegrationCase, make_integration_users


@tagged("post_install", "-at_install")
class TestCockpitFeedback(IntegrationCase):
    """What a person sees on a card: whole titles, retry outcomes, how a card closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.Message = cls.env["integration.message"]

    def failed(self, payload):
        message = self.Message.enqueue(self.flow, payload)
        self.run_queue()
        self.assertEqual(message.state, "failed")
        return message

    def test_titles_end_at_a_word_and_the_card_carries_the_whole_first_sentence(self):
        error = (
            "Production result for work order WH/MO/00006 was refused: the reported quantity "
            "of 12 exceeds the 4 units planned on the order by more than the tolerance allowed "
            "for this product. Second sentence with details."
        )
        title = _title(self.flow, "validation", error)
        self.assertTrue(title.startswith("TEST_SYS/partner.upsert: Production result"))
        self.assertLessEqual(len(title), 160)
        self.assertTrue(title.endswith("…"))
        shown = title.removesuffix("…")
        self.assertIn(shown.rsplit(" ", 1)[-1], error.split(), "the title ends at a whole word")
        self.assertEqual(
            first_sentence(error), error.split(" Second")[0], "the first sentence, complete"
        )
        short = "TEST_SYS/partner.upsert: unknown uom: cannot convert 'box' to kg."
        self.assertEqual(headline(short), short, "a short cause is never cut")
        self.assertEqual(
            first_sentence("Quantity 3.5 is too high. Then"), "Quantity 3.5 is too high."
        )
        card = self.failed({"ref": "NOBODY"}).exception_id
        self.assertEqual(card.cause, "A new contact needs a name (code NOBODY).")
        self.assertEqual(card.name, "TEST_SYS/partner.upsert: " + card.cause)
        self.assertTrue(card.title_has_cause, "the card does not repeat it under the title")

    def test_retry_that_works_says_done_and_the_card_resolves(self):
        message = self.failed({"ref": "LATE-1"})
        card = message.exception_id.with_user(self.users["user"])
        message.sudo().write({"payload": '{"ref": "LATE-1", "name": "Late Supplier"}'})
        feedback = card.action_retry()
        self.assertEqual(message.state, "done")
        self.assertEqual(feedback["params"]["type"], "success")
        self.assertEqual(feedback["params"]["title"], "Retried 1 message")
        self.assertEqual(feedback["params"]["message"], "1 done")
        self.assertEqual(feedback["params"]["next"]["tag"], "soft_reload")
        self.assertEqual(card.state, "resolved")
        self.assertEqual((card.closed_how, card.closed_by_id), ("by_itself", self.users["user"]))
        self.assertTrue(card.closed_at)
        self.assertTrue(card.closed_summary.startswith("Resolved by itself"))
        self.assertEqual(card.attention, "resolved", "its kanban bar says closed, not severity")

    def test_retry_is_for_integration_users_only(self):
        card = self.failed({"ref": "API-1"}).exception_id
        with self.assertRaises(AccessError):
            card.with_user(self.users["api"]).action_retry()
        self.assertEqual(card.integration_message_ids.state, "failed")

    def test_closed_cards_say_how_they_closed_and_reopen_clean(self):
        card = self.failed({"ref": "IGN-1"}).exception_id.with_user(self.users["user"])
        self.assertEqual(card.attention, "medium")
        self.assertFalse(card.closed_summary)
        self.env["integration.exception.ignore"].with_user(self.users["user"]).create(
            {"exception_ids": [(6, 0, card.ids)], "reason": "Test data"}
        ).action_ignore()
        self.assertEqual(
            (card.state, card.closed_how, card.attention), ("ignored", "ignored", "ignored")
        )
        self.assertIn(f"Ignored by {self.users['user'].name}", card.closed_summary)
        card.write({"state": "new"})
        self.assertFalse(card.closed_at or card.closed_how or card.closed_summary)
        card.write({"state": "resolved"})
        self.assertIn("Marked resolved by", card.closed_summary)

    def test_message_form_links_what_the_message_created(self):
        message = self.Message.enqueue(
            self.flow, {"ref": "LINK-1", "name": "Linked Ltd", "sequence": 7}
        )
        self.run_queue()
        self.assertEqual(message.state, "done")
        partner = self.env["res.partner"].search([("ref", "=", "LINK-1")])
        self.assertIn(f'href="/odoo/res.partner/{partner.id}"', message.result_links)
        self.assertIn("Linked Ltd", message.result_links)
        self.assertEqual(message.payload_sequence, "7")

    def test_flows_in_use_are_archived_not_deleted(self):
        self.failed({"ref": "KEEP-1"})
        manager = self.users["manager"]
        flow = self.flow.with_user(manager)
        with self.assertRaisesRegex(UserError, "archive it instead"):
            flow.unlink()
        flow.action_archive()
        self.assertEqual((flow.active, flow.state), (False, "retired"))
        self.assertTrue(self.Message.search([("flow_id", "=", flow.id)]), "messages kept")
        draft = (
            self.env["integration.flow"]
            .with_user(manager)
            .create(
                {
                    "name": "Unused",
                    "code": "unused.draft",
                    "endpoint_id": self.endpoint.id,
                    "direction": "inbound",
                    "handler": "integration.handler.noop",
                }
            )
        )
        draft.unlink()
        self.assertFalse(draft.exists(), "an unused draft may still be deleted")
