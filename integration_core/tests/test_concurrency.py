import threading
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name, tagged

from .common import CapturedLogs


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(BaseCase):
    """Two workers with their own database connections, as two cron threads or servers have.

    The data is committed for real (other connections must see it) and removed afterwards.
    """

    MESSAGES = 300

    def setUp(self):
        super().setUp()
        # The test runner holds the registry lock for the whole run; environments built in
        # other threads take it too. Odoo's own test mode swaps it the same way.
        lock_patcher = patch.object(Registry, "_lock", DummyRLock())
        lock_patcher.start()
        self.addCleanup(lock_patcher.stop)
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            endpoint = env["integration.endpoint"].create(
                {"name": "Concurrency", "code": "CONC_TEST", "environment": "test"}
            )
            flow = env["integration.flow"].create(
                {
                    "name": "contacts",
                    "code": "contacts",
                    "endpoint_id": endpoint.id,
                    "direction": "inbound",
                    "handler": "integration.handler.partner",
                    "state": "active",
                }
            )
            self.endpoint_id, self.flow_id = endpoint.id, flow.id
        self.addCleanup(self._remove_committed_data)

    def _enqueue(self, payloads):
        """Commit messages for the test flow; return their ids."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            flow = env["integration.flow"].browse(self.flow_id)
            results = env["integration.message"].enqueue_batch(
                flow, [{"payload": payload} for payload in payloads]
            )
            return [message.id for message, _created in results]

    def _contacts(self, count):
        return self._enqueue([{"ref": f"CONC-{n}", "name": f"Contact {n}"} for n in range(count)])

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM integration_message WHERE flow_id = %s", [self.flow_id])
            cr.execute("DELETE FROM integration_exception WHERE flow_id = %s", [self.flow_id])
            cr.execute("DELETE FROM integration_xref WHERE endpoint_id = %s", [self.endpoint_id])
            cr.execute("DELETE FROM integration_flow WHERE id = %s", [self.flow_id])
            cr.execute("DELETE FROM integration_endpoint WHERE id = %s", [self.endpoint_id])
            cr.execute("DELETE FROM res_partner WHERE ref LIKE 'CONC-%%' OR ref = 'RACE-1'")

    def _in_parallel(self, work):
        results, errors = {}, []

        def run(name):
            try:
                with self.registry.cursor() as cr:
                    results[name] = work(api.Environment(cr, SUPERUSER_ID, {}), name)
            except Exception as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        return results

    def test_two_claimers_never_share_a_message(self):
        message_ids = self._contacts(self.MESSAGES)

        def claim_all(env, name):
            claimed = []
            worker = env["integration.queue.worker"]
            while batch := worker._claim_batch(20, name):
                env.cr.commit()  # pylint: disable=invalid-commit
                claimed.extend(batch)
            env.cr.commit()  # pylint: disable=invalid-commit
            return claimed

        results = self._in_parallel(claim_all)
        first, second = results["worker-0"], results["worker-1"]
        self.assertFalse(set(first) & set(second), "a message was claimed twice")
        self.assertEqual(sorted(first + second), sorted(message_ids))

    def test_a_claim_starting_its_transaction_reads_committed(self):
        # READ COMMITTED passes over rows another claimer has just committed, where Odoo's
        # REPEATABLE READ fails the claim (with two runner processes, most claims failed).
        self._contacts(3)
        with self.registry.cursor() as cr:
            worker = api.Environment(cr, SUPERUSER_ID, {})["integration.queue.worker"]
            self.assertEqual(len(worker._claim_batch(2, "rc")), 2)
            cr.execute("SHOW transaction_isolation")
            self.assertEqual(cr.fetchone()[0], "read committed")
            cr.commit()  # pylint: disable=invalid-commit
            cr.execute("SELECT 1")  # a transaction already begun keeps its isolation
            self.assertEqual(len(worker._claim_batch(2, "rc")), 1)
            cr.execute("SHOW transaction_isolation")
            self.assertEqual(cr.fetchone()[0], "repeatable read")

    def test_two_workers_apply_every_message_exactly_once(self):
        message_ids = self._contacts(self.MESSAGES)
        results = self._in_parallel(
            lambda env, _name: env["integration.queue.worker"]._work_queue(batch_size=25)
        )
        self.assertEqual(results["worker-0"] + results["worker-1"], self.MESSAGES)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, attempts, count(*) FROM integration_message WHERE flow_id = %s"
                " GROUP BY state, attempts",
                [self.flow_id],
            )
            self.assertEqual(cr.fetchall(), [("done", 1, self.MESSAGES)])
            cr.execute(
                "SELECT count(*), count(DISTINCT ref) FROM res_partner WHERE ref LIKE 'CONC-%%'"
            )
            self.assertEqual(cr.fetchone(), (self.MESSAGES, self.MESSAGES))
            cr.execute(
                "SELECT count(*) FROM integration_message_attempt WHERE message_id = ANY(%s)",
                [message_ids],
            )
            self.assertEqual(cr.fetchone()[0], self.MESSAGES)

    def test_two_messages_creating_one_record_at_once_make_one_record(self):
        """Two workers upsert the same code together: one record, one cross-reference."""
        message_ids = self._enqueue(
            [{"ref": "RACE-1", "name": "First"}, {"ref": "RACE-1", "name": "Second"}]
        )
        self._in_parallel(
            lambda env, _name: env["integration.queue.worker"]._work_queue(batch_size=1)
        )
        with self.registry.cursor() as cr:
            # A loser of the race was retried later; make that retry due and run it.
            cr.execute(
                "UPDATE integration_message SET next_attempt_at = now() AT TIME ZONE 'UTC'"
                " - interval '1 second' WHERE id = ANY(%s) AND state = 'pending'",
                [message_ids],
            )
            cr.commit()  # pylint: disable=invalid-commit
            api.Environment(cr, SUPERUSER_ID, {})["integration.queue.worker"]._work_queue()
            cr.execute("SELECT state FROM integration_message WHERE id = ANY(%s)", [message_ids])
            self.assertEqual([row[0] for row in cr.fetchall()], ["done", "done"])
            cr.execute(
                "SELECT count(*) FROM integration_xref WHERE endpoint_id = %s"
                " AND external_code = 'RACE-1'",
                [self.endpoint_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute("SELECT count(*) FROM res_partner WHERE ref = 'RACE-1'")
            self.assertEqual(cr.fetchone()[0], 1)

    def test_two_workers_failing_for_the_same_causes_make_one_card_per_cause(self):
        invalid = [{"name": f"No code {n}"} for n in range(self.MESSAGES // 2)]
        invalid += [{"ref": f"CONC-BAD-{n}", "name": 7} for n in range(self.MESSAGES // 2)]
        message_ids = self._enqueue(invalid)
        self._in_parallel(
            lambda env, _name: env["integration.queue.worker"]._work_queue(batch_size=10)
        )
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, attempts, count(*) FROM integration_message WHERE id = ANY(%s)"
                " GROUP BY state, attempts",
                [message_ids],
            )
            self.assertEqual(cr.fetchall(), [("failed", 1, self.MESSAGES)], "none stranded")
            cr.execute(
                "SELECT e.name, count(m.id) FROM integration_exception e"
                " JOIN integration_message m ON m.exception_id = e.id"
                " WHERE e.flow_id = %s GROUP BY e.name ORDER BY e.name",
                [self.flow_id],
            )
            cards = cr.fetchall()
            self.assertEqual([count for _name, count in cards], [150, 150], cards)
            cr.execute(
                "SELECT count(*) FROM integration_message_attempt WHERE message_id = ANY(%s)",
                [message_ids],
            )
            self.assertEqual(cr.fetchone()[0], self.MESSAGES, "one attempt row per try")

    def test_two_workers_counting_on_one_circuit_never_fail(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE integration_endpoint SET circuit_threshold = 1000 WHERE id = %s",
                [self.endpoint_id],
            )

        def count(env, _name):
            endpoint = env["integration.endpoint"].browse(self.endpoint_id)
            for _n in range(100):
                endpoint._circuit_record(success=False)
                endpoint._circuit_allows()

        self._in_parallel(count)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT circuit_failures FROM integration_endpoint WHERE id = %s",
                [self.endpoint_id],
            )
            self.assertEqual(cr.fetchone()[0], 200, "every failure counted once")

    def test_a_duplicate_racing_a_worker_fails_quietly_for_its_retry(self):
        """The duplicate's transaction began before a worker updated the message's row: it
        cannot serialize, and the caller retries (Odoo retries the request, the AMQP consumer
        requeues); the log shows no "bad query" error for this expected race."""
        [message_id] = self._contacts(1)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT idempotency_key FROM integration_message WHERE id = %s", [message_id]
            )
            key = cr.fetchone()[0]
        with self.registry.cursor() as duplicate_cr, self.registry.cursor() as worker_cr:
            duplicate_cr.execute("SELECT 1")  # its snapshot
            worker_cr.execute(
                "UPDATE integration_message SET state = 'processing' WHERE id = %s", [message_id]
            )
            worker_cr.commit()  # pylint: disable=invalid-commit
            env = api.Environment(duplicate_cr, SUPERUSER_ID, {})
            flow = env["integration.flow"].browse(self.flow_id)
            with CapturedLogs() as logs, self.assertRaises(psycopg2.errors.SerializationFailure):
                env["integration.message"].enqueue_batch(
                    flow, [{"payload": {"ref": "CONC-0"}, "idempotency_key": key}]
                )
        self.assertFalse([line for line in logs.lines if "bad query" in line])
