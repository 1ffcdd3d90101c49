"""Dates and numbers follow the locale."""

from datetime import UTC, datetime

from kiko_livechat.i18n import format_date, format_datetime, format_number, format_time


def test_dates_and_numbers_are_formatted_per_locale():
    moment = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    assert format_datetime(moment, "de") == "25.11.2026, 14:05:00"
    assert format_datetime(moment, "en").startswith("Nov 25, 2026")
    assert format_number(1234.5, "de") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"


def test_dates_are_the_calendar_day_in_berlin():
    late_evening_utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert format_date(late_evening_utc, "de") == "26.11.2026"
    assert format_date(late_evening_utc, "en") == "Nov 26, 2026"


def test_clock_times_per_locale():
    moment = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    assert format_time(moment, "de") == "14:05"
    assert format_time(moment, "en").replace("\u202f", " ") == "2:05 PM"
