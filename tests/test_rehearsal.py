"""The final state of the merger-day rehearsal (``setup/demo.py``), checked on its database.

Tagged ``rehearsal`` and not ``standard``: these tests run only on a database where the day
was played, by ``python3 setup/test.py`` (after the whole suite) or ``--rehearsal``.
"""

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.integration_core.tests.browser_capture import capture, save

OPEN = ("new", "in_progress")
PNG_LIMIT = 300 * 1024


def _open_cards(env):
    cards = env["integration.exception"].search([("state", "in", OPEN)])
    return sorted((card.endpoint_id.code, card.category) for card in cards)


@tagged("rehearsal", "-standard", "post_install", "-at_install")
class TestRehearsal(TransactionCase):
    """What the day leaves: the quantities, the cards, the reconciliation, the entry."""

    def setUp(self):
        super().setUp()
        played = self.env["ir.config_parameter"].get_param("manufacturing_integration.demo_day")
        self.assertEqual(played, "5", "the day was not played to its end on this database")
        self.ref_ = self.env.ref

    def test_manufacturing(self):
        """Order 1 made 10 of 10 (the run delivered twice counted once, the run held back
        applied in its place), order 2's broken result posted nothing."""
        batch = self.ref_("integration_mes.demo_production_gearbox_batch").mes_work_order_id
        spares = self.ref_("integration_mes.demo_production_gearbox_spares").mes_work_order_id
        self.assertEqual((batch.qty_planned, batch.qty_produced), (10, 10))
        self.assertEqual(batch.state, "completed")
        productions = batch.production_ids
        self.assertEqual(sorted(productions.mapped("qty_produced")), [3, 3, 4])
        self.assertEqual(set(productions.mapped("state")), {"done"})
        self.assertEqual((spares.qty_planned, spares.qty_produced), (4, 0))

    def test_stock_after_the_warehouse(self):
        """The receipt (its first part delivered twice) and the delivery moved exactly what
        the WMS confirmed: 40 + 20 rolls and 12 + 8 sealant in, 30 rolls and 10 sealant out."""
        receipt = self.ref_("manufacturing_integration.demo_picking_plant2_receipt")
        delivery = self.ref_("manufacturing_integration.demo_picking_plant2_delivery")
        self.assertEqual((receipt.state, delivery.state), ("done", "done"))
        pickings = receipt | receipt.backorder_ids | delivery

        def moved(picking):
            return sorted((m.product_id.default_code, m.quantity) for m in picking.move_ids)

        self.assertEqual(
            [moved(picking) for picking in pickings],
            [
                [("FILM-500", 40), ("SEAL-20", 12)],
                [("FILM-500", 20), ("SEAL-20", 8)],
                [("FILM-500", 30), ("SEAL-20", 10)],
            ],
        )
        stock = delivery.location_id
        quants = self.env["stock.quant"].search(
            [("location_id", "child_of", stock.id), ("product_id.default_code", "like", "-")]
        )
        on_hand = sorted(
            (q.product_id.default_code, q.location_id.name, q.lot_id.name or "", q.quantity)
            for q in quants
            if q.quantity
        )
        self.assertEqual(
            on_hand,
            [
                ("FILM-500", "Damaged", "", 1),
                ("FILM-500", "Stock", "", 149),
                ("SEAL-20", "Stock", "SEAL-L100", 30),
                ("SEAL-20", "Stock", "SEAL-L200", 20),
            ],
        )

    def test_exception_cards(self):
        """Exactly the cards the day makes on purpose, no other: the demo data's two legacy
        messages and the unbalanced trial balance (invalid), three possible duplicates, the
        over-production, and the snapshot's two differences."""
        self.assertEqual(
            _open_cards(self.env),
            sorted(
                [("PLANT2_ERP", "validation")] * 3
                + [("PLANT2_ERP", "possible_duplicate")] * 3
                + [("PLANT1_MES", "validation"), ("PLANT2_WMS", "reconciliation")]
                + [("PLANT2_WMS", "reconciliation")]
            ),
        )

    def test_reconciliation(self):
        """The snapshot's run waits for a decision on its two differences."""
        runs = self.env["integration.reconciliation.run"].search(
            [("endpoint_id.code", "=", "PLANT2_WMS")]
        )
        self.assertEqual(len(runs), 1)
        self.assertEqual(
            (runs.state, runs.line_count, runs.matched_count, runs.different_count),
            ("to_review", 4, 2, 2),
        )
        self.assertEqual(runs.open_count, 2)
        differences = sorted(
            (line.product_id.default_code, line.difference_quantity)
            for line in runs.line_ids
            if line.status == "different"
        )
        self.assertEqual(differences, [("FILM-500", 1), ("SEAL-20", -1)])

    def test_trial_balance_posted_once(self):
        """The corrected trial balance is posted once; the unbalanced one wrote nothing."""
        moves = self.env["account.move"].search([("journal_id.code", "=", "LGCY")])
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.state, "posted")
        self.assertAlmostEqual(moves.amount_total, 60350.0)
        messages = self.env["integration.message"].search(
            [("flow_id.code", "=", "trial_balance"), ("endpoint_id.code", "=", "PLANT2_ERP")]
        )
        self.assertEqual(sorted(messages.mapped("state")), ["done", "failed"])

    def test_nothing_duplicated(self):
        """Each legacy item became one product, the possible duplicates none; the delivery
        sent twice by the MES made one manufacturing order (three in all for order 1)."""
        products = self.env["product.product"].with_context(active_test=False)
        codes = products.search([("default_code", "=like", "LG-%")]).mapped("default_code")
        self.assertEqual(
            sorted(codes),
            ["LG-A200", "LG-P100", "LG-P110", "LG-P120", "LG-P130", "LG-P140", "LG-P150"]
            + ["LG-P160"],
        )
        self.assertFalse(products.search([("default_code", "in", ("LG-DUP-1", "furn 7777"))]))
        xrefs = self.env["integration.xref"].search([("endpoint_id.code", "=", "PLANT2_ERP")])
        products = xrefs.filtered(lambda x: x.model == "product.product").mapped("external_code")
        self.assertEqual(len(products), len(set(products)))
        orders = sorted(
            (xref.model, xref.external_code)
            for xref in xrefs
            if xref.model in ("sale.order", "purchase.order")
        )
        self.assertEqual(
            orders,
            [
                ("purchase.order", "PO-55001"),
                ("sale.order", "SO-88001"),
                ("sale.order", "SO-88002"),
            ],
        )


@tagged("rehearsal", "-standard", "post_install", "-at_install")
class TestRehearsalScreens(HttpCase):
    """The README's two images of the day: the overview, the exception cards."""

    def test_screenshots(self):
        dashboard = capture(
            self,
            "/odoo/action-integration_core.integration_dashboard_action",
            "!!document.querySelector('.o_integration_latency .o_latency_row')",
            "admin",
            height=1180,
        )
        self.assertLess(len(dashboard), PNG_LIMIT)
        save("rehearsal-overview.png", dashboard)
        kanban = capture(
            self,
            "/odoo/action-integration_core.integration_exception_action",
            "document.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)').length >= 5",
            "admin",
        )
        self.assertLess(len(kanban), PNG_LIMIT)
        save("rehearsal-exceptions.png", kanban)
