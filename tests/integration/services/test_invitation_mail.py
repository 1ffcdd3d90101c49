"""Invitation e-mails through a real SMTP server (aiosmtpd): queued with the invitation, in the
invitee's language, sent again with a new link at most once a minute, retried when the server
is down, and not sent when the invitation was withdrawn; without SMTP nothing is promised."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kiko_livechat.models import AlertEmail, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, invitations, operator, provisioning
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.mail_server import send_round


@pytest.fixture
def acme(app_db):
    """A German account with its administrator Anna and an agent."""
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Acme GmbH", locale="de")
        anna = provisioning.create_user(
            db, account_id=acc.id, email="anna@acme.example", name="Anna Admin", password=factories.PASSWORD,
            role=Role.ADMINISTRATOR,
        )  # fmt: skip
        db.commit()
        admin = factories.login(db, anna).actor
        agent = factories.actor(db, acc.id)
    return app_db, admin, agent


def _token(link: str) -> str:
    return link.rsplit("/invite/", 1)[1]


def _rows(db: Session) -> list[AlertEmail]:
    return db.exec(select(AlertEmail).where(AlertEmail.kind == "invitation").order_by(AlertEmail.id)).all()


def test_the_invitation_is_mailed_in_the_chosen_language_with_the_link_and_who_invites(smtp, acme):
    mailbox, _ = smtp
    engine, admin, _ = acme
    with Session(engine) as db:
        created = invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora", locale="en")
        (queued,) = _rows(db)  # committed with the invitation
        assert created.emailed and queued.invitation_id == created.invitation_id
    send_round()
    (mail,) = mailbox.messages
    assert mail["To"] == "dora@example.org"
    assert mail["Subject"] == "Invitation to Acme GmbH on Kiko Livechat"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert created.link.startswith("https://chat.example.net/invite/")
    assert created.link in text and f'href="{created.link}"' in html
    assert "Anna Admin invites you" in text and "Acme GmbH" in text and "Agent" in text
    with Session(engine) as db:
        (sent,) = _rows(db)
        assert (sent.status, sent.invitation_token) == ("sent", None)  # the token is not kept
        assert [i.mail_status for i in invitations.list_invitations(db, actor=admin)] == ["sent"]
        # She joins in the language she was invited in (the account's is German).
        result = invitations.accept_invitation(db, token=_token(created.link), name="Dora", password="dora's secret!")
        assert db.get(User, result.actor.user_id).locale == "en"


def test_without_a_choice_the_language_is_the_existing_users_or_the_accounts(smtp, acme):
    mailbox, _ = smtp
    engine, admin, _ = acme
    with Session(engine) as db:
        other = factories.account(db, locale="de")
        known = factories.user(db, other.id, email="known@example.org")
        known.locale = "en"
        db.add(known)
        db.commit()
        invitations.invite_agent(db, actor=admin, email="neu@example.org", name="Neu", role="administrator")
        invitations.invite_agent(db, actor=admin, email="known@example.org", name="Known")
    send_round()
    subjects = {mail["To"]: mail["Subject"] for mail in mailbox.messages}
    assert subjects == {
        "neu@example.org": "Einladung zu Acme GmbH bei Kiko Livechat",
        "known@example.org": "Invitation to Acme GmbH on Kiko Livechat",
    }
    german = next(mail for mail in mailbox.messages if mail["To"] == "neu@example.org")
    assert "als Administrator mitzuarbeiten" in german.get_body(("plain",)).get_content()


def test_resend_issues_a_new_link_at_most_once_a_minute_and_only_for_the_accounts_admins(smtp, acme):
    mailbox, _ = smtp
    engine, admin, agent = acme
    start = utcnow()
    with Session(engine) as db:
        first = invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora", now=start)
        with pytest.raises(ValidationFailed) as refused:
            invitations.resend_invitation(db, actor=admin, invitation_id=first.invitation_id, now=start)
        assert refused.value.code == "invitations.error.sent_recently"
        with pytest.raises(ValidationFailed):  # inviting the address again does not get round it
            invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora", now=start)
        with pytest.raises(PermissionDenied):
            invitations.resend_invitation(db, actor=agent, invitation_id=first.invitation_id, now=start)
        stranger = factories.actor(db, factories.account(db).id, role=Role.ADMINISTRATOR)
        with pytest.raises(NotFound):
            invitations.resend_invitation(db, actor=stranger, invitation_id=first.invitation_id, now=start)
    send_round(start)
    later = start + timedelta(seconds=61)
    with Session(engine) as db:
        again = invitations.resend_invitation(db, actor=admin, invitation_id=first.invitation_id, now=later)
    send_round(later)
    first_mail, second_mail = mailbox.messages
    assert again.emailed and again.link != first.link and again.expires_at == later + timedelta(days=7)
    assert first.link in first_mail.get_body(("plain",)).get_content()
    assert again.link in second_mail.get_body(("plain",)).get_content()
    with Session(engine) as db:
        with pytest.raises(NotFound):  # only the newest link works
            invitations.preview_invitation(db, token=_token(first.link), now=later)
        assert invitations.preview_invitation(db, token=_token(again.link), now=later).email == "dora@example.org"


def test_a_failed_send_is_retried_then_marked_failed(smtp, acme):
    mailbox, server = smtp
    engine, admin, _ = acme
    start = utcnow()
    with Session(engine) as db:
        created = invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora", now=start)
    server.stop()
    send_round(start)
    with Session(engine) as db:
        (row,) = _rows(db)
        assert (row.status, row.attempts) == ("pending", 1) and row.last_error and row.invitation_token
    server.start()
    send_round(start + timedelta(minutes=1))
    (mail,) = mailbox.messages
    assert created.link in mail.get_body(("plain",)).get_content()

    with Session(engine) as db:
        invitations.invite_agent(db, actor=admin, email="erik@example.org", name="Erik", now=start)
    server.stop()
    for hours in range(7):  # every backoff step used up
        send_round(start + timedelta(hours=hours))
    server.start()
    with Session(engine) as db:
        erik = next(row for row in _rows(db) if row.invitation_token is None and row.status == "failed")
        assert erik.attempts == 6
        statuses = {i.email: i.mail_status for i in invitations.list_invitations(db, actor=admin, now=start)}
        assert statuses == {"dora@example.org": "sent", "erik@example.org": "failed"}


def test_an_invitation_withdrawn_before_the_e_mail_went_out_is_not_sent(smtp, acme):
    mailbox, _ = smtp
    engine, admin, _ = acme
    with Session(engine) as db:
        created = invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora")
        invitations.revoke_invitation(db, actor=admin, invitation_id=created.invitation_id)
        (row,) = _rows(db)
        assert (row.status, row.invitation_token) == ("skipped", None)
    send_round()
    assert mailbox.messages == []


def test_the_operators_first_administrator_gets_the_invitation_by_e_mail(smtp, app_db):
    mailbox, _ = smtp
    with Session(app_db) as db:
        provisioning.create_operator(db, email="op@kiko.example", name="Olga Operator", password=factories.PASSWORD)
        db.commit()
        op = auth.operator_login(db, email="op@kiko.example", password=factories.PASSWORD).operator
        with pytest.raises(ValidationFailed):  # refused as a whole: no account, no e-mail
            operator.create_customer_account(db, operator=op, name="Gamma", locale="en", plan="trial",
                                             admin_email="kein-mail", admin_name="Gina")  # fmt: skip
        assert _rows(db) == []
        created = operator.create_customer_account(db, operator=op, name="Gamma Ltd", locale="en", plan="trial",
                                                   admin_email="gina@gamma.example", admin_name="Gina")  # fmt: skip
        assert created.emailed
    send_round()
    (mail,) = mailbox.messages
    assert (mail["To"], mail["Subject"]) == ("gina@gamma.example", "Invitation to Gamma Ltd on Kiko Livechat")
    text = mail.get_body(("plain",)).get_content()
    assert created.link in text and "as Administrator" in text


def test_without_smtp_nothing_is_queued_or_promised(acme):
    engine, admin, _ = acme
    with Session(engine) as db:
        created = invitations.invite_agent(db, actor=admin, email="dora@example.org", name="Dora")
        assert created.emailed is False and _rows(db) == []
        assert [i.mail_status for i in invitations.list_invitations(db, actor=admin)] == [""]
        with pytest.raises(ValidationFailed) as refused:
            invitations.resend_invitation(db, actor=admin, invitation_id=created.invitation_id)
        assert refused.value.code == "invitations.error.email_off"
