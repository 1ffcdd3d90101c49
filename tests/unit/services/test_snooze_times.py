"""Snooze presets and typed times in the agent's time zone."""

from datetime import UTC, datetime

import pytest

from kiko_livechat.services import snooze
from kiko_livechat.services.errors import ValidationFailed

# A Wednesday evening in Berlin (winter time, UTC+1).
NOW = datetime(2026, 12, 9, 20, 30, tzinfo=UTC)


def test_presets_in_the_agents_zone():
    assert snooze.preset_time("in_one_hour", now=NOW, time_zone="Europe/Berlin") == datetime(
        2026, 12, 9, 21, 30, tzinfo=UTC
    )
    tomorrow = snooze.preset_time("tomorrow", now=NOW, time_zone="Europe/Berlin")
    assert tomorrow.astimezone(UTC) == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    monday = snooze.preset_time("next_week", now=NOW, time_zone="Europe/Berlin")
    assert monday.astimezone(UTC) == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    # In Tokyo it is already Thursday morning: tomorrow is Friday 9:00 there.
    tokyo = snooze.preset_time("tomorrow", now=NOW, time_zone="Asia/Tokyo")
    assert tokyo.astimezone(UTC) == datetime(2026, 12, 11, 0, 0, tzinfo=UTC)


def test_next_week_on_a_monday_is_the_monday_after():
    monday_morning = datetime(2026, 12, 14, 6, 0, tzinfo=UTC)
    assert snooze.preset_time("next_week", now=monday_morning, time_zone="Europe/Berlin").day == 21


def test_nine_oclock_follows_daylight_saving_time():
    # The night of the change to summer time (29 March 2026): tomorrow 9:00 is UTC+2.
    before = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    assert snooze.preset_time("tomorrow", now=before, time_zone="Europe/Berlin").astimezone(UTC) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )


def test_typed_times_and_zones():
    assert snooze.local_time("2026-12-24T09:30", time_zone="America/New_York").astimezone(UTC) == datetime(
        2026, 12, 24, 14, 30, tzinfo=UTC
    )
    for bad in ("", "morgen", "2026-13-01T09:00", "2026-12-24T09:30+05:00", None, 5, "x" * 100):
        with pytest.raises(ValidationFailed):
            snooze.local_time(bad, time_zone="Europe/Berlin")
    with pytest.raises(ValidationFailed):
        snooze.preset_time("someday", now=NOW, time_zone="Europe/Berlin")
    assert snooze.clean_time_zone("Asia/Tokyo") == "Asia/Tokyo"
    for bad in ("../../etc/passwd", "Mars/Olympus", "", None, 3):
        assert snooze.clean_time_zone(bad) == snooze.DEFAULT_ZONE
