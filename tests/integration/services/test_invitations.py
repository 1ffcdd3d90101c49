"""Invitation links: valid a week, single use, set the password or confirm an existing login."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiko_livechat.models import AccountUser, Invitation, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, invitations
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories


def _token(link: str) -> str:
    return link.rsplit("/invite/", 1)[1]


@pytest.fixture
def admin(db):
    acc = factories.account(db, name="Acme")
    return factories.actor(db, acc.id, role=Role.ADMINISTRATOR)


def test_invite_accept_and_log_in_as_the_new_agent(db, admin):
    created = invitations.invite_agent(db, actor=admin, email=" Dora@Example.org ", name="Dora", role="agent")
    assert created.email == "dora@example.org"
    assert created.link.startswith("http") and "/invite/" in created.link
    assert [i.email for i in invitations.list_invitations(db, actor=admin)] == ["dora@example.org"]
    preview = invitations.preview_invitation(db, token=_token(created.link))
    assert (preview.account_name, preview.name, preview.existing_user) == ("Acme", "Dora", False)

    result = invitations.accept_invitation(db, token=_token(created.link), name="Dora D.", password="a new secret!")
    assert auth.resolve_session(db, token=result.token).account_id == admin.account_id
    assert result.actor.role == "agent"
    assert auth.login(db, email="dora@example.org", password="a new secret!").actor.account_id == admin.account_id
    assert invitations.list_invitations(db, actor=admin) == []
    # Single use.
    with pytest.raises(NotFound):
        invitations.accept_invitation(db, token=_token(created.link), name="Mallory", password="another secret")


def test_the_link_expires_after_seven_days(db, admin):
    start = utcnow()
    created = invitations.invite_agent(db, actor=admin, email="e@example.org", name="E", now=start)
    with pytest.raises(NotFound):
        invitations.accept_invitation(
            db, token=_token(created.link), name="E", password="long enough!", now=start + timedelta(days=7, seconds=1)
        )
    invitations.accept_invitation(
        db, token=_token(created.link), name="E", password="long enough!", now=start + timedelta(days=6)
    )


def test_bad_input_changes_nothing(db, admin):
    for email, name, code in [
        ("not-an-email", "X", "error.email_invalid"),
        ("x@example.org", "", "error.required"),
        ("x@example.org", "n" * 101, "error.too_long"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            invitations.invite_agent(db, actor=admin, email=email, name=name)
        assert refused.value.code == code
    created = invitations.invite_agent(db, actor=admin, email="f@example.org", name="F")
    with pytest.raises(ValidationFailed) as refused:
        invitations.accept_invitation(db, token=_token(created.link), name="F", password="short")
    assert refused.value.code == "error.password_too_short"
    db.rollback()
    assert db.exec(select(User).where(User.email == "f@example.org")).first() is None
    # The link still works after a refused attempt.
    invitations.accept_invitation(db, token=_token(created.link), name="F", password="long enough!")
    for token in ("", "nonsense", None, "x" * 500):
        with pytest.raises(NotFound):
            invitations.preview_invitation(db, token=token)


def test_members_cannot_be_invited_again_and_a_new_invitation_replaces_the_old(db, admin):
    member = factories.user(db, admin.account_id)
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite_agent(db, actor=admin, email=member.email, name="Again")
    assert refused.value.code == "invitations.error.already_member"
    first = invitations.invite_agent(db, actor=admin, email="g@example.org", name="G")
    second = invitations.invite_agent(db, actor=admin, email="g@example.org", name="G", role="administrator")
    with pytest.raises(NotFound):
        invitations.preview_invitation(db, token=_token(first.link))
    result = invitations.accept_invitation(db, token=_token(second.link), name="G", password="long enough!")
    assert result.actor.role == "administrator"


def test_someone_with_a_login_joins_with_their_own_password_which_is_not_replaced(db, admin):
    other_account = factories.account(db)
    existing = factories.user(db, other_account.id)
    created = invitations.invite_agent(db, actor=admin, email=existing.email, name="Whatever")
    assert invitations.preview_invitation(db, token=_token(created.link)).existing_user is True
    with pytest.raises(ValidationFailed) as refused:
        invitations.accept_invitation(db, token=_token(created.link), name="X", password="an attacker's choice")
    assert refused.value.code == "invitations.error.password_wrong"
    result = invitations.accept_invitation(db, token=_token(created.link), name="X", password=factories.PASSWORD)
    assert result.actor.account_id == admin.account_id
    memberships = db.exec(select(AccountUser.account_id).where(AccountUser.user_id == existing.id)).all()
    assert set(memberships) == {admin.account_id, other_account.id}


def test_revoked_invitations_stop_working_and_only_admins_invite(db, admin):
    created = invitations.invite_agent(db, actor=admin, email="h@example.org", name="H")
    invitations.revoke_invitation(db, actor=admin, invitation_id=created.invitation_id)
    with pytest.raises(NotFound):
        invitations.preview_invitation(db, token=_token(created.link))
    agent = factories.actor(db, admin.account_id)
    with pytest.raises(PermissionDenied):
        invitations.invite_agent(db, actor=agent, email="i@example.org", name="I")
    assert db.exec(select(Invitation).where(Invitation.email == "i@example.org")).first() is None
