"""Who is alerted about what. One place decides it, for the e-mails and the dashboard's sound
and desktop notifications alike.

- handoff: a conversation in an inbox the agent works is handed to humans (or a visitor starts
  one) and nobody has it yet;
- assigned: a conversation was given to the agent, by someone else or automatically;
- message: the visitor wrote in a conversation assigned to the agent;
- team: a conversation was given to a team of the agent;
- unanswered: nobody has answered a handed-over conversation within the inbox's time.
Never for one's own doing; the page the agent is looking at is left out by the dashboard.

Who is alerted is worked out once, before the transaction commits (the first step of
services/changes.py), and travels with the event (detail["alerts"]): the e-mail queue and every
dashboard tab read the same answer.
"""

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, or_, select

from kiko_livechat.i18n.aliases import alias
from kiko_livechat.models import (
    AccountUser,
    Contact,
    Conversation,
    ConversationStatus,
    InboxMember,
    Message,
    MessageType,
    TeamMember,
)
from kiko_livechat.realtime import events, outbox
from kiko_livechat.services.actor import Actor

HANDOFF = "handoff"
ASSIGNED = "assigned"
MESSAGE = "message"
TEAM = "team"
UNANSWERED = "unanswered"
KINDS = (HANDOFF, ASSIGNED, MESSAGE, TEAM, UNANSWERED)
# Chatwoot users complain that handoffs raise no alert and new-message e-mails are off: here
# handoffs, assignments, visitor messages and unanswered handoffs alert by e-mail (messages
# digested) and sound.
DEFAULT_EMAIL = (HANDOFF, ASSIGNED, MESSAGE, UNANSWERED)
DEFAULT_SOUND = (HANDOFF, ASSIGNED, MESSAGE, UNANSWERED)
_ROUTED = (events.MESSAGE_CREATED, events.CONVERSATION_CREATED, events.CONVERSATION_UPDATED)


def route_pending(session: Session) -> None:
    """Step 1 of services/changes.py: name, on each event waiting for this session's commit, whom
    it alerts; each person once per conversation and transaction (a handoff that also opens and
    assigns is one alert).
    Idempotent: events already routed keep their answer."""
    done = {
        (user_id, event.conversation_id) for event in outbox.pending(session) for user_id, _ in events.alerted(event)
    }
    reads = _Reads(session, outbox.pending(session))

    def route(event: events.ChatEvent) -> events.ChatEvent:
        if event.kind not in _ROUTED or "alerts" in event.detail:
            return event
        found = []
        for user_id, kind in recipients(session, event, reads):
            if (user_id, event.conversation_id) not in done:
                done.add((user_id, event.conversation_id))
                found.append([user_id, kind])
        return dataclasses.replace(event, detail={**event.detail, "alerts": found})

    outbox.annotate(session, route)


# The only changes of a conversation update that alert anybody (below); every other update
# (read markers, status, priority, labels, an e-mail left) is decided without a read.
_ALERTING_CHANGES = frozenset({"assignee", "team", events.HANDOFF, "unanswered"})


def recipients(session: Session, event: events.ChatEvent, reads: "_Reads | None" = None) -> list[tuple[int, str]]:
    """(user id, alert kind) for everyone `event` should alert, each user at most once."""
    what = event.detail.get("changed", [])
    if event.private or (event.kind == events.CONVERSATION_UPDATED and not _ALERTING_CHANGES.intersection(what)):
        return []  # a note, or an update that alerts nobody (read markers, a status, labels ...)
    conversation = session.get(Conversation, event.conversation_id) if event.conversation_id else None
    if conversation is None:
        return []
    reads = reads or _Reads(session)
    by = event.detail.get("by")
    found: dict[int, str] = {}
    if event.kind == events.MESSAGE_CREATED:
        if conversation.assignee_id and reads.message_type(event.message_id) == MessageType.INCOMING:
            found[conversation.assignee_id] = MESSAGE
    elif _new_for_humans(event, conversation):
        for user_id in reads.inbox_agents(conversation.inbox_id):
            found.setdefault(user_id, HANDOFF)
    elif "unanswered" in what:
        for user_id in [*reads.inbox_agents(conversation.inbox_id), conversation.assignee_id]:
            if user_id is not None:
                found.setdefault(user_id, UNANSWERED)
    elif event.kind == events.CONVERSATION_UPDATED:
        if "assignee" in what and conversation.assignee_id and conversation.assignee_id != by:
            found[conversation.assignee_id] = ASSIGNED
        if "team" in what and conversation.team_id:
            for user_id in reads.team_members(conversation.team_id):
                if user_id not in (by, conversation.assignee_id):
                    found.setdefault(user_id, TEAM)
    active = reads.active(conversation.account_id, found)
    return [(user_id, kind) for user_id, kind in found.items() if user_id in active]


def _new_for_humans(event: events.ChatEvent, conversation: Conversation) -> bool:
    """A handoff, or a visitor's new conversation, that no agent has yet."""
    if conversation.assignee_id is not None or conversation.status != ConversationStatus.OPEN:
        return False
    if event.kind == events.CONVERSATION_CREATED:
        return True
    return event.kind == events.CONVERSATION_UPDATED and events.HANDOFF in event.detail.get("changed", [])


_INBOX_AGENTS = (
    select(InboxMember.user_id, InboxMember.account_id, AccountUser.is_active)
    .outerjoin(
        AccountUser, (AccountUser.user_id == InboxMember.user_id) & (AccountUser.account_id == InboxMember.account_id)
    )
    .where(InboxMember.inbox_id == sa.bindparam("inbox_id"))
)


class _Reads:
    """Lookups shared by the events of one transaction: a handoff emits several about the same
    conversation, and each would otherwise read the inbox's agents again."""

    def __init__(self, session: Session, pending: list[events.ChatEvent] = ()) -> None:
        self.session = session
        self.pending = pending
        self._inbox_agents: dict[int, list[int]] = {}
        self._team_members: dict[int, list[int]] = {}
        self._active: dict[tuple[int, int], bool] = {}
        self._message_types: dict[int, str] = {}

    def inbox_agents(self, inbox_id: int) -> list[int]:
        """The inbox's agents (and, in the same query, whether each is an active member)."""
        if inbox_id not in self._inbox_agents:
            rows = self.session.exec(_INBOX_AGENTS, params={"inbox_id": inbox_id}).all()
            self._inbox_agents[inbox_id] = [user_id for user_id, _, _ in rows]
            self._active.update({(account_id, user_id): bool(active) for user_id, account_id, active in rows})
        return self._inbox_agents[inbox_id]

    def message_type(self, message_id: int | None) -> str | None:
        """The message's type (those of all the transaction's new messages, read in one query)."""
        if message_id not in self._message_types:
            ids = {e.message_id for e in self.pending if e.kind == events.MESSAGE_CREATED and e.message_id}
            ids = list(ids | {message_id} - set(self._message_types) - {None})
            query = select(Message.id, Message.message_type).where(Message.id.in_(ids))
            self._message_types.update(dict(self.session.exec(query).all()) if ids else {})
            self._message_types.update({i: None for i in ids if i not in self._message_types})
        return self._message_types.get(message_id)

    def team_members(self, team_id: int) -> list[int]:
        if team_id not in self._team_members:
            query = select(TeamMember.user_id).where(TeamMember.team_id == team_id)
            self._team_members[team_id] = list(self.session.exec(query).all())
        return self._team_members[team_id]

    def active(self, account_id: int, user_ids) -> set[int]:
        """Of `user_ids`, those active members of the account."""
        unknown = [user_id for user_id in user_ids if (account_id, user_id) not in self._active]
        if unknown:
            found = set(
                self.session.exec(
                    select(AccountUser.user_id).where(
                        AccountUser.account_id == account_id, AccountUser.user_id.in_(unknown), AccountUser.is_active
                    )
                ).all()
            )
            self._active.update({(account_id, user_id): user_id in found for user_id in unknown})
        return {user_id for user_id in user_ids if self._active[(account_id, user_id)]}


@dataclass(frozen=True)
class Unread:
    """What waits for the agent: open conversations assigned to them, or unassigned in an inbox
    they work, with a visitor message nobody has read yet."""

    conversation_ids: frozenset[int]
    # Those of them assigned to the agent.
    assigned_ids: frozenset[int]

    @property
    def total(self) -> int:
        return len(self.conversation_ids)

    @property
    def assigned(self) -> int:
        return len(self.assigned_ids)


# A count in a tab title; beyond this it says "many" either way.
UNREAD_LIMIT = 99


def _unread_visitor_message():
    """SQL: the conversation has a visitor message no agent has read yet."""
    return (
        select(Message.id)
        .where(
            Message.conversation_id == Conversation.id,
            Message.message_type == MessageType.INCOMING,
            or_(Conversation.agent_last_seen_at.is_(None), Message.created_at > Conversation.agent_last_seen_at),
        )
        .exists()
    )


def is_unread(session: Session, conversation: Conversation) -> bool:
    """Whether a visitor message in the conversation waits unread (a digest e-mail about it is
    dropped once the agent has read everything, e.g. because the conversation was on screen)."""
    query = select(Conversation.id).where(Conversation.id == conversation.id, _unread_visitor_message())
    return session.exec(query).first() is not None


def unread_for(session: Session, *, actor: Actor) -> Unread:
    member_inboxes = select(InboxMember.inbox_id).where(InboxMember.user_id == actor.user_id)
    rows = session.exec(
        select(Conversation.id, Conversation.assignee_id)
        .where(
            Conversation.account_id == actor.account_id,
            Conversation.status == ConversationStatus.OPEN,
            or_(
                Conversation.assignee_id == actor.user_id,
                Conversation.assignee_id.is_(None) & Conversation.inbox_id.in_(member_inboxes),
            ),
            _unread_visitor_message(),
        )
        .limit(UNREAD_LIMIT)
    ).all()
    return Unread(
        frozenset(cid for cid, _ in rows), frozenset(cid for cid, assignee in rows if assignee == actor.user_id)
    )


@dataclass(frozen=True)
class Subject:
    """What an alert is about: the conversation's number, who (name or alias) and their last words."""

    number: int
    who: str
    last_message: str


def subject_of(session: Session, conversation: Conversation, locale: str) -> Subject:
    contact = session.get(Contact, conversation.contact_id)
    last = session.exec(
        select(Message.content)
        .where(Message.conversation_id == conversation.id, Message.message_type == MessageType.INCOMING)
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return Subject(conversation.display_id, contact.name or alias(conversation.alias_key, locale), last or "")
