"""The user's own settings and the account's settings."""

import pytest

from kiko_livechat.models import Account, Role, User
from kiko_livechat.services import profile
from kiko_livechat.services.errors import PermissionDenied, ValidationFailed
from tests import factories


def test_profile_follows_the_account_language_until_the_user_chooses(db):
    acc = factories.account(db, locale="de")
    actor = factories.actor(db, acc.id)
    assert profile.get_profile(db, actor=actor).locale == "de"
    view = profile.update_profile(db, actor=actor, name="  Ben Berger ", locale="en")
    assert (view.name, view.locale, view.locale_choice) == ("Ben Berger", "en", "en")
    view = profile.update_profile(db, actor=actor, name="Ben Berger", locale="")
    assert (view.locale, view.locale_choice) == ("de", None)


@pytest.mark.parametrize(
    "name,locale,code,field",
    [
        ("", "de", "error.required", "name"),
        ("x" * 101, "de", "error.too_long", "name"),
        ("Ben", "fr", "error.locale_unsupported", "locale"),
        (None, "de", "error.required", "name"),
    ],
)
def test_bad_profile_input_changes_nothing(db, name, locale, code, field):
    acc = factories.account(db)
    actor = factories.actor(db, acc.id)
    with pytest.raises(ValidationFailed) as err:
        profile.update_profile(db, actor=actor, name=name, locale=locale)
    assert (err.value.code, err.value.field) == (code, field)
    db.expire_all()
    user = db.get(User, actor.user_id)
    assert (user.name, user.locale) == ("Test User", None)


def test_quick_language_switch_and_availability(db):
    acc = factories.account(db)
    actor = factories.actor(db, acc.id)
    assert profile.set_locale(db, actor=actor, locale="en").locale == "en"
    assert profile.set_availability(db, actor=actor, availability="busy").availability == "busy"
    for call, value in ((profile.set_locale, "xx"), (profile.set_availability, "sleeping")):
        with pytest.raises(ValidationFailed):
            call(db, actor=actor, **{"locale" if call is profile.set_locale else "availability": value})
    db.expire_all()
    user = db.get(User, actor.user_id)
    assert (user.locale, user.availability) == ("en", "busy")


def test_only_administrators_change_the_account(db):
    acc = factories.account(db, name="Alpha GmbH", locale="de")
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    agent = factories.actor(db, acc.id, role=Role.AGENT)
    with pytest.raises(PermissionDenied):
        profile.update_account(db, actor=agent, name="Hijacked", locale="en")
    db.expire_all()
    assert db.get(Account, acc.id).name == "Alpha GmbH"
    view = profile.update_account(db, actor=admin, name="Alpha AG", locale="en")
    assert (view.account_name, view.account_locale) == ("Alpha AG", "en")
    with pytest.raises(ValidationFailed):
        profile.update_account(db, actor=admin, name="", locale="en")
