import importlib.util
from pathlib import Path

from odoo.tests import tagged

from ..models.integration_message_effect import result_refs
from .common import IntegrationCase

MIGRATION = Path(__file__).parents[1] / "migrations" / "18.0.1.3.0" / "post-migration.py"


@tagged("post_install", "-at_install")
class TestMessageEffect(IntegrationCase):
    """The records a message created or changed are linked to it, on its form and its card."""

    def enqueue(self, payload, flow=None):
        return self.env["integration.message"].enqueue(flow or self.flow, payload)

    def contact(self, code):
        return self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)

    def test_a_done_message_links_the_records_its_handler_returned(self):
        message = self.enqueue({"ref": "E-1", "name": "Effect & Co"})
        failed = self.enqueue({"ref": "E-2"})  # no name: refused, no effect
        self.run_queue()
        partner = self.contact("E-1")
        self.assertEqual(
            [(e.res_model, e.res_id) for e in message.effect_ids], [("res.partner", partner.id)]
        )
        self.assertEqual(message.effect_ids.display_name, f"Contact: {partner.display_name}")
        self.assertEqual(message._result_records(), partner)
        self.assertIn(f'href="/odoo/res.partner/{partner.id}"', message.result_links)
        self.assertIn("Effect &amp; Co", message.result_links)
        self.assertEqual(
            (failed.state, failed.effect_ids), ("failed", self.env[failed.effect_ids._name])
        )
        self.assertIsNone(failed._result_records())
        touched = self.env["integration.message.effect"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(touched.message_id, message)

    def test_handlers_may_return_records_of_several_models(self):
        partner = self.env["res.partner"].create({"name": "P"})
        company = self.env.company
        self.assertEqual(
            result_refs([partner, company, None]),
            [("res.partner", partner.id), ("res.company", company.id)],
        )
        self.assertEqual(result_refs(None), [])
        self.assertEqual(result_refs({"status_code": 200}), [])

    def test_an_exception_card_opens_what_its_messages_produced_once_solved(self):
        child = self.enqueue({"ref": "E-10", "name": "Child", "parent_ref": "E-COMP"})
        self.run_queue()
        card = child.exception_id
        self.assertEqual((child.state, card.related_model), ("waiting", False))
        self.enqueue({"ref": "E-COMP", "name": "Parent company"})
        self.run_queue()
        self.run_queue()
        self.assertEqual(child.state, "done")
        card.invalidate_recordset()
        self.assertEqual((card.related_model, card.related_summary), ("res.partner", "Contact: 1"))
        action = card.action_open_related()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", self.contact("E-10").id)
        )

    def test_the_migration_turns_result_ids_into_effects(self):
        """18.0.1.3.0 on a database of the text columns: one effect per id, columns gone."""
        partners = self.env["res.partner"].create([{"name": "M1"}, {"name": "M2"}])
        old, empty = self.enqueue({"ref": "M-1", "name": "x"}), self.enqueue({"ref": "M-2"})
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE integration_message ADD COLUMN result_model varchar,"
            " ADD COLUMN result_ids varchar"
        )
        self.env.cr.execute(
            "UPDATE integration_message SET result_model = 'res.partner', result_ids = %s"
            " WHERE id = %s",
            [",".join(map(str, partners.ids)), old.id],
        )
        spec = importlib.util.spec_from_file_location("integration_core_18_0_1_3_0", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(old._result_records(), partners)
        self.assertEqual(old.effect_ids.company_id, old.company_id)
        self.assertFalse(empty.effect_ids)
        self.env.cr.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name ="
            " 'integration_message' AND column_name IN ('result_model', 'result_ids')"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
