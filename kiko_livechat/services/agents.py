"""The agents of an account, as administrators manage them: roles, deactivation, reactivation."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from kiko_livechat.models import AccountUser, Availability, Contact, Conversation, ConversationStatus, Inbox, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.auth import revoke_user_sessions
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.presence import effective_availability
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.validation import choice

# Conversations someone still has to take care of.
UNFINISHED = (ConversationStatus.OPEN, ConversationStatus.PENDING, ConversationStatus.SNOOZED)


@dataclass(frozen=True)
class AgentView:
    user_id: int
    name: str
    email: str
    role: str
    # What administrators see: the chosen availability, or offline when no tab is open.
    availability: str
    last_seen_at: datetime | None
    is_active: bool


@dataclass(frozen=True)
class AssignedConversation:
    conversation_id: int
    display_id: int
    status: str
    contact_name: str
    inbox_name: str
    alias_key: str = ""


def list_agents(session: Session, *, actor: Actor, now: datetime | None = None) -> list[AgentView]:
    """Everyone in the actor's account, active ones first (administrators only)."""
    actor.require_admin()
    now = now or utcnow()
    # Plain columns, not ORM objects: a large account lists hundreds of people.
    rows = session.exec(
        select(
            User.id,
            User.name,
            User.email,
            AccountUser.role,
            User.availability,
            User.last_seen_at,
            AccountUser.is_active,
        )
        .join(User, User.id == AccountUser.user_id)
        .where(AccountUser.account_id == actor.account_id)
        .order_by(AccountUser.is_active.desc(), User.name, User.id)
    ).all()
    return [
        AgentView(
            user_id=user_id,
            name=name,
            email=email,
            role=role,
            availability=effective_availability(chosen, last_seen_at, now) if active else Availability.OFFLINE,
            last_seen_at=last_seen_at,
            is_active=active,
        )
        for user_id, name, email, role, chosen, last_seen_at, active in rows
    ]


def change_role(session: Session, *, actor: Actor, user_id: object, role: object) -> None:
    """Make a member administrator or agent; the account always keeps an active administrator."""
    actor.require_admin()
    new_role = choice(role, Role, field="role")
    member = _membership(session, actor.account_id, user_id)
    if member.role == Role.ADMINISTRATOR and new_role != Role.ADMINISTRATOR:
        _keep_an_administrator(session, actor.account_id, member)
    member.role = new_role
    session.add(member)
    session.commit()


def open_conversations(session: Session, *, actor: Actor, user_id: object) -> list[AssignedConversation]:
    """The unfinished conversations assigned to a member (shown before deactivating them)."""
    actor.require_admin()
    member = _membership(session, actor.account_id, user_id)
    rows = session.exec(
        select(Conversation, Contact.name, Inbox.name)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Inbox, Inbox.id == Conversation.inbox_id)
        .where(
            Conversation.account_id == actor.account_id,
            Conversation.assignee_id == member.user_id,
            Conversation.status.in_(UNFINISHED),
        )
        .order_by(Conversation.last_activity_at.desc())
    ).all()
    return [
        AssignedConversation(
            conversation_id=conv.id,
            display_id=conv.display_id,
            status=conv.status,
            contact_name=contact_name or "",
            inbox_name=inbox_name,
            alias_key=conv.alias_key,
        )
        for conv, contact_name, inbox_name in rows
    ]


def deactivate_agent(
    session: Session,
    *,
    actor: Actor,
    user_id: object,
    reassign_to_id: object = None,
    unassign: bool = False,
    now: datetime | None = None,
) -> int:
    """Deactivate a member: their sessions in this account end at once.

    Their unfinished conversations are never dropped silently: the administrator either names an
    active member who takes them over (`reassign_to_id`) or asks explicitly to `unassign` them;
    without either, a deactivation with open conversations is refused. Returns how many moved.
    """
    actor.require_admin()
    now = now or utcnow()
    member = _membership(session, actor.account_id, user_id)
    if member.user_id == actor.user_id:
        raise ValidationFailed("agents.error.deactivate_self")
    if not member.is_active:
        return 0
    if member.role == Role.ADMINISTRATOR:
        _keep_an_administrator(session, actor.account_id, member)
    successor = None
    if reassign_to_id not in (None, "", 0):
        successor = _membership(session, actor.account_id, reassign_to_id, field="reassign_to")
        if not successor.is_active or successor.user_id == member.user_id:
            raise ValidationFailed("agents.error.successor_inactive", field="reassign_to")
    unfinished = session.exec(
        select(Conversation).where(
            Conversation.account_id == actor.account_id,
            Conversation.assignee_id == member.user_id,
            Conversation.status.in_(UNFINISHED),
        )
    ).all()
    if unfinished and successor is None and not unassign:
        raise ValidationFailed("agents.error.open_conversations", field="reassign_to", count=len(unfinished))
    actor_name = session.get(User, actor.user_id).name
    successor_name = session.get(User, successor.user_id).name if successor else None
    for conversation in unfinished:
        conversation.assignee_id = successor.user_id if successor else None
        conversation.updated_at = now
        session.add(conversation)
        if successor:
            record_activity(session, conversation, "activity.assigned", actor=actor_name, assignee=successor_name)
        else:
            record_activity(session, conversation, "activity.unassigned", actor=actor_name)
    member.is_active = False
    session.add(member)
    revoke_user_sessions(session, user_id=member.user_id, account_id=actor.account_id, now=now)
    session.commit()
    return len(unfinished)


def reactivate_agent(session: Session, *, actor: Actor, user_id: object) -> None:
    """Let a deactivated member log in to this account again (with their old password)."""
    actor.require_admin()
    member = _membership(session, actor.account_id, user_id)
    member.is_active = True
    session.add(member)
    session.commit()


def _membership(session: Session, account_id: int, user_id: object, field: str | None = None) -> AccountUser:
    if not valid_id(user_id):
        raise NotFound(field=field)
    member = session.exec(
        select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.user_id == user_id)
    ).first()
    if member is None:
        raise NotFound(field=field)
    return member


def _keep_an_administrator(session: Session, account_id: int, leaving: AccountUser) -> None:
    """Refuse when `leaving` is the last active administrator. Locks every administrator row
    (its own included), so two administrators demoting each other at once are serialized and
    the second one sees the first one's change."""
    administrators = session.exec(
        select(AccountUser.id)
        .where(AccountUser.account_id == account_id, AccountUser.role == Role.ADMINISTRATOR, AccountUser.is_active)
        .with_for_update()
    ).all()
    if not set(administrators) - {leaving.id}:
        raise ValidationFailed("agents.error.last_admin")
