"""When failed logins start to slow an account down, its owner hears of it by e-mail (real SMTP
server), once per window, in their language, with the address the guesses came from."""

from datetime import timedelta

from sqlmodel import Session, select

from kiko_livechat.models import AlertEmail, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, provisioning
from tests import factories
from tests.login_attempts import ATTACKERS, OWNER_HOME, attempt, hammer
from tests.mail_server import send_round


def _warnings(db: Session) -> list[AlertEmail]:
    return db.exec(select(AlertEmail).where(AlertEmail.kind == "login_warning").order_by(AlertEmail.id)).all()


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_the_owner_is_warned_once_per_window_in_their_language(smtp, app_db):
    mailbox, _ = smtp
    engine = app_db
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.account(db, name="Acme GmbH", locale="de")
        user = factories.user(db, acc.id, email="anna@acme.example")
        start = utcnow()
        five = hammer(db, user.email, ATTACKERS[:1], failures=5, now=start)
        assert _warnings(db) == []  # the free failures are nobody's business
        first = hammer(db, user.email, ATTACKERS[:1], failures=1, now=five)
        (queued,) = _warnings(db)
        assert (queued.user_id, queued.client_address, queued.send_after) == (user.id, ATTACKERS[0], first)
        # The attack goes on from other addresses: still that one e-mail.
        still = hammer(db, user.email, ATTACKERS, failures=20, now=first)
        assert len(_warnings(db)) == 1
    send_round(now=still)
    (mail,) = mailbox.messages
    assert mail["To"] == "anna@acme.example"
    assert mail["Subject"] == "Fehlgeschlagene Anmeldeversuche bei Ihrem Kiko-Livechat-Zugang"
    text, html = _text(mail), mail.get_body(("html",)).get_content()
    assert ATTACKERS[0] in text and ATTACKERS[0] in html
    assert "nicht gesperrt" in text and "anna@acme.example" in text

    # After an hour without failures a new attack is a new window: one more e-mail, now in the
    # language Anna has chosen meanwhile.
    with Session(engine, expire_on_commit=False) as db:
        anna = db.get(User, user.id)
        anna.locale = "en"
        db.add(anna)
        db.commit()
        again = hammer(db, user.email, ATTACKERS[1:2], failures=6, now=still + timedelta(minutes=61))
        assert len(_warnings(db)) == 2
    send_round(now=again)
    mail = mailbox.messages[-1]
    assert len(mailbox.messages) == 2
    assert mail["Subject"] == "Failed sign-in attempts on your Kiko Livechat login"
    assert ATTACKERS[1] in _text(mail) and "not locked" in _text(mail)


def test_the_operator_is_warned_too_and_unknown_emails_warn_nobody(smtp, app_db):
    mailbox, _ = smtp
    engine = app_db
    with Session(engine, expire_on_commit=False) as db:
        provisioning.create_operator(db, email="op@kiko.example", name="Op", password=factories.PASSWORD)
        db.commit()
        now = hammer(db, "op@kiko.example", ATTACKERS[:1], failures=6, now=utcnow(), login=auth.operator_login)
        hammer(db, "ghost@example.org", ATTACKERS[1:2], failures=10, now=now)
        (queued,) = _warnings(db)
        assert queued.account_id is None  # the operator belongs to no account
        # The warning does not lock the operator out either.
        assert attempt(db, "op@kiko.example", factories.PASSWORD, OWNER_HOME, now + timedelta(seconds=2),
                       auth.operator_login) == "ok"  # fmt: skip
    send_round(now=now)
    (mail,) = mailbox.messages
    assert mail["To"] == "op@kiko.example"
    assert ATTACKERS[0] in _text(mail)
