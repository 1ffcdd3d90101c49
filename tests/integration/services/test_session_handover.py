"""Issue 13.8: a login's session reaches the browser's cookie through a one-time ticket; the
token itself is never given to the page and never stored readable."""

from datetime import timedelta

import pytest

from kiko_livechat.models import SessionHandover, SessionKind
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, provisioning, session_handover
from kiko_livechat.services.errors import AuthFailed
from tests import factories


def test_a_ticket_gives_the_session_once(db):
    login = factories.login(db, factories.user(db, factories.account(db).id))
    ticket = session_handover.issue(db, token=login.token)
    assert ticket != login.token
    (row,) = db.exec(SessionHandover.__table__.select()).all()
    assert login.token not in (row.sealed_token, row.ticket_hash) and ticket not in (row.sealed_token, row.ticket_hash)
    handed = session_handover.redeem(db, ticket=ticket)
    assert (handed.token, handed.kind) == (login.token, SessionKind.AGENT)
    with pytest.raises(AuthFailed):
        session_handover.redeem(db, ticket=ticket)


def test_an_operator_ticket_names_its_kind(db):
    provisioning.create_operator(db, email="op@kiko.example", name="Op", password=factories.PASSWORD)
    db.commit()
    login = auth.operator_login(db, email="op@kiko.example", password=factories.PASSWORD)
    handed = session_handover.redeem(db, ticket=session_handover.issue(db, token=login.token))
    assert handed.kind == SessionKind.OPERATOR


def test_a_late_ticket_is_refused_and_used_up(db):
    login = factories.login(db, factories.user(db, factories.account(db).id))
    now = utcnow()
    ticket = session_handover.issue(db, token=login.token, now=now)
    with pytest.raises(AuthFailed):
        session_handover.redeem(db, ticket=ticket, now=now + timedelta(seconds=session_handover.TICKET_SECONDS + 1))
    with pytest.raises(AuthFailed):
        session_handover.redeem(db, ticket=ticket, now=now)


def test_a_session_ended_before_the_handover_is_not_handed_over(db):
    login = factories.login(db, factories.user(db, factories.account(db).id))
    ticket = session_handover.issue(db, token=login.token)
    auth.logout(db, token=login.token)
    with pytest.raises(AuthFailed):
        session_handover.redeem(db, ticket=ticket)


@pytest.mark.parametrize("ticket", [None, "", "nope", 42, "x" * 500])
def test_garbage_tickets_are_refused(db, ticket):
    with pytest.raises(AuthFailed):
        session_handover.redeem(db, ticket=ticket)


def test_expired_tickets_do_not_pile_up(db):
    login = factories.login(db, factories.user(db, factories.account(db).id))
    long_ago = utcnow() - timedelta(hours=1)
    for _ in range(3):
        session_handover.issue(db, token=login.token, now=long_ago)
    session_handover.issue(db, token=login.token)
    assert len(db.exec(SessionHandover.__table__.select()).all()) == 1


@pytest.mark.parametrize(
    "header,expected",
    [
        ("kiko_session=abc", "abc"),
        ('theme=dark; x="{a; b}"; kiko_session=abc; kiko_operator_session=op', "abc"),
        ("kiko_session_old=zzz", ""),
        ("", ""),
        (None, ""),
        ("kiko_session=" + "x" * 300, ""),
    ],
)
def test_the_cookie_is_found_among_others(header, expected):
    assert session_handover.token_from_cookies(header, SessionKind.AGENT) == expected
