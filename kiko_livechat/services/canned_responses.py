"""Canned responses: prepared answers an agent calls with "/short_code" in the composer.

Two scopes share one table: account-wide ones (user_id None), which administrators manage and
everyone in the account uses, and personal ones, which only their author sees and manages. A
personal code may shadow an account-wide one for its author: that agent then finds only their
own under the code. Someone else's personal response is "not found", exactly like one of
another account, so ids reveal nothing.

The search ranks as Chatwoot's does: short-code prefix > short-code contains > content
contains. It runs in the database with a LIMIT, so the picker's answer per keystroke stays a
handful of rows however many responses the account has (bench/canned_picker_bench.py).
"""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, or_, select

from kiko_livechat.models import Account, CannedResponse, Contact, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.conversations import visible_conversation
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.validation import refuse_nul

SHORT_CODE_MAX = 50
CONTENT_MAX = 10_000
# Longest search text worth running: a short code is at most SHORT_CODE_MAX long, and a longer
# text typed after "/" is a sentence, not a search (cut, not refused: the agent is typing).
SEARCH_MAX = 100
PICKER_ROWS = 8
PREVIEW_MAX = 120
# Letters (umlauts too), digits, "-" and "_": what can follow "/" in a sentence without a space.
_CODE = re.compile(r"^[\w-]+$")
# The variables a content may use, "{{contact.name}}" ... Kept as (object, field) pairs: written
# out, "conversation.id" would read as a catalog key to tests/unit/i18n/test_catalogs.py.
_FIELDS = (
    ("contact", "name"),
    ("contact", "email"),
    ("contact", "phone"),
    ("agent", "name"),
    ("conversation", "id"),
    ("account", "name"),
)
VARIABLES = tuple(f"{thing}.{field}" for thing, field in _FIELDS)
_VARIABLE = re.compile(r"(?P<space>[ \t]?)\{\{\s*(?P<name>[a-z_]+\.[a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class CannedView:
    canned_id: int
    account_id: int
    short_code: str
    content: str
    personal: bool
    created_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class PickerRow:
    """One row of the composer's picker: the code, a one-line preview, and the text to insert
    with the conversation's variables filled in."""

    canned_id: int
    short_code: str
    preview: str
    text: str


def _view(row: CannedResponse) -> CannedView:
    return CannedView(
        canned_id=row.id,
        account_id=row.account_id,
        short_code=row.short_code,
        content=row.content,
        personal=row.user_id is not None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _require_person(actor: Actor) -> None:
    # A bot token reaches what a chatbot needs (Chatwoot's bots cannot call this API either).
    if actor.is_bot:
        raise PermissionDenied()


def _visible(actor: Actor):
    """The rows the actor may use: account-wide ones not shadowed by their own, and their own."""
    own_codes = select(CannedResponse.short_code).where(
        CannedResponse.account_id == actor.account_id, CannedResponse.user_id == actor.user_id
    )
    return select(CannedResponse).where(
        CannedResponse.account_id == actor.account_id,
        or_(
            CannedResponse.user_id == actor.user_id,
            sa.and_(CannedResponse.user_id.is_(None), CannedResponse.short_code.not_in(own_codes)),
        ),
    )


def _escaped(text: str) -> str:
    """`text` for a LIKE pattern: its own % and _ are characters, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_text(search: object) -> str:
    return search.strip()[:SEARCH_MAX] if isinstance(search, str) else ""


def list_canned_responses(
    session: Session, *, actor: Actor, search: object = "", limit: int | None = None
) -> list[CannedView]:
    """What the actor may use, by short code; with `search`, only matches, best first: short
    code starting with it, short code containing it, then content containing it. Case does not
    count (ILIKE on PostgreSQL; on SQLite lower(), which knows ASCII letters only).

    Two statements: the short codes first; the contents, the costly scan, only when the codes
    leave room under `limit` (content matches rank after every code match)."""
    _require_person(actor)
    text = _search_text(search)
    visible = _visible(actor)
    if not text:
        query = visible.order_by(CannedResponse.short_code, CannedResponse.id)
        return [_view(row) for row in session.exec(query.limit(limit) if limit else query).all()]
    needle = _escaped(text)
    in_code = CannedResponse.short_code.ilike(f"%{needle}%", escape="\\")
    starts = sa.case((CannedResponse.short_code.ilike(f"{needle}%", escape="\\"), 1), else_=0)
    by_code = visible.where(in_code).order_by(starts.desc(), CannedResponse.short_code, CannedResponse.id)
    rows = list(session.exec(by_code.limit(limit) if limit else by_code).all())
    if limit is None or len(rows) < limit:
        in_content = CannedResponse.content.ilike(f"%{needle}%", escape="\\")
        by_content = visible.where(~in_code, in_content).order_by(CannedResponse.short_code, CannedResponse.id)
        rows += session.exec(by_content.limit(limit - len(rows)) if limit else by_content).all()
    return [_view(row) for row in rows]


def get_canned_response(session: Session, *, actor: Actor, canned_id: object) -> CannedView:
    return _view(_reachable(session, actor, canned_id))


def _reachable(session: Session, actor: Actor, canned_id: object) -> CannedResponse:
    """The row if the actor may see it: of their account, and account-wide or their own."""
    _require_person(actor)
    if not valid_id(canned_id):
        raise NotFound()
    row = session.get(CannedResponse, canned_id)
    if row is None or row.account_id != actor.account_id or row.user_id not in (None, actor.user_id):
        raise NotFound()
    return row


def _may_manage(actor: Actor, row_user_id: int | None) -> None:
    """Account-wide responses are the administrators'; a personal one is its author's."""
    if row_user_id is None:
        actor.require_admin()


def clean_short_code(value: object) -> str:
    """A short code as stored: without a leading "/", letters, digits, "-" and "_"."""
    text = refuse_nul(value, field="short_code").strip() if isinstance(value, str) else ""
    text = text.removeprefix("/")
    if not text:
        raise ValidationFailed("error.required", field="short_code")
    if len(text) > SHORT_CODE_MAX:
        raise ValidationFailed("error.too_long", field="short_code", max=SHORT_CODE_MAX)
    if not _CODE.match(text):
        raise ValidationFailed("canned.error.short_code", field="short_code")
    return text


def clean_content(value: object) -> str:
    """Multi-line text, trimmed at its ends; line breaks inside stay."""
    text = refuse_nul(value, field="content").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed("error.required", field="content")
    if len(text) > CONTENT_MAX:
        raise ValidationFailed("error.too_long", field="content", max=CONTENT_MAX)
    return text


def _require_unique(
    session: Session, actor: Actor, code: str, owner_id: int | None, except_id: int | None = None
) -> None:
    """One code per scope: once among the account-wide ones, once among each agent's own.
    Case does not count ("Hallo" and "hallo" would be the same word to an agent)."""
    owner = CannedResponse.user_id.is_(None) if owner_id is None else CannedResponse.user_id == owner_id
    query = select(CannedResponse.id).where(
        CannedResponse.account_id == actor.account_id, owner, func.lower(CannedResponse.short_code) == code.lower()
    )
    if except_id is not None:
        query = query.where(CannedResponse.id != except_id)
    if session.exec(query).first() is not None:
        raise ValidationFailed("canned.error.short_code_taken", field="short_code", name=code)


def _save(session: Session, row: CannedResponse, code: str) -> CannedView:
    session.add(row)
    try:
        session.commit()
    except sa.exc.IntegrityError as exc:  # the same code saved at the same moment by someone else
        session.rollback()
        raise ValidationFailed("canned.error.short_code_taken", field="short_code", name=code) from exc
    return _view(row)


def create_canned_response(
    session: Session, *, actor: Actor, short_code: object, content: object, personal: object = False
) -> CannedView:
    """A new response: account-wide (administrators) or `personal` (anyone, for themselves)."""
    _require_person(actor)
    owner_id = actor.user_id if personal is True else None
    _may_manage(actor, owner_id)
    code, text = clean_short_code(short_code), clean_content(content)
    _require_unique(session, actor, code, owner_id)
    row = CannedResponse(account_id=actor.account_id, user_id=owner_id, short_code=code, content=text)
    return _save(session, row, code)


def update_canned_response(
    session: Session, *, actor: Actor, canned_id: object, short_code: object = None, content: object = None
) -> CannedView:
    """Change the code and/or the content (None keeps it, as Chatwoot's PATCH does)."""
    row = _reachable(session, actor, canned_id)
    _may_manage(actor, row.user_id)
    code = row.short_code if short_code is None else clean_short_code(short_code)
    text = row.content if content is None else clean_content(content)
    _require_unique(session, actor, code, row.user_id, except_id=row.id)
    row.short_code, row.content, row.updated_at = code, text, utcnow()
    return _save(session, row, code)


def delete_canned_response(session: Session, *, actor: Actor, canned_id: object) -> None:
    row = _reachable(session, actor, canned_id)
    _may_manage(actor, row.user_id)
    session.delete(row)
    session.commit()


def fill_variables(content: str, values: dict[str, str]) -> str:
    """The content with `{{contact.name}}` & co. replaced by `values`. A variable without a
    value disappears with the space before it ("Hallo {{contact.name}}!" -> "Hallo!"), so no
    raw braces reach the visitor; braces that name no known variable are the author's text."""

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in VARIABLES:
            return match.group(0)
        value = values.get(name, "")
        return match.group("space") + value if value else ""

    return _VARIABLE.sub(replace, content)


def preview(content: str) -> str:
    """The content on one line, cut to PREVIEW_MAX characters."""
    line = " ".join(content.split())
    return line if len(line) <= PREVIEW_MAX else line[: PREVIEW_MAX - 1] + "…"


def variable_values(session: Session, *, actor: Actor, display_id: object) -> dict[str, str]:
    """What the variables stand for in one conversation the actor may see (NotFound otherwise)."""
    conversation = visible_conversation(session, actor=actor, display_id=display_id)
    contact = session.get(Contact, conversation.contact_id)
    agent = session.get(User, actor.user_id)
    account = session.get(Account, actor.account_id)
    values = (
        # The contact's own name only: the alias a nameless visitor goes by is for the agents.
        contact.name if contact else "",
        (contact.email or "") if contact else "",
        (contact.phone_number or "") if contact else "",
        agent.name if agent else "",
        str(conversation.display_id),  # the number people see, as Chatwoot's {{conversation.id}}
        account.name if account else "",
    )
    return dict(zip(VARIABLES, values, strict=True))


def picker_rows(session: Session, *, actor: Actor, search: object, display_id: object) -> list[PickerRow]:
    """The composer's picker for what the agent typed after "/" in conversation `display_id`:
    the best PICKER_ROWS matches, each with its text ready to insert."""
    values = variable_values(session, actor=actor, display_id=display_id)
    return [
        PickerRow(
            canned_id=view.canned_id,
            short_code=view.short_code,
            preview=preview(view.content),
            text=fill_variables(view.content, values),
        )
        for view in list_canned_responses(session, actor=actor, search=search, limit=PICKER_ROWS)
    ]
