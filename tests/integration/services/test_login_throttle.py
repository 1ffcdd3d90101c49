"""Failed logins slow down the next attempts per client address and per account, with growing
waits and an injected clock; they never lock the owner out."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import Session, select

from kiko_livechat.models import AlertEmail, LoginThrottle
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, login_throttle, provisioning
from tests import factories
from tests.login_attempts import ATTACKERS, OWNER_HOME, attempt, hammer


def test_each_failure_beyond_the_free_ones_doubles_the_wait_up_to_the_cap(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    now = utcnow()
    answers = [attempt(db, user.email, "guess", ATTACKERS[0], now) for _ in range(7)]
    assert answers == ["wrong"] * 6 + [1]  # five free failures; the sixth starts the wait
    waits = []
    for _ in range(12):
        wait = attempt(db, user.email, "guess", ATTACKERS[0], now)
        # During the wait not even the right password is checked from this address.
        assert attempt(db, user.email, factories.PASSWORD, ATTACKERS[0], now + timedelta(seconds=wait - 0.5)) == 1
        now += timedelta(seconds=wait)
        assert attempt(db, user.email, "guess", ATTACKERS[0], now) == "wrong"
        waits.append(wait)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    # The owner is not locked out: from their own address they get in at once.
    assert attempt(db, user.email, factories.PASSWORD, OWNER_HOME, now + timedelta(seconds=2)) == "ok"


def test_the_owner_gets_in_from_a_clean_address_while_the_account_is_hammered(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    last_failure = hammer(db, user.email, ATTACKERS, failures=40, now=utcnow())
    # Right after a failure the owner is asked to wait a moment, not for the attacker's minutes...
    wait = attempt(db, user.email, factories.PASSWORD, OWNER_HOME, last_failure)
    assert isinstance(wait, int) and wait <= 2
    # ...and the attackers, whose addresses failed, do not get that turn: the owner does.
    then = last_failure + timedelta(seconds=wait)
    assert all(isinstance(attempt(db, user.email, "guess", address, then), int) for address in ATTACKERS)
    assert attempt(db, user.email, factories.PASSWORD, OWNER_HOME, then) == "ok"
    # Logging in took nothing back from the attackers' wait.
    assert isinstance(attempt(db, user.email, factories.PASSWORD, ATTACKERS[0], then), int)


def test_one_address_guessing_over_many_accounts_is_slowed(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    now = utcnow()
    answers = [attempt(db, f"guess{i}@example.org", "guess", ATTACKERS[0], now) for i in range(8)]
    assert answers == ["wrong"] * 6 + [1, 1]
    # The address waits whoever it tries, even with a right password; others are not held up.
    assert attempt(db, user.email, factories.PASSWORD, ATTACKERS[0], now) == 1
    assert attempt(db, user.email, factories.PASSWORD, OWNER_HOME, now) == "ok"
    now += timedelta(seconds=1)
    assert attempt(db, "guess8@example.org", "guess", ATTACKERS[0], now) == "wrong"
    assert attempt(db, "guess9@example.org", "guess", ATTACKERS[0], now) == 2


def test_unknown_and_known_emails_get_the_same_answers(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    now = utcnow()
    known = [attempt(db, user.email, "guess", ATTACKERS[0], now) for _ in range(8)]
    unknown = [attempt(db, "ghost@example.org", "guess", ATTACKERS[1], now) for _ in range(8)]
    assert known == unknown == ["wrong"] * 6 + [1, 1]


def test_parallel_guesses_cannot_slip_past_the_wait(engine):
    with Session(engine) as db:
        email = factories.user(db, factories.account(db).id).email
    now = utcnow()

    def guess(_):
        with Session(engine) as db:
            return attempt(db, email, "guess", ATTACKERS[0], now)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(guess, range(24)))
    # Each attempt is counted before its password is checked: only the free ones and the one
    # that starts the wait are checked, however many arrive together.
    assert answers.count("wrong") == 6 and set(answers) == {"wrong", 1}


def test_failures_are_forgotten_after_a_quiet_hour_and_the_table_stays_small(db):
    now = utcnow()
    for i in range(3):
        attempt(db, f"guess{i}@example.org", "guess", ATTACKERS[0], now)
    later = now + timedelta(minutes=50)
    attempt(db, "late@example.org", "guess", ATTACKERS[1], later)
    assert login_throttle.forget_old(db, now=now + timedelta(minutes=61)) == 4  # 3 accounts, 1 address
    keys = set(db.exec(select(LoginThrottle.key)).all())
    assert len(keys) == 2 and all("late@example.org" in key or ATTACKERS[1] in key for key in keys)
    # Forgotten means free again.
    quiet = now + timedelta(minutes=61)
    assert [attempt(db, "guess0@example.org", "guess", ATTACKERS[0], quiet) for _ in range(6)] == ["wrong"] * 6


def test_without_smtp_no_warning_is_queued(db):
    acc = factories.account(db)
    user = factories.user(db, acc.id)
    hammer(db, user.email, ATTACKERS[:1], failures=8, now=utcnow())
    assert db.exec(select(AlertEmail)).all() == []


def test_the_console_login_is_throttled_the_same_way(db):
    provisioning.create_operator(db, email="op@kiko.example", name="Op", password=factories.PASSWORD)
    db.commit()
    last_failure = hammer(db, "op@kiko.example", ATTACKERS, failures=30, now=utcnow(), login=auth.operator_login)
    then = last_failure + timedelta(seconds=2)
    assert isinstance(attempt(db, "op@kiko.example", factories.PASSWORD, ATTACKERS[0], then, auth.operator_login), int)
    assert attempt(db, "op@kiko.example", factories.PASSWORD, OWNER_HOME, then, auth.operator_login) == "ok"
