"""Login, sessions, throttling, logout and password change against a real database."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiko_livechat.i18n import translate
from kiko_livechat.models import AuthSession, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth
from kiko_livechat.services.errors import AuthFailed, ValidationFailed
from kiko_livechat.services.passwords import verify_password
from tests import factories


def test_login_opens_a_session_in_the_users_account(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id, role=Role.ADMINISTRATOR, email="Anna@Example.org")
    result = auth.login(db, email="  anna@EXAMPLE.org ", password=factories.PASSWORD)
    assert result.actor.user_id == user.id
    assert result.actor.account_id == acc.id
    assert result.actor.is_admin
    assert auth.resolve_session(db, token=result.token) == result.actor
    stored = db.exec(select(AuthSession)).one()
    assert stored.token_hash != result.token  # only the hash is stored


def test_wrong_password_and_unknown_email_get_the_same_answer(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    with pytest.raises(AuthFailed) as wrong:
        auth.login(db, email=user.email, password="not the password")
    with pytest.raises(AuthFailed) as unknown:
        auth.login(db, email="nobody@example.org", password="not the password")
    assert wrong.value.code == unknown.value.code == "auth.invalid_credentials"
    assert db.exec(select(AuthSession)).all() == []


@pytest.mark.parametrize(
    "email,password,field", [("", "x", "email"), ("a@b.de", "", "password"), (None, None, "email")]
)
def test_empty_fields_are_refused_per_field(db, email, password, field):
    with pytest.raises(ValidationFailed) as err:
        auth.login(db, email=email, password=password)
    assert err.value.code == "error.required" and err.value.field == field


def test_overlong_input_is_refused_without_a_lookup(db):
    with pytest.raises(AuthFailed):
        auth.login(db, email="a" * 300 + "@example.org", password="x")
    with pytest.raises(AuthFailed):
        auth.login(db, email="a@example.org", password="x" * 5000)


def test_repeated_failures_slow_the_guesser_and_never_lock_the_owner_out(db):
    """Replaces the hard lock (five failures locked the login, the owner's too, for 15 minutes)."""
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    now = utcnow()
    for _ in range(6):
        with pytest.raises(AuthFailed) as err:
            auth.login(db, email=user.email, password="wrong password", client_address="198.51.100.7", now=now)
        assert err.value.code == "auth.invalid_credentials"
    with pytest.raises(AuthFailed) as waiting:
        auth.login(db, email=user.email, password=factories.PASSWORD, client_address="198.51.100.7", now=now)
    assert (waiting.value.code, waiting.value.params) == ("auth.throttled", {"seconds": 1})
    assert translate("de", waiting.value.code, **waiting.value.params) == (
        "Zu viele Fehlversuche. Bitte warten Sie 1 s bis zum nächsten Versuch."
    )
    # A minute later, not fifteen, the right password works from anywhere.
    later = now + timedelta(minutes=1)
    assert auth.login(db, email=user.email, password=factories.PASSWORD, client_address="198.51.100.7", now=later)
    assert auth.login(db, email=user.email, password=factories.PASSWORD, client_address="203.0.113.9", now=later)


@pytest.mark.parametrize("token", ["", "forged-token", None, 42, "x" * 500])
def test_forged_or_missing_tokens_are_refused(db, token):
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=token)


def test_logout_ends_the_session(db):
    acc = factories.account(db)
    result = factories.login(db, factories.user(db, acc.id))
    auth.logout(db, token=result.token)
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=result.token)
    auth.logout(db, token=result.token)  # twice is harmless


def test_deactivation_ends_sessions_at_once(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    result = factories.login(db, user)
    user.is_active = False
    db.add(user)
    db.commit()
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=result.token)
    with pytest.raises(AuthFailed):
        factories.login(db, user)


def test_removed_membership_ends_the_session(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    result = factories.login(db, user)
    member = factories.membership(db, acc.id, user.id)
    member.is_active = False
    db.add(member)
    db.commit()
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=result.token)


def test_sessions_expire_and_end_when_idle(db):
    acc = factories.account(db)
    result = factories.login(db, factories.user(db, acc.id))
    now = utcnow()
    assert auth.resolve_session(db, token=result.token, now=now + timedelta(days=2))
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=result.token, now=now + timedelta(days=2 + 4))
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=result.token, now=now + timedelta(days=15))


def test_password_change_ends_every_session_and_returns_a_fresh_one(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    first = factories.login(db, user)
    second = factories.login(db, user)
    new_token = auth.change_password(
        db, actor=first.actor, current_password=factories.PASSWORD, new_password="a brand new secret"
    )
    for old in (first.token, second.token):
        with pytest.raises(AuthFailed):
            auth.resolve_session(db, token=old)
    assert auth.resolve_session(db, token=new_token).user_id == user.id
    assert auth.login(db, email=user.email, password="a brand new secret").token


@pytest.mark.parametrize(
    "current,new,code,field",
    [
        ("wrong current", "a brand new secret", "auth.current_password_wrong", "current_password"),
        (factories.PASSWORD, "short", "error.password_too_short", "new_password"),
        (factories.PASSWORD, "x" * 129, "error.too_long", "new_password"),
        ("", "a brand new secret", "error.required", "current_password"),
    ],
)
def test_refused_password_change_changes_nothing(db, current, new, code, field):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    session = factories.login(db, user)
    with pytest.raises(ValidationFailed) as err:
        auth.change_password(db, actor=session.actor, current_password=current, new_password=new)
    assert (err.value.code, err.value.field) == (code, field)
    db.expire_all()
    assert verify_password(factories.PASSWORD, db.get(User, user.id).password_hash)
    assert auth.resolve_session(db, token=session.token)


def test_switch_account_only_into_own_memberships(db):
    first, second, foreign = factories.account(db), factories.account(db), factories.account(db)
    user = factories.user(db, first.id)
    from kiko_livechat.models import AccountUser

    db.add(AccountUser(account_id=second.id, user_id=user.id, role=Role.ADMINISTRATOR))
    db.commit()
    session = factories.login(db, user)
    moved = auth.switch_account(db, actor=session.actor, account_id=second.id, token=session.token)
    assert (moved.account_id, moved.role) == (second.id, Role.ADMINISTRATOR)
    assert auth.resolve_session(db, token=session.token).account_id == second.id
    from kiko_livechat.services.errors import NotFound

    with pytest.raises(NotFound):
        auth.switch_account(db, actor=moved, account_id=foreign.id, token=session.token)
    assert auth.resolve_session(db, token=session.token).account_id == second.id
