"""A handoff's alert with three workers behind one port and Redis between them: the bot's
request and the agent's tab may be on different workers."""

import pytest

from tests.e2e.test_alert_sound import test_a_handoff_plays_the_tone_and_counts_in_the_title as handoff_alert

pytestmark = pytest.mark.e2e


def test_a_handoff_plays_the_tone_across_workers(live_app, page):
    handoff_alert(live_app, page)
