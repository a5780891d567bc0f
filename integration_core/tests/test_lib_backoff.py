import random
from datetime import datetime, timezone

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import backoff


@tagged("post_install", "-at_install")
class TestNextDelay(BaseCase):
    def test_delay_doubles_from_base_without_jitter(self):
        delays = [backoff.next_delay(attempt, jitter=0) for attempt in range(1, 6)]
        self.assertEqual(delays, [10.0, 20.0, 40.0, 80.0, 160.0])

    def test_delay_is_capped_even_for_huge_attempt_numbers(self):
        self.assertEqual(backoff.next_delay(20, jitter=0), 3600.0)
        self.assertEqual(backoff.next_delay(100_000, jitter=0), 3600.0)
        self.assertEqual(backoff.next_delay(4, base=30, factor=3, cap=500, jitter=0), 500.0)

    def test_jitter_stays_in_bounds_and_spreads(self):
        rng = random.Random(42)
        for attempt in range(1, 16):
            nominal = min(10.0 * 2 ** (attempt - 1), 3600.0)
            draws = [backoff.next_delay(attempt, rng=rng) for _ in range(300)]
            for delay in draws:
                self.assertGreaterEqual(delay, nominal * 0.8)
                self.assertLessEqual(delay, min(nominal * 1.2, 3600.0))
            self.assertLess(min(draws), nominal * 0.9, "jitter reaches below the nominal delay")
            if nominal < 3600.0:
                self.assertGreater(max(draws), nominal * 1.1, "jitter reaches above it")

    def test_full_jitter_never_goes_negative(self):
        rng = random.Random(7)
        draws = [backoff.next_delay(1, jitter=1.5, rng=rng) for _ in range(500)]
        self.assertGreaterEqual(min(draws), 0.0)
        self.assertEqual(min(draws), 0.0, "a jitter above 100% is clamped at zero")

    def test_same_seed_gives_same_delays(self):
        first = [backoff.next_delay(3, rng=random.Random(5)) for _ in range(3)]
        second = [backoff.next_delay(3, rng=random.Random(5)) for _ in range(3)]
        self.assertEqual(first, second)

    def test_retry_after_wins_without_jitter_and_is_capped(self):
        rng = random.Random(1)
        self.assertEqual(backoff.next_delay(7, retry_after=42, rng=rng), 42.0)
        self.assertEqual(backoff.next_delay(1, retry_after=99_999), 3600.0)
        self.assertEqual(backoff.next_delay(1, retry_after=-5), 0.0)
        self.assertEqual(backoff.next_delay(1, retry_after=0), 0.0)

    def test_attempt_is_one_based(self):
        with self.assertRaises(ValueError):
            backoff.next_delay(0)


@tagged("post_install", "-at_install")
class TestParseRetryAfter(BaseCase):
    def test_delta_seconds(self):
        self.assertEqual(backoff.parse_retry_after("120"), 120.0)
        self.assertEqual(backoff.parse_retry_after(" 30 "), 30.0)
        self.assertEqual(backoff.parse_retry_after(0), 0.0)

    def test_http_date_counts_from_now(self):
        now = datetime(2015, 10, 21, 7, 26, 0, tzinfo=timezone.utc).timestamp()
        value = "Wed, 21 Oct 2015 07:28:00 GMT"
        self.assertEqual(backoff.parse_retry_after(value, now=now), 120.0)

    def test_http_date_in_the_past_means_now(self):
        self.assertEqual(backoff.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0)

    def test_http_date_defaults_to_current_time(self):
        delay = backoff.parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
        self.assertGreater(delay, 365 * 24 * 3600)

    def test_garbage_gives_none(self):
        for value in (None, "", "   ", "soon", "-5", "nan", "inf", "1e999", [3], True):
            with self.subTest(value=value):
                self.assertIsNone(backoff.parse_retry_after(value))
