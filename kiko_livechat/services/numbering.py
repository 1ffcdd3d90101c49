"""A conversation's number in its account (1, 2, 3 ...), from a counter on the account row.

Incremented inside the caller's transaction, the counter's row lock lasted until that
transaction's COMMIT, so every new conversation of an account waited for the one before to
finish: on PostgreSQL with three workers the one-call handoffs spent most of their time in
`Lock:transactionid` on `UPDATE accounts` (bench/handoff_bench.py, issue 12). On PostgreSQL the
counter is therefore incremented in a transaction of its own (one statement, autocommit, on a
small connection pool of its own): the lock lasts one statement. A number taken by a
transaction that fails afterwards is not given again, which leaves a gap, as Chatwoot's
per-account sequences do; two conversations never share a number.

SQLite has one writer at a time anyway: there the counter stays in the caller's transaction
(a second connection would wait for the caller's own write lock). So does PostgreSQL when the
account row is not committed yet or is locked by the caller's own transaction (the separate
increment finds no row, or gives up after LOCK_TIMEOUT).
"""

import threading

import sqlalchemy as sa
from sqlmodel import Session, update

from kiko_livechat.models import Account

LOCK_TIMEOUT = "1s"  # PostgreSQL syntax
_NEXT = (
    update(Account)
    .where(Account.id == sa.bindparam("account_id"))
    .values(conversation_seq=Account.conversation_seq + 1)
    .returning(Account.conversation_seq)
    .execution_options(synchronize_session=False)  # nobody reads the counter from a loaded Account
)
_counters: dict[str, sa.Engine] = {}
_guard = threading.Lock()


def next_conversation_number(session: Session, account_id: int) -> int:
    """The account's next conversation number."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        number = _on_its_own(bind, account_id)
        if number is not None:
            return number
    return session.exec(_NEXT, params={"account_id": account_id}).scalar_one()


def _on_its_own(bind: sa.Engine, account_id: int) -> int | None:
    try:
        with _counter_engine(bind).connect() as connection:
            return connection.execute(_NEXT, {"account_id": account_id}).scalar_one_or_none()
    except sa.exc.OperationalError:  # the caller's own transaction holds the row (lock timeout)
        return None


def _counter_engine(bind: sa.Engine) -> sa.Engine:
    key = bind.url.render_as_string(hide_password=False)
    with _guard:
        if key not in _counters:
            _counters[key] = sa.create_engine(
                bind.url,
                isolation_level="AUTOCOMMIT",
                pool_size=2,
                max_overflow=8,
                connect_args={"options": f"-c lock_timeout={LOCK_TIMEOUT}"},
            )
        return _counters[key]
