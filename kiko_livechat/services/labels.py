"""Labels: administrators manage them (settings, API); agents put the account's labels on the
conversations they may see. Over the API a bot sets a conversation's whole list (as Chatwoot
does), and labels it names are created on first use.

Titles are lower-case letters (umlauts and ß too), digits, - and _, at most 50, unique per
account. Titles and descriptions are plain text wherever they are shown."""

import re
from dataclasses import dataclass

from sqlmodel import Session, delete, func, select

from kiko_livechat.models import Conversation, ConversationLabel, ConversationStatus, Label
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes, conversations
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.conversations import visible_conversation
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.overview import visible_inbox_ids
from kiko_livechat.services.scoping import get_in_account
from kiko_livechat.services.validation import clean_color, clean_text

TITLE_MAX = 50
TITLE = re.compile(r"^[\w-]{1,50}$", re.UNICODE)
LABELS_MAX = 50
DESCRIPTION_MAX = 500
DEFAULT_COLOR = "#1f6feb"
# "Not given" for a partial update (PATCH): the field keeps its value.
KEEP = object()


@dataclass(frozen=True)
class LabelView:
    label_id: int
    title: str
    description: str
    color: str
    show_on_sidebar: bool
    # Conversations carrying the label (all of the account's); 0 where not counted.
    conversations: int = 0


@dataclass(frozen=True)
class Folder:
    """A label shown in the sidebar, with how many open conversations the actor sees carry it."""

    label_id: int
    title: str
    color: str
    open_count: int


def _view(label: Label, count: int = 0) -> LabelView:
    return LabelView(label.id, label.title, label.description, label.color, label.show_on_sidebar, count)


# --- the account's labels -------------------------------------------------------------------


def list_labels(session: Session, *, actor: Actor) -> list[LabelView]:
    """Every label of the account by title, each with its number of conversations."""
    counts = dict(
        session.exec(
            select(ConversationLabel.label_id, func.count())
            .where(ConversationLabel.account_id == actor.account_id)
            .group_by(ConversationLabel.label_id)
        ).all()
    )
    rows = session.exec(select(Label).where(Label.account_id == actor.account_id).order_by(Label.title)).all()
    return [_view(label, counts.get(label.id, 0)) for label in rows]


def get_label(session: Session, *, actor: Actor, label_id: object) -> LabelView:
    return _view(get_in_account(session, Label, account_id=actor.account_id, obj_id=label_id))


def create_label(
    session: Session,
    *,
    actor: Actor,
    title: object,
    description: object = "",
    color: object = DEFAULT_COLOR,
    show_on_sidebar: object = True,
) -> LabelView:
    """A new label of the account (administrators only)."""
    actor.require_admin()
    clean = _clean_title(title)
    text = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    colour = clean_color(DEFAULT_COLOR if color is None else color, field="color")
    _require_free(session, actor.account_id, clean)
    label = Label(
        account_id=actor.account_id,
        title=clean,
        description=text,
        color=colour,
        show_on_sidebar=show_on_sidebar is not False,
    )
    session.add(label)
    changes.commit(session)
    return _view(label)


def update_label(
    session: Session,
    *,
    actor: Actor,
    label_id: object,
    title: object = KEEP,
    description: object = KEEP,
    color: object = KEEP,
    show_on_sidebar: object = KEEP,
) -> LabelView:
    """Change a label (administrators only); fields left out keep their value. Conversations keep
    it under its new title; the tabs showing them hear of a new title or colour."""
    actor.require_admin()
    label = get_in_account(session, Label, account_id=actor.account_id, obj_id=label_id)
    clean = label.title if title is KEEP else _clean_title(title)
    text = (
        label.description
        if description is KEEP
        else clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    )
    colour = label.color if color in (KEEP, None) else clean_color(color, field="color")
    if clean != label.title:
        _require_free(session, actor.account_id, clean, except_id=label.id)
    # A new title changes each tagged conversation's labels (a bot hears conversation_updated,
    # as from Chatwoot's rename); a new colour changes only how the tabs draw them.
    what = events.LABELS if clean != label.title else events.LABEL_LOOK if colour != label.color else None
    label.title, label.description, label.color = clean, text, colour
    if show_on_sidebar is not KEEP and show_on_sidebar is not None:
        label.show_on_sidebar = bool(show_on_sidebar)
    session.add(label)
    if what:
        _announce(session, label.id, what, by=actor.user_id)
    changes.commit(session)
    return _view(label)


def delete_label(session: Session, *, actor: Actor, label_id: object) -> None:
    """Remove a label (administrators only): it leaves every conversation, which keep their
    other labels; the tabs showing those conversations hear of it."""
    actor.require_admin()
    label = get_in_account(session, Label, account_id=actor.account_id, obj_id=label_id)
    _announce(session, label.id, events.LABELS, by=actor.user_id)
    session.exec(delete(ConversationLabel).where(ConversationLabel.label_id == label.id))
    session.delete(label)
    changes.commit(session)


def sidebar_folders(session: Session, *, actor: Actor) -> list[Folder]:
    """The labels marked "show in sidebar", each with the open conversations the actor may see."""
    counted = (
        select(ConversationLabel.label_id, func.count().label("n"))
        .join(Conversation, Conversation.id == ConversationLabel.conversation_id)
        .where(
            ConversationLabel.account_id == actor.account_id,
            Conversation.status == ConversationStatus.OPEN,
            Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)),
        )
        .group_by(ConversationLabel.label_id)
        .subquery()
    )
    rows = session.exec(
        select(Label.id, Label.title, Label.color, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.label_id == Label.id)
        .where(Label.account_id == actor.account_id, Label.show_on_sidebar)
        .order_by(Label.title)
    ).all()
    return [Folder(label_id, title, color, count) for label_id, title, color, count in rows]


# --- labels on a conversation ---------------------------------------------------------------


def add_conversation_label(session: Session, *, actor: Actor, conversation_id: object, label_id: object) -> None:
    """Put one of the account's labels on a conversation (twice changes nothing)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    label = get_in_account(session, Label, account_id=actor.account_id, obj_id=label_id)
    if _attach(session, conversation, [label.id]):
        emit(session, events.changed(conversation, events.LABELS, by=actor.user_id))
        changes.commit(session)


def remove_conversation_label(session: Session, *, actor: Actor, conversation_id: object, label_id: object) -> None:
    """Take a label off a conversation (one it does not carry changes nothing)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    label = get_in_account(session, Label, account_id=actor.account_id, obj_id=label_id)
    row = session.exec(
        select(ConversationLabel).where(
            ConversationLabel.conversation_id == conversation.id, ConversationLabel.label_id == label.id
        )
    ).first()
    if row is not None:
        session.delete(row)
        emit(session, events.changed(conversation, events.LABELS, by=actor.user_id))
        changes.commit(session)


def resolve_with_labels(session: Session, *, actor: Actor, conversation_id: object, label_ids: object) -> None:
    """Resolve the conversation and put these labels on it, in one transaction: both or neither."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    if not isinstance(label_ids, list | tuple) or len(label_ids) > LABELS_MAX:
        raise ValidationFailed("labels.error.list", field="labels", max=LABELS_MAX)
    found = [get_in_account(session, Label, account_id=actor.account_id, obj_id=i).id for i in label_ids]
    if _attach(session, conversation, found):
        emit(session, events.changed(conversation, events.LABELS, by=actor.user_id))
    # set_status checks the status machine and commits the labels with the resolution.
    conversations.set_status(session, actor=actor, conversation_id=conversation.id, status="resolved")


def conversation_labels(session: Session, *, actor: Actor, conversation_id: object) -> list[str]:
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    return list(
        session.exec(
            select(Label.title)
            .join(ConversationLabel, ConversationLabel.label_id == Label.id)
            .where(ConversationLabel.conversation_id == conversation.id)
            .order_by(Label.title)
        ).all()
    )


def set_conversation_labels(session: Session, *, actor: Actor, conversation_id: object, titles: object) -> list[str]:
    """Replace the conversation's labels with `titles` (missing labels are created)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    wanted = _clean_titles(titles)
    existing = {
        label.title: label
        for label in session.exec(select(Label).where(Label.account_id == actor.account_id, Label.title.in_(wanted)))
    }
    for title in wanted:
        if title not in existing:
            existing[title] = Label(account_id=actor.account_id, title=title)
            session.add(existing[title])
    session.flush()
    session.exec(delete(ConversationLabel).where(ConversationLabel.conversation_id == conversation.id))
    for title in wanted:
        session.add(
            ConversationLabel(account_id=actor.account_id, conversation_id=conversation.id, label_id=existing[title].id)
        )
    emit(session, events.changed(conversation, events.LABELS, by=None if actor.is_bot else actor.user_id))
    changes.commit(session)
    return sorted(wanted)


# --- checks ---------------------------------------------------------------------------------


def _attach(session: Session, conversation: Conversation, label_ids: list[int]) -> bool:
    """Add the labels the conversation does not carry yet (the caller commits); True if any was."""
    carried = set(
        session.exec(
            select(ConversationLabel.label_id).where(ConversationLabel.conversation_id == conversation.id)
        ).all()
    )
    fresh = [label_id for label_id in dict.fromkeys(label_ids) if label_id not in carried]
    for label_id in fresh:
        session.add(
            ConversationLabel(account_id=conversation.account_id, conversation_id=conversation.id, label_id=label_id)
        )
    session.flush()
    return bool(fresh)


def _announce(session: Session, label_id: int, what: str, *, by: int) -> None:
    """Tell the tabs showing the label's conversations that their chips change (caller commits).
    One event per conversation, as for any other change of a conversation's labels (a tab that
    is busy hears the ones waiting for it together: state/live.py)."""
    tagged = session.exec(
        select(Conversation)
        .join(ConversationLabel, ConversationLabel.conversation_id == Conversation.id)
        .where(ConversationLabel.label_id == label_id)
    ).all()
    for conversation in tagged:
        emit(session, events.changed(conversation, what, by=by))


def _clean_title(value: object, *, field: str = "title") -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed("error.required", field=field)
    if len(text) > TITLE_MAX:
        raise ValidationFailed("error.too_long", field=field, max=TITLE_MAX)
    if not TITLE.match(text):
        raise ValidationFailed("labels.error.title_chars", field=field)
    return text


def _require_free(session: Session, account_id: int, title: str, except_id: int | None = None) -> None:
    query = select(Label.id).where(Label.account_id == account_id, Label.title == title)
    if except_id is not None:
        query = query.where(Label.id != except_id)
    if session.exec(query).first() is not None:
        raise ValidationFailed("labels.error.title_taken", field="title", title=title)


def _clean_titles(titles: object) -> list[str]:
    if not isinstance(titles, list) or len(titles) > LABELS_MAX:
        raise ValidationFailed("labels.error.list", field="labels", max=LABELS_MAX)
    cleaned = []
    for title in titles:
        text = title.strip().lower() if isinstance(title, str) else ""
        if not TITLE.match(text):
            raise ValidationFailed("labels.error.title", field="labels", title=str(title)[:50])
        if text not in cleaned:
            cleaned.append(text)
    return cleaned
