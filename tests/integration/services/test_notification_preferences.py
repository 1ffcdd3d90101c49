"""Alert preferences: sensible defaults, stored per agent and account, bad values refused."""

import pytest

from kiko_livechat.services import notification_preferences as prefs
from kiko_livechat.services.errors import ValidationFailed
from tests import factories


def test_defaults_then_saved_values(db):
    acc = factories.account(db)
    agent = factories.actor(db, acc.id)
    current = prefs.get_preferences(db, actor=agent)
    assert ("handoff" in current.email and "assigned" in current.email) and current.sound_when_visible
    saved = prefs.save_preferences(
        db, actor=agent, email=["message"], sound=["handoff", "team"], tone="chime",
        sound_when_visible=False, repeat_unread=False, desktop=True,
    )  # fmt: skip
    assert (saved.email, saved.sound, saved.tone, saved.desktop) == (("message",), ("handoff", "team"), "chime", True)
    other = factories.account(db)
    assert prefs.preferences_of(db, account_id=other.id, user_id=agent.user_id) == prefs.DEFAULTS


@pytest.mark.parametrize(
    "change",
    [{"email": ["spam"]}, {"sound": "handoff"}, {"tone": "siren"}],
)
def test_bad_values_are_refused_and_nothing_is_stored(db, change):
    acc = factories.account(db)
    agent = factories.actor(db, acc.id)
    values = {"email": [], "sound": [], "tone": "bell", "sound_when_visible": True, "repeat_unread": True,
              "desktop": False, **change}  # fmt: skip
    with pytest.raises(ValidationFailed):
        prefs.save_preferences(db, actor=agent, **values)
    assert prefs.get_preferences(db, actor=agent) == prefs.DEFAULTS
