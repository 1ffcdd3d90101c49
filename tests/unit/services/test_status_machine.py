"""The conversation status machine."""

from datetime import UTC, datetime, timedelta

import pytest

from kiko_livechat.models import Conversation
from kiko_livechat.services import status_machine as sm
from kiko_livechat.services.errors import ValidationFailed

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def _conv(status: str) -> Conversation:
    return Conversation(status=status, account_id=1, display_id=1, alias_key="1-1-1000", inbox_id=1, contact_id=1)


@pytest.mark.parametrize("start", list(sm.ALLOWED))
@pytest.mark.parametrize("target", list(sm.ALLOWED))
def test_only_allowed_transitions_happen(start, target):
    conv = _conv(start)
    until = NOW + timedelta(hours=1)
    if target in sm.ALLOWED[start]:
        assert sm.change_status(conv, target, now=NOW, snoozed_until=until) == sm.ACTIVITY[target]
        assert conv.status == target
        assert conv.snoozed_until == (until if target == sm.SNOOZED else None)
    else:
        with pytest.raises(ValidationFailed):
            sm.change_status(conv, target, now=NOW, snoozed_until=until)
        assert conv.status == start


def test_snooze_needs_a_future_time_and_unknown_statuses_are_refused():
    for until in (None, NOW, NOW - timedelta(minutes=1)):
        with pytest.raises(ValidationFailed) as refused:
            sm.change_status(_conv("open"), "snoozed", now=NOW, snoozed_until=until)
        assert refused.value.field == "snoozed_until"
    with pytest.raises(ValidationFailed):
        sm.change_status(_conv("open"), "archived", now=NOW)


@pytest.mark.parametrize(
    "start,after,activity",
    [("resolved", "open", sm.REOPENED_BY_VISITOR), ("snoozed", "open", sm.REOPENED_BY_VISITOR),
     ("open", "open", None), ("pending", "pending", None)],
)  # fmt: skip
def test_a_visitor_message_reopens_resolved_and_snoozed(start, after, activity):
    conv = _conv(start)
    assert sm.on_visitor_message(conv, now=NOW) == activity
    assert conv.status == after


def test_a_snooze_ends_only_when_its_time_has_come():
    conv = _conv("open")
    sm.change_status(conv, "snoozed", now=NOW, snoozed_until=NOW + timedelta(hours=1))
    assert sm.end_snooze(conv, now=NOW + timedelta(minutes=59)) is None
    assert conv.status == "snoozed"
    assert sm.end_snooze(conv, now=NOW + timedelta(hours=1)) == sm.SNOOZE_ENDED
    assert (conv.status, conv.snoozed_until) == ("open", None)
    assert sm.end_snooze(_conv("resolved"), now=NOW) is None


def test_a_status_that_is_not_a_string_is_refused_not_a_crash():
    conversation = Conversation(status="pending")
    with pytest.raises(ValidationFailed):
        sm.change_status(conversation, ["open"], now=datetime.now(UTC))


def test_a_snooze_ends_within_a_year():
    conv = _conv("open")
    with pytest.raises(ValidationFailed) as refused:
        sm.change_status(conv, "snoozed", now=NOW, snoozed_until=sm.a_year_after(NOW) + timedelta(seconds=1))
    assert (refused.value.code, refused.value.field, conv.status) == ("snooze.error.too_far", "snoozed_until", "open")
    sm.change_status(conv, "snoozed", now=NOW, snoozed_until=sm.a_year_after(NOW))
    assert conv.status == "snoozed"
    leap = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert sm.a_year_after(leap) == datetime(2029, 2, 28, 12, tzinfo=UTC)
