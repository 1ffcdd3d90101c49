"""Who and what is in the account, as integrations list them (agents, teams, inboxes)."""

from sqlmodel import Session, select

from kiko_livechat.models import Inbox
from kiko_livechat.services import api_rows
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.api_rows import AgentRow, TeamRow
from kiko_livechat.services.overview import visible_inbox_ids


def agents(session: Session, *, actor: Actor) -> list[AgentRow]:
    """Active members with their role and availability, by name."""
    return list(api_rows.agents(session, account_id=actor.account_id, active_only=True).values())


def teams(session: Session, *, actor: Actor) -> list[TeamRow]:
    """The account's teams, each saying whether the reader is a member (as Chatwoot lists them)."""
    return api_rows.teams(session, account_id=actor.account_id, reader_id=actor.user_id)


def inboxes(session: Session, *, actor: Actor) -> list[Inbox]:
    """The inboxes the actor may see (a bot: its own)."""
    return list(session.exec(select(Inbox).where(Inbox.id.in_(visible_inbox_ids(actor=actor))).order_by(Inbox.name)))
