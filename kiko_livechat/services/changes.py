"""What a change causes: one explicit step that every service runs where it commits.

A service that changed something emits typed events (`realtime.outbox.emit`) and ends with
`changes.commit(session)` instead of `session.commit()`. The events then pass, in this order:

1. alerts routed: whom each event alerts is worked out once and written into the event
   (services/alerts.py), for the e-mails and the dashboard tabs alike;
2. alert e-mails queued (services/alert_mail.py), and a visitor's transcript after an agent's
   answer (services/transcripts.py); only when e-mail is set up;
3. webhook deliveries written (services/webhooks.py); only for events somebody listens to;
4. COMMIT: the change and everything it causes land together, or nothing does;
5. published on the bus after the commit (realtime/outbox.py), so every worker and tab hears it.

Safety net: a commit that skipped this step (a plain `session.commit()` with events pending)
would lose their e-mails and webhooks. A `before_commit` guard, registered explicitly at the
end of this module, runs steps 1-3 for such events and logs an error naming them; the test
suite fails every test in which the guard fired (tests/conftest.py), and the browser tests
fail when an app log shows it (tests/e2e/conftest.py).
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import outbox

log = logging.getLogger(__name__)
FORGOTTEN = "commit without changes.commit"
# How often the guard had to step in, in this process (the test suite watches it).
forgotten: list[int] = [0]


def commit(session: Session) -> None:
    """Prepare the session's new events (steps 1-3) and commit; they are published after it."""
    prepare(session)
    session.commit()


def prepare(session: Session) -> None:
    """Steps 1-3 for the events emitted since the last preparation (in the caller's transaction).
    For a caller that must commit by other means (e.g. a context manager that commits)."""
    if not outbox.unprepared(session):
        return
    # Imported here, not at the top: these read the presenters, which import the services that
    # commit through this module (contacts, messages ...).
    from kiko_livechat.services import alert_mail, alerts, webhooks

    alerts.route_pending(session)
    fresh = outbox.unprepared(session)  # now naming whom each alerts
    now = utcnow()
    alert_mail.queue(session, fresh, now)
    webhooks.queue(session, fresh, now)
    outbox.mark_prepared(session)


def _guard(session: Session) -> None:
    """Before every COMMIT: events that skipped the step still get their side effects."""
    skipped = outbox.unprepared(session)
    if skipped:
        forgotten[0] += 1
        log.error("%s: %s", FORGOTTEN, ", ".join(sorted({event.kind for event in skipped})))
        prepare(session)


# The safety net (see the module docstring); every module that emits events imports this one.
sa.event.listen(Session, "before_commit", _guard)
