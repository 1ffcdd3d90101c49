"""Inboxes as administrators set them up: the web widget for a website, the API inbox for the bot."""

import json
from dataclasses import dataclass

from sqlmodel import Session, delete, select

from kiko_livechat.models import ChannelType, Inbox, InboxMember, User
from kiko_livechat.services import file_types, provisioning
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.public_address import clean_webhook_url
from kiko_livechat.services.scoping import get_in_account, require_unique_name
from kiko_livechat.services.validation import (
    clean_color,
    clean_domains,
    clean_name,
    clean_text,
    clean_whole_number,
)
from kiko_livechat.settings import get_settings

WIDGET_SCRIPT = "/widget.js"
# Longest "nobody answers" reminder time an inbox can have (a day).
UNANSWERED_MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class InboxView:
    inbox_id: int
    name: str
    channel_type: str
    greeting: str
    widget_color: str
    allowed_domains: tuple[str, ...]
    webhook_url: str
    enable_auto_assignment: bool
    public_token: str
    webhook_secret: str
    bot_receives_after_handoff: bool
    unanswered_after_minutes: int
    agent_ids: tuple[int, ...]
    agent_names: tuple[str, ...]
    # The kinds of files that may be sent in the inbox (services/file_types.CATEGORIES).
    allowed_file_types: tuple[str, ...] = file_types.CATEGORIES


@dataclass(frozen=True)
class CreatedApiInbox:
    inbox: InboxView
    # The bot's token in plain text: shown this once, only its hash is kept.
    api_token: str


def list_inboxes(session: Session, *, actor: Actor) -> list[InboxView]:
    """Every inbox of the account with its agents (administrators only)."""
    actor.require_admin()
    inboxes = session.exec(select(Inbox).where(Inbox.account_id == actor.account_id).order_by(Inbox.name)).all()
    return _views(session, inboxes)


def get_inbox_settings(session: Session, *, actor: Actor, inbox_id: object) -> InboxView:
    """One inbox with everything its settings page shows (administrators only)."""
    actor.require_admin()
    return _views(session, [get_in_account(session, Inbox, account_id=actor.account_id, obj_id=inbox_id)])[0]


def create_web_inbox(
    session: Session,
    *,
    actor: Actor,
    name: object,
    greeting: object = "",
    widget_color: object = "#1f6feb",
    allowed_domains: object = "",
    agent_ids: object = (),
) -> InboxView:
    """A chat widget inbox for the customer's website."""
    actor.require_admin()
    created = provisioning.create_inbox(
        session,
        account_id=actor.account_id,
        name=name,
        channel_type=ChannelType.WEB_WIDGET,
        greeting=greeting,
        widget_color=widget_color,
        allowed_domains=allowed_domains,
        agent_ids=_ids(agent_ids),
    )
    session.commit()
    return _views(session, [created.inbox])[0]


def create_api_inbox(
    session: Session, *, actor: Actor, name: object, webhook_url: object = "", agent_ids: object = ()
) -> CreatedApiInbox:
    """An inbox the bot feeds through the API; its token is returned once."""
    actor.require_admin()
    created = provisioning.create_inbox(
        session,
        account_id=actor.account_id,
        name=name,
        channel_type=ChannelType.API,
        webhook_url=webhook_url,
        agent_ids=_ids(agent_ids),
    )
    session.commit()
    return CreatedApiInbox(inbox=_views(session, [created.inbox])[0], api_token=created.api_token)


def update_inbox(
    session: Session,
    *,
    actor: Actor,
    inbox_id: object,
    name: object,
    greeting: object = "",
    widget_color: object = "#1f6feb",
    allowed_domains: object = "",
    webhook_url: object = "",
    enable_auto_assignment: object = True,
    agent_ids: object = (),
    bot_receives_after_handoff: object = False,
    unanswered_after_minutes: object = None,
    allowed_file_types: object = None,
) -> InboxView:
    """Change an inbox's settings and the agents who work it, all or nothing. The reminder time
    (minutes, 0 = none) and the kinds of files allowed (a list of file_types.CATEGORIES; empty:
    no files) stay as they are when not given."""
    actor.require_admin()
    inbox = get_in_account(session, Inbox, account_id=actor.account_id, obj_id=inbox_id)
    clean = clean_name(name)
    require_unique_name(session, Inbox, account_id=actor.account_id, name=clean, except_id=inbox.id)
    if inbox.channel_type == ChannelType.WEB_WIDGET:
        inbox.greeting = clean_text(greeting, field="greeting", max_length=provisioning.GREETING_MAX)
        inbox.widget_color = clean_color(widget_color)
        inbox.allowed_domains = clean_domains(allowed_domains)
    else:
        inbox.webhook_url = clean_webhook_url(webhook_url, field="webhook_url")
        inbox.bot_receives_after_handoff = bool(bot_receives_after_handoff)
    if allowed_file_types is not None:
        inbox.allowed_file_types = clean_file_types(allowed_file_types)
    if unanswered_after_minutes is not None:
        inbox.unanswered_after_seconds = 60 * clean_whole_number(
            unanswered_after_minutes, field="unanswered_after_minutes", minimum=0, maximum=UNANSWERED_MAX_MINUTES
        )
    members = provisioning.active_member_ids(session, account_id=actor.account_id, user_ids=_ids(agent_ids))
    inbox.name = clean
    inbox.enable_auto_assignment = bool(enable_auto_assignment)
    session.add(inbox)
    session.exec(delete(InboxMember).where(InboxMember.inbox_id == inbox.id, InboxMember.user_id.not_in(members)))
    present = set(session.exec(select(InboxMember.user_id).where(InboxMember.inbox_id == inbox.id)).all())
    for user_id in members:
        if user_id not in present:
            session.add(InboxMember(account_id=actor.account_id, inbox_id=inbox.id, user_id=user_id))
    session.commit()
    return _views(session, [inbox])[0]


def regenerate_api_token(session: Session, *, actor: Actor, inbox_id: object) -> str:
    """A new bot token for an API inbox; the old one stops working at once. Returned once."""
    actor.require_admin()
    inbox = get_in_account(session, Inbox, account_id=actor.account_id, obj_id=inbox_id)
    if inbox.channel_type != ChannelType.API:
        raise ValidationFailed("inboxes.error.not_api")
    token = provisioning.issue_inbox_token(session, inbox)
    session.commit()
    return token


def embed_snippet(public_token: str, base_url: str | None = None) -> str:
    """The HTML a customer pastes into their website, before </body>."""
    base = (base_url or get_settings().base_url).rstrip("/")
    settings = json.dumps({"baseUrl": base, "inboxToken": public_token})
    return (
        "<script>\n"
        f"  window.kikoSettings = Object.assign({settings}, window.kikoSettings || {{}});\n"
        "</script>\n"
        f'<script src="{base}{WIDGET_SCRIPT}" async defer></script>'
    )


def _ids(value: object) -> tuple:
    """Agent ids from a form: a list of ints or of digit strings."""
    items = value if isinstance(value, list | tuple | set) else []
    return tuple(int(item) if isinstance(item, str) and item.isdigit() else item for item in items)


def clean_file_types(value: object) -> list[str] | None:
    """The kinds of files an inbox allows, in CATEGORIES' order; None when all are."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed("inboxes.error.file_types", field="allowed_file_types")
    unknown = set(value) - set(file_types.CATEGORIES)
    if unknown:
        raise ValidationFailed("inboxes.error.file_types", field="allowed_file_types")
    chosen = [c for c in file_types.CATEGORIES if c in value]
    return None if len(chosen) == len(file_types.CATEGORIES) else chosen


def _views(session: Session, inboxes: list[Inbox]) -> list[InboxView]:
    agents: dict[int, list[tuple[int, str]]] = {inbox.id: [] for inbox in inboxes}
    if inboxes:
        rows = session.exec(
            select(InboxMember.inbox_id, User.id, User.name)
            .join(User, User.id == InboxMember.user_id)
            .where(InboxMember.inbox_id.in_(agents.keys()))
            .order_by(User.name)
        ).all()
        for inbox_id, user_id, user_name in rows:
            agents[inbox_id].append((user_id, user_name))
    return [
        InboxView(
            inbox_id=inbox.id,
            name=inbox.name,
            channel_type=inbox.channel_type,
            greeting=inbox.greeting,
            widget_color=inbox.widget_color,
            allowed_domains=tuple(inbox.allowed_domains or ()),
            webhook_url=inbox.webhook_url or "",
            enable_auto_assignment=inbox.enable_auto_assignment,
            public_token=inbox.public_token,
            webhook_secret=inbox.webhook_secret,
            bot_receives_after_handoff=inbox.bot_receives_after_handoff,
            unanswered_after_minutes=inbox.unanswered_after_seconds // 60,
            agent_ids=tuple(user_id for user_id, _ in agents[inbox.id]),
            agent_names=tuple(name for _, name in agents[inbox.id]),
            allowed_file_types=tuple(
                c for c in file_types.CATEGORIES if inbox.allowed_file_types is None or c in inbox.allowed_file_types
            ),
        )
        for inbox in inboxes
    ]
