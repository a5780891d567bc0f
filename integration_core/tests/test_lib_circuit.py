import dataclasses

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import circuit

COOLDOWN = 60.0
THRESHOLD = 3
T0 = 1_700_000_000.0


@tagged("post_install", "-at_install")
class TestCircuitBreaker(BaseCase):
    def fail(self, state, times, now=T0):
        for _ in range(times):
            state = circuit.on_failure(state, now, THRESHOLD)
        return state

    def test_closed_circuit_lets_requests_through(self):
        allowed, state = circuit.allow(circuit.CircuitState(), T0, COOLDOWN)
        self.assertTrue(allowed)
        self.assertEqual(state, circuit.CircuitState())

    def test_opens_after_threshold_consecutive_failures(self):
        state = self.fail(circuit.CircuitState(), THRESHOLD - 1)
        self.assertEqual((state.state, state.failures), ("closed", THRESHOLD - 1))
        self.assertTrue(circuit.allow(state, T0, COOLDOWN)[0])
        state = circuit.on_failure(state, T0 + 5, THRESHOLD)
        self.assertEqual(state, circuit.CircuitState("open", THRESHOLD, T0 + 5))

    def test_success_resets_the_consecutive_count(self):
        state = self.fail(circuit.CircuitState(), THRESHOLD - 1)
        state = circuit.on_success(state)
        state = self.fail(state, THRESHOLD - 1)
        self.assertEqual(state.state, "closed")

    def test_open_circuit_refuses_during_cooldown(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        for now in (T0, T0 + 1, T0 + COOLDOWN - 0.001):
            allowed, state = circuit.allow(opened, now, COOLDOWN)
            self.assertFalse(allowed)
            self.assertEqual(state, opened)

    def test_one_probe_after_cooldown_then_refuse(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        allowed, probing = circuit.allow(opened, T0 + COOLDOWN, COOLDOWN)
        self.assertTrue(allowed)
        self.assertEqual(probing.state, "half_open")
        allowed, again = circuit.allow(probing, T0 + COOLDOWN + 1, COOLDOWN)
        self.assertFalse(allowed, "only one probe at a time")
        self.assertEqual(again, probing)

    def test_successful_probe_closes(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        _allowed, probing = circuit.allow(opened, T0 + COOLDOWN, COOLDOWN)
        closed = circuit.on_success(probing)
        self.assertEqual(closed, circuit.CircuitState("closed", 0, None))
        self.assertTrue(circuit.allow(closed, T0 + COOLDOWN + 1, COOLDOWN)[0])

    def test_failed_probe_reopens_for_a_fresh_cooldown(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        probe_at = T0 + COOLDOWN + 10
        _allowed, probing = circuit.allow(opened, probe_at, COOLDOWN)
        failed_at = probe_at + 2
        reopened = circuit.on_failure(probing, failed_at, THRESHOLD)
        self.assertEqual(reopened.state, "open")
        self.assertEqual(reopened.opened_at, failed_at)
        self.assertEqual(reopened.failures, THRESHOLD + 1)
        self.assertFalse(circuit.allow(reopened, failed_at + COOLDOWN - 1, COOLDOWN)[0])
        self.assertTrue(circuit.allow(reopened, failed_at + COOLDOWN, COOLDOWN)[0])

    def test_lost_probe_does_not_block_forever(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        _allowed, probing = circuit.allow(opened, T0 + COOLDOWN, COOLDOWN)
        allowed, probing_again = circuit.allow(probing, T0 + 2 * COOLDOWN, COOLDOWN)
        self.assertTrue(allowed)
        self.assertEqual(probing_again.opened_at, T0 + 2 * COOLDOWN)

    def test_late_failures_while_open_do_not_extend_cooldown(self):
        opened = self.fail(circuit.CircuitState(), THRESHOLD)
        later = circuit.on_failure(opened, T0 + 30, THRESHOLD)
        self.assertEqual(later.opened_at, T0)
        self.assertEqual(later.failures, THRESHOLD + 1)
        self.assertTrue(circuit.allow(later, T0 + COOLDOWN, COOLDOWN)[0])

    def test_threshold_of_one_opens_at_first_failure(self):
        state = circuit.on_failure(circuit.CircuitState(), T0, 1)
        self.assertEqual(state.state, "open")

    def test_state_is_immutable_and_functions_are_pure(self):
        state = circuit.CircuitState("closed", 2, None)
        circuit.on_failure(state, T0, THRESHOLD)
        self.assertEqual(state, circuit.CircuitState("closed", 2, None))
        with self.assertRaises(dataclasses.FrozenInstanceError):
            state.failures = 0

    def test_invalid_input_is_refused(self):
        with self.assertRaises(ValueError):
            circuit.CircuitState("broken")
        with self.assertRaises(ValueError):
            circuit.CircuitState("open", 3, None)
        with self.assertRaises(ValueError):
            circuit.on_failure(circuit.CircuitState(), T0, 0)
