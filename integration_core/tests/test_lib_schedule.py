from datetime import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib.schedule import (
    NEVER,
    ScheduleError,
    WeeklyRange,
    days_label,
    is_open,
    open_interval,
    window_spans,
)

WEEKNIGHTS = frozenset(range(5))  # Monday to Friday
# Monday 1 December 2025; Berlin is UTC+1 in winter, UTC+2 in summer.
MONDAY_NOON = datetime(2025, 12, 1, 12, 0)


def nightly(tz="Europe/Berlin", days=WEEKNIGHTS, start=22.0, end=4.0):
    return WeeklyRange(frozenset(days), start, end, tz)


@tagged("post_install", "-at_install")
class TestScheduleRanges(BaseCase):
    def test_a_range_over_midnight_ends_the_next_day_in_its_time_zone(self):
        opens, closes = open_interval(MONDAY_NOON, [nightly()])
        # Monday 22:00 to Tuesday 04:00 in Berlin.
        self.assertEqual((opens, closes), (datetime(2025, 12, 1, 21), datetime(2025, 12, 2, 3)))
        self.assertFalse(is_open((opens, closes), MONDAY_NOON))
        inside = datetime(2025, 12, 2, 0, 30)  # Tuesday 01:30 in Berlin
        self.assertTrue(is_open(open_interval(inside, [nightly()]), inside))

    def test_friday_night_runs_into_saturday_and_the_weekend_stays_closed(self):
        saturday_morning = datetime(2025, 12, 6, 2, 0)  # 03:00 in Berlin: Friday's night
        interval = open_interval(saturday_morning, [nightly()])
        self.assertTrue(is_open(interval, saturday_morning))
        self.assertEqual(interval[1], datetime(2025, 12, 6, 3))
        saturday_noon = datetime(2025, 12, 6, 12)
        opens, _closes = open_interval(saturday_noon, [nightly()])
        self.assertEqual(opens, datetime(2025, 12, 8, 21), "next: Monday 22:00 in Berlin")

    def test_summer_time_moves_the_window_in_utc(self):
        july = datetime(2025, 7, 7, 12)  # a Monday
        self.assertEqual(open_interval(july, [nightly()])[0], datetime(2025, 7, 7, 20))

    def test_the_night_summer_time_starts(self):
        # Sunday 30 March 2025, 02:00 -> 03:00 in Berlin: 01:00-04:00 lasts two hours.
        night = WeeklyRange(frozenset({6}), 1.0, 4.0, "Europe/Berlin")
        opens, closes = open_interval(datetime(2025, 3, 29, 12), [night])
        self.assertEqual((opens, closes), (datetime(2025, 3, 30, 0), datetime(2025, 3, 30, 2)))

    def test_ranges_that_touch_or_overlap_are_one_stretch(self):
        evening = WeeklyRange(frozenset({0}), 18.0, 24.0, "UTC")
        night = WeeklyRange(frozenset({1}), 0.0, 6.0, "UTC")
        spans = window_spans([evening, night], MONDAY_NOON)
        self.assertIn((datetime(2025, 12, 1, 18), datetime(2025, 12, 2, 6)), spans)
        self.assertEqual(
            open_interval(MONDAY_NOON, [night, evening]),
            (datetime(2025, 12, 1, 18), datetime(2025, 12, 2, 6)),
        )

    def test_no_window_is_always_open(self):
        self.assertEqual(open_interval(MONDAY_NOON), (None, None))

    def test_a_whole_week_is_open_now(self):
        always = WeeklyRange(frozenset(range(7)), 0.0, 24.0, "UTC")
        self.assertTrue(is_open(open_interval(MONDAY_NOON, [always]), MONDAY_NOON))

    def test_ranges_that_cannot_be_used_are_refused(self):
        for days, start, end, tz in [
            (set(), 1.0, 2.0, "UTC"),
            ({0}, 3.0, 3.0, "UTC"),
            ({0}, 25.0, 3.0, "UTC"),
            ({0}, 1.0, 2.0, "Mars/Olympus"),
        ]:
            with self.assertRaises(ScheduleError):
                WeeklyRange(frozenset(days), start, end, tz)

    def test_labels(self):
        self.assertEqual(nightly().label(), "Mon-Fri 22:00-04:00 Europe/Berlin")
        self.assertEqual(days_label({0, 2, 3, 4, 6}), "Mon, Wed-Fri, Sun")
        self.assertEqual(WeeklyRange(frozenset({5}), 6.5, 24.0).label(), "Sat 06:30-24:00 UTC")


@tagged("post_install", "-at_install")
class TestScheduleFreezes(BaseCase):
    def test_an_open_ended_freeze_holds_until_lifted(self):
        freeze = (datetime(2025, 12, 1, 8), None)
        self.assertEqual(open_interval(MONDAY_NOON, freezes=[freeze]), (NEVER, None))

    def test_a_timed_freeze_opens_at_its_end(self):
        freeze = (datetime(2025, 12, 1, 8), datetime(2025, 12, 3, 6))
        self.assertEqual(
            open_interval(MONDAY_NOON, freezes=[freeze]), (datetime(2025, 12, 3, 6), None)
        )

    def test_a_planned_freeze_closes_the_open_stretch(self):
        freeze = (datetime(2025, 12, 5, 18), datetime(2025, 12, 8, 6))
        opens, closes = open_interval(MONDAY_NOON, freezes=[freeze])
        self.assertEqual((opens, closes), (None, datetime(2025, 12, 5, 18)))

    def test_a_freeze_that_ended_says_since_when_the_flow_is_open(self):
        lifted = (datetime(2025, 12, 1, 8), datetime(2025, 12, 1, 11))
        self.assertEqual(open_interval(MONDAY_NOON, freezes=[lifted]), (lifted[1], None))

    def test_a_freeze_over_the_window_moves_to_the_next_night(self):
        # Frozen from Monday 20:00 to Tuesday 12:00 UTC: Monday night is lost.
        freeze = (datetime(2025, 12, 1, 20), datetime(2025, 12, 2, 12))
        opens, closes = open_interval(MONDAY_NOON, [nightly()], [freeze])
        self.assertEqual((opens, closes), (datetime(2025, 12, 2, 21), datetime(2025, 12, 3, 3)))

    def test_a_freeze_ending_inside_the_window_opens_the_rest_of_it(self):
        freeze = (datetime(2025, 12, 1, 20), datetime(2025, 12, 2, 1))
        opens, closes = open_interval(MONDAY_NOON, [nightly()], [freeze])
        self.assertEqual((opens, closes), (datetime(2025, 12, 2, 1), datetime(2025, 12, 2, 3)))

    def test_a_freeze_lifted_the_second_it_was_set_still_dates_the_opening(self):
        instant = (MONDAY_NOON, MONDAY_NOON)
        self.assertEqual(open_interval(MONDAY_NOON, freezes=[instant]), (MONDAY_NOON, None))

    def test_overlapping_freezes_hold_until_the_last_ends(self):
        freezes = [
            (datetime(2025, 12, 1, 8), datetime(2025, 12, 1, 14)),
            (datetime(2025, 12, 1, 13), datetime(2025, 12, 1, 18)),
            (datetime(2025, 12, 1, 18), datetime(2025, 12, 1, 19)),
        ]
        self.assertEqual(
            open_interval(MONDAY_NOON, freezes=freezes), (datetime(2025, 12, 1, 19), None)
        )
