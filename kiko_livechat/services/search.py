"""Conversation search: by the words of its messages (the full-text index of migration 0012, see
models/search.py), its contact's name, e-mail or phone, its alias and its number; only in the
inboxes the actor may see.

Order: conversations found by their contact, alias or number first (the agent typed who or
which), newest activity first; then those found by a message, the newest matching message
first. Message hits are read from the index newest first and reading stops once enough
conversations are found, so a word that is in every message still answers at once.

Enough is what the pages can show (MAX_PAGE pages): the API's counts (Chatwoot's meta
mine / unassigned / all) count the matches up to that many, never every match of a common
word; `Found.capped` says when there were more.
"""

import re
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from kiko_livechat.i18n.aliases import alias
from kiko_livechat.i18n.locales import SUPPORTED_LOCALES
from kiko_livechat.models import Contact, Conversation, Inbox, Message, MessageType, User
from kiko_livechat.models.search import POSTGRES_VECTOR, SQLITE_TABLE
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.overview import visible_inbox_ids
from kiko_livechat.services.validation import like_pattern

PAGE_SIZE = 25
# Deeper than 40 pages nobody reads; it bounds what one search may cost.
MAX_PAGE = 40
Q_MAX = 200
# More words narrow nothing a person means; each is one more term for the index to intersect.
WORDS_MAX = 8
SNIPPET_CHARS = 140
# Characters of context kept before the first match in a snippet.
SNIPPET_LEAD = 40
# Matches read at a time: PostgreSQL's first chunk, doubled up to the last (_postgres_rows);
# SQLite's batches of one lazily stepped statement, at most SQLITE_READ_MAX in all.
FIRST_CHUNK, LAST_CHUNK = 200, 6400
SQLITE_READ_MAX = 200_000
# PostgreSQL's newest messages checked row by row, at most, while the word itself is common but
# the filters leave few of its matches (an agent's one inbox, a rare status): about SQLite's bound.
PG_WINDOW_READ_MAX = 200_000
# PostgreSQL's windows of newest messages checked row by row, and the share of matches under
# which a word counts as rare (then the GIN index is faster): see _postgres_rows.
PG_FIRST_WINDOW, PG_LAST_WINDOW, RARE = 2000, 32000, 50
_NO_ID_ABOVE = 2**63 - 1
# Conversations found by contact, number or alias that are sorted as a list of ids; more are
# read in order of activity instead (_direct_matches).
CANDIDATES_MAX = 1000
# What the index calls a word: letters and digits (FTS5's unicode61 and PostgreSQL's parser both
# split at everything else), so a word never carries query syntax (" * : & | ! ( ) ...).
_WORD = re.compile(r"[^\W_]+")
# The alias's words ("Blaue Eule", "Blue Owl") with its number, per language.
_ALIAS_NUMBER = re.compile(r"^(.*?)\s*(\d{4})?$", re.S)


@dataclass(frozen=True)
class MatchedMessage:
    message_id: int
    content: str
    sender_type: str
    # The agent's name for an agent's message, else "".
    sender_name: str
    message_type: str
    private: bool
    created_at: datetime


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    display_id: int
    alias_key: str
    status: str
    account_id: int
    contact_id: int
    contact_name: str
    contact_email: str
    contact_phone: str
    inbox_id: int
    inbox_name: str
    channel_type: str
    assignee_name: str
    created_at: datetime
    last_activity_at: datetime
    snoozed_until: datetime | None
    # The newest message that matches, or None when the contact, alias or number matched.
    message: MatchedMessage | None


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search besides the words, as Chatwoot's conversation filters name it:
    `status` one of conversations.STATUS_FILTERS ("all": any), `assignee` "all" / "mine" /
    "unassigned" (narrows the page, not the counts, as in Chatwoot's meta), an inbox, a team."""

    status: str = "all"
    assignee: str = "all"
    inbox_id: int | None = None
    team_id: int | None = None


ANY = SearchFilters()


@dataclass(frozen=True)
class Counts:
    """Chatwoot's meta of a search, over the matches found (at most MAX_PAGE pages of them)."""

    mine: int
    assigned: int
    unassigned: int
    all: int


@dataclass(frozen=True)
class Found:
    """One page of a search as conversation ids, with the newest matching message of each
    (None: found by contact, alias or number)."""

    shown: tuple[tuple[int, int | None], ...]
    page: int
    has_next: bool
    counts: Counts
    # More matched than the counts count (MAX_PAGE pages).
    capped: bool
    # The words searched for (lower case), for highlighting.
    words: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    page: int
    has_next: bool
    # The words searched for (lower case), for highlighting.
    words: tuple[str, ...]


def clean_query(q: object) -> str:
    """The search text, stripped; refused when empty, too long or holding a NUL."""
    text = q.strip() if isinstance(q, str) else ""
    if not text or "\x00" in text:
        raise ValidationFailed("search.error.empty", field="q")
    if len(text) > Q_MAX:
        raise ValidationFailed("search.error.too_long", field="q", max=Q_MAX)
    return text


def words_of(text: str) -> tuple[str, ...]:
    """The query's words as the index sees them: lower case, each once, at most WORDS_MAX."""
    return tuple(dict.fromkeys(w.lower() for w in _WORD.findall(text)))[:WORDS_MAX]


def fts5_match(words: tuple[str, ...]) -> str:
    """An FTS5 MATCH expression: every word as a quoted prefix term, all of them required.
    Words hold only letters and digits (words_of), so the quotes cannot be broken out of."""
    return " ".join(f'"{w}"*' for w in words)


def tsquery(words: tuple[str, ...]) -> str:
    """A to_tsquery text: every word as a prefix (`:*`), all of them required (`&`)."""
    return " & ".join(f"{w}:*" for w in words)


def search_conversations(session: Session, *, actor: Actor, q: object, page: object = 1) -> SearchPage:
    """One page of the conversations the actor may see that match `q`, loaded for the inbox's
    search box (see the module's doc and find_conversations)."""
    found = find_conversations(session, actor=actor, q=q, page=page)
    return SearchPage(
        hits=_load(session, list(found.shown)), page=found.page, has_next=found.has_next, words=found.words
    )


def find_conversations(
    session: Session, *, actor: Actor, q: object, page: object = 1, filters: SearchFilters = ANY
) -> Found:
    """One page of the conversations the actor may see that match `q` and the filters, with the
    counts of all matches (see the module's doc).

    Refuses an empty or overlong `q` (ValidationFailed); `page` counts from 1 (past MAX_PAGE
    there is nothing).
    """
    text = clean_query(q)
    page = max(1, page if isinstance(page, int) and not isinstance(page, bool) else 1)
    words = words_of(text)
    inbox_ids = list(session.exec(visible_inbox_ids(actor=actor)).all())
    if filters.inbox_id is not None:
        inbox_ids = [i for i in inbox_ids if i == filters.inbox_id]
    counted = MAX_PAGE * PAGE_SIZE
    wanted = counted + 1  # one more: were there more than the counts count?
    found: dict[int, int | None] = dict.fromkeys(_direct_matches(session, actor, inbox_ids, text, wanted, filters))
    reading = _Reading()
    if len(found) < wanted and words and inbox_ids:
        for conversation_id, message_id in _message_hits(
            session, actor, inbox_ids, words, wanted, found, filters, reading
        ):
            found[conversation_id] = message_id
    capped = len(found) > counted or reading.cut_short
    ordered = list(found.items())[:counted]
    assignees = _assignees(session, [c for c, _ in ordered])
    counts = _counts(assignees.values(), actor)
    if filters.assignee != "all":
        ordered = [(c, m) for c, m in ordered if _is_shown(assignees[c], filters.assignee, actor)]
    start = (page - 1) * PAGE_SIZE
    return Found(
        shown=tuple(ordered[start : start + PAGE_SIZE]),
        page=page,
        has_next=len(ordered) > start + PAGE_SIZE,
        counts=counts,
        capped=capped,
        words=words,
    )


def _assignees(session: Session, conversation_ids: list[int]) -> dict[int, int | None]:
    if not conversation_ids:
        return {}
    query = select(Conversation.id, Conversation.assignee_id).where(Conversation.id.in_(conversation_ids))
    return dict(session.exec(query).all())


def _is_mine(assignee_id: int | None, actor: Actor) -> bool:
    return assignee_id is not None and assignee_id == actor.user_id and not actor.is_bot


def _is_shown(assignee_id: int | None, assignee: str, actor: Actor) -> bool:
    return assignee_id is None if assignee == "unassigned" else _is_mine(assignee_id, actor)


def _counts(assignee_ids, actor: Actor) -> Counts:
    assignee_ids = list(assignee_ids)
    unassigned = sum(1 for a in assignee_ids if a is None)
    return Counts(
        mine=sum(1 for a in assignee_ids if _is_mine(a, actor)),
        assigned=len(assignee_ids) - unassigned,
        unassigned=unassigned,
        all=len(assignee_ids),
    )


def _direct_matches(
    session: Session, actor: Actor, inbox_ids: list[int], text: str, limit: int, filters: SearchFilters
) -> list[int]:
    """Conversations whose contact's name, e-mail or phone contains the text, whose alias it
    names, or whose number it is; newest activity first."""
    if not inbox_ids:
        return []
    lowered = text.lower()
    pattern = like_pattern(lowered)
    contact_match = [
        func.lower(Contact.name).like(pattern, escape="\\"),
        func.lower(Contact.email).like(pattern, escape="\\"),
    ]
    phone = re.sub(r"[\s()/-]", "", text)
    if len(phone) >= 3 and phone.lstrip("+").isdigit():  # "+49 170 …" as the agent reads it
        contact_match.append(Contact.phone_number.like(like_pattern(phone), escape="\\"))
    contacts = select(Contact.id).where(Contact.account_id == actor.account_id, sa.or_(*contact_match))
    conditions = [Conversation.contact_id.in_(contacts)]
    number = lowered.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) < 10:
        conditions.append(Conversation.display_id == int(number))
    conditions.extend(_alias_conditions(lowered))
    visible = (Conversation.account_id == actor.account_id, Conversation.inbox_id.in_(inbox_ids))
    if filters.status != "all":
        visible += (Conversation.status == filters.status,)
    if filters.team_id is not None:
        visible += (Conversation.team_id == filters.team_id,)
    newest_first = (Conversation.last_activity_at.desc(), Conversation.id.desc())
    # Each condition on its own (by contact, by number: along their indexes), then the few found
    # in order. Read as one query in order of activity, a rare match meant walking every
    # conversation of the account; a common one ("kunde") is found soon that way, so it is.
    candidates: set[int] = set()
    for condition in conditions:
        candidates.update(session.exec(select(Conversation.id).where(*visible, condition).limit(CANDIDATES_MAX)))
        if len(candidates) >= CANDIDATES_MAX:
            query = select(Conversation.id).where(*visible, sa.or_(*conditions))
            return list(session.exec(query.order_by(*newest_first).limit(limit)).all())
    if not candidates:
        return []
    query = select(Conversation.id).where(Conversation.id.in_(sorted(candidates)))
    return list(session.exec(query.order_by(*newest_first).limit(limit)).all())


def _alias_conditions(lowered: str) -> list:
    """Alias keys ("<adjective>-<animal>-<number>") whose alias in some language contains the
    words typed ("eule", "blue owl", "Blaue Eule 4821"): at least three letters, so a stray
    letter does not pick every alias."""
    words, number = _ALIAS_NUMBER.match(lowered).groups()
    if len(words) < 3:
        return []
    pairs = set()
    for locale in SUPPORTED_LOCALES:
        for adjective in range(16):
            for animal in range(16):
                name = alias(f"{adjective}-{animal}-1000", locale).lower().removesuffix(" 1000")
                if words in name:
                    pairs.add(f"{adjective}-{animal}-")
    if number:
        return [Conversation.alias_key.in_(sorted(p + number for p in pairs))] if pairs else []
    return [sa.or_(*(Conversation.alias_key.startswith(p) for p in sorted(pairs)))] if pairs else []


@dataclass
class _Reading:
    # Reading stopped at its bound (SQLITE_READ_MAX, PG_WINDOW_READ_MAX) before the last match.
    cut_short: bool = False


def _message_hits(session, actor, inbox_ids, words, wanted: int, found: dict, filters: SearchFilters, reading):
    """(conversation id, newest matching message id) of conversations not in `found`, newest
    match first, until `wanted` conversations are found in all or the index has no more. No
    GROUP BY over every match: the matches are read newest first and reading stops early."""
    postgres = session.get_bind().dialect.name == "postgresql"
    params = {
        "match": tsquery(words) if postgres else fts5_match(words),
        "account": actor.account_id,
        "activity": MessageType.ACTIVITY.value,
        "inboxes": inbox_ids,
        "status": filters.status,
        "team": filters.team_id or 0,
    }
    seen = set(found)
    rows = _postgres_rows(session, params, reading) if postgres else _sqlite_rows(session, params, reading)
    with closing(rows):
        for message_id, conversation_id in rows:
            if conversation_id not in seen:
                seen.add(conversation_id)
                yield conversation_id, message_id
                if len(seen) >= wanted:
                    return


def _sqlite_rows(session, params, reading: _Reading):
    """One statement, stepped lazily: FTS5 builds a prefix term's list of matches once per
    statement (there is no prefix index), so it is not run again for more rows."""
    result = session.execute(_SQLITE_HITS, {**params, "before": _NO_ID_ABOVE, "chunk": SQLITE_READ_MAX})
    read = 0
    try:
        while batch := result.fetchmany(FIRST_CHUNK):
            read += len(batch)
            reading.cut_short = read >= SQLITE_READ_MAX
            yield from batch
    finally:
        result.close()


def _postgres_rows(session, params, reading: _Reading):
    """The account's newest messages first, in windows each checked row by row (a common word
    fills a page from the first window; the GIN index would hand over every match to be sorted:
    PostgreSQL's planner takes a prefix term for rare and picks it). Once a window shows the
    word itself to be rare (under 1 in RARE, whatever the filters leave of it), the GIN index
    answers the rest, in chunks that double."""
    before, window, read = _NO_ID_ABOVE, PG_FIRST_WINDOW, 0
    while True:
        rows = session.execute(_POSTGRES_WINDOW, {**params, "before": before, "window": window}).all()
        yield from ((message_id, conversation_id) for message_id, conversation_id, _, hit in rows if hit)
        if len(rows) < window:
            return  # the account's messages are all read
        before, read = rows[-1][0], read + len(rows)
        if sum(1 for row in rows if row[2]) * RARE < len(rows):
            break
        if read >= PG_WINDOW_READ_MAX:
            reading.cut_short = True
            return
        window = min(PG_LAST_WINDOW, window * 2)
    chunk = FIRST_CHUNK
    while True:
        rows = session.execute(_POSTGRES_HITS, {**params, "before": before, "chunk": chunk}).all()
        yield from rows
        if len(rows) < chunk:
            return
        before, chunk = rows[-1][0], min(LAST_CHUNK, chunk * 2)


# The filters on the conversation `c` of a match (SearchFilters: "all" and 0 mean none).
_CONVERSATION_FILTERS = "(:status = 'all' OR c.status = :status) AND (:team = 0 OR c.team_id = :team)"
# SQLite: CROSS JOIN makes the FTS5 table the outer loop, read newest rowid first (FTS5 walks
# its doclists backwards for ORDER BY rowid DESC), each hit checked against its message and
# conversation by primary key.
_SQLITE_HITS = sa.text(
    f"SELECT m.id, m.conversation_id FROM {SQLITE_TABLE} s"
    " CROSS JOIN messages m ON m.id = s.rowid"
    " CROSS JOIN conversations c ON c.id = m.conversation_id"
    f" WHERE {SQLITE_TABLE} MATCH :match AND s.rowid < :before"
    " AND m.account_id = :account AND m.message_type != :activity AND c.inbox_id IN :inboxes"
    f" AND {_CONVERSATION_FILTERS}"
    " ORDER BY s.rowid DESC LIMIT :chunk"
).bindparams(sa.bindparam("inboxes", expanding=True))
# PostgreSQL: exactly the indexed expression, so the GIN index can answer it.
PG_MATCH = POSTGRES_VECTOR.replace("content", "m.content") + " @@ to_tsquery('simple', :match)"
# A window of the account's newest messages (the inner LIMIT keeps the planner from turning it
# into an index search), each row flagged whether the words match it and whether it is a
# match the actor may see through the filters.
_POSTGRES_WINDOW = sa.text(
    "SELECT w.id, w.conversation_id, w.match,"
    f" (w.match AND w.message_type != :activity AND c.inbox_id IN :inboxes AND {_CONVERSATION_FILTERS}) AS hit"
    f" FROM (SELECT m.id, m.conversation_id, m.message_type, {PG_MATCH} AS match FROM messages m"
    " WHERE m.account_id = :account AND m.id < :before ORDER BY m.id DESC LIMIT :window) w"
    " LEFT JOIN conversations c ON c.id = w.conversation_id ORDER BY w.id DESC"
).bindparams(sa.bindparam("inboxes", expanding=True))
# The rest, once the word is known to be rare: every match from the GIN index, then sorted. The
# subquery (OFFSET 0 keeps it apart) has no ORDER BY + LIMIT of its own; with one, PostgreSQL
# takes a prefix term for common (its estimate for `:*`) and walks the primary key backwards,
# checking every message: 1.1 s for a number in 110 of 1M messages, not 10 ms.
_POSTGRES_HITS = sa.text(
    "SELECT m.id, m.conversation_id FROM (SELECT id, conversation_id, account_id, message_type FROM messages m"
    f" WHERE {PG_MATCH} AND m.id < :before OFFSET 0) m JOIN conversations c ON c.id = m.conversation_id"
    " WHERE m.account_id = :account AND m.message_type != :activity"
    f" AND c.inbox_id IN :inboxes AND {_CONVERSATION_FILTERS} ORDER BY m.id DESC LIMIT :chunk"
).bindparams(sa.bindparam("inboxes", expanding=True))


def _load(session: Session, shown: list[tuple[int, int | None]]) -> tuple[SearchHit, ...]:
    """The rows of one page, in its order: two queries."""
    if not shown:
        return ()
    rows = session.exec(
        select(Conversation, Contact, Inbox.name, Inbox.channel_type, User.name)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Inbox, Inbox.id == Conversation.inbox_id)
        .outerjoin(User, User.id == Conversation.assignee_id)
        .where(Conversation.id.in_([c for c, _ in shown]))
    ).all()
    by_id = {row[0].id: row for row in rows}
    message_ids = [m for _, m in shown if m is not None]
    messages = {
        m.id: MatchedMessage(m.id, m.content, m.sender_type, agent or "", m.message_type, m.private, m.created_at)
        for m, agent in session.exec(
            select(Message, User.name)
            .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == "agent"))
            .where(Message.id.in_(message_ids))
        ).all()
    } if message_ids else {}  # fmt: skip
    hits = []
    for conversation_id, message_id in shown:
        conv, contact, inbox_name, channel_type, assignee = by_id[conversation_id]
        hits.append(
            SearchHit(
                conversation_id=conv.id,
                display_id=conv.display_id,
                alias_key=conv.alias_key,
                status=conv.status,
                account_id=conv.account_id,
                contact_id=contact.id,
                contact_name=contact.name or "",
                contact_email=contact.email or "",
                contact_phone=contact.phone_number or "",
                inbox_id=conv.inbox_id,
                inbox_name=inbox_name,
                channel_type=channel_type,
                assignee_name=assignee or "",
                created_at=conv.created_at,
                last_activity_at=conv.last_activity_at,
                snoozed_until=conv.snoozed_until,
                message=messages.get(message_id) if message_id is not None else None,
            )
        )
    return tuple(hits)


def _fold(ch: str) -> str:
    """One character as the index compares it: lower case, without accents (ü -> u), still one
    character, so positions in the folded text are positions in the original."""
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    return base.lower()[:1] or ch


def highlight(text: str, words: tuple[str, ...], *, width: int = SNIPPET_CHARS) -> tuple[tuple[str, bool], ...]:
    """A snippet of `text` around its first match: (part, is_match) pairs, as plain text for
    the edges to render as text (never HTML). A word matches where a word of the text starts
    with it, accents and case aside, as the index matched it."""
    flat = " ".join(text.split())
    folded = "".join(_fold(c) for c in flat)
    keys = sorted({"".join(_fold(c) for c in w) for w in words if w}, key=len, reverse=True)
    spans = []
    if keys:
        pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(k) for k in keys) + ")")
        spans = [m.span() for m in pattern.finditer(folded)]
    begin = 0
    if spans and spans[0][0] > SNIPPET_LEAD and len(flat) > width:
        begin = flat.rfind(" ", 0, spans[0][0] - SNIPPET_LEAD) + 1 or spans[0][0] - SNIPPET_LEAD
    end = min(len(flat), begin + width)
    if end < len(flat) and flat.rfind(" ", begin, end) > begin + width // 2:
        end = flat.rfind(" ", begin, end)  # end at a word's end, not in it
    parts: list[tuple[str, bool]] = [("…", False)] if begin > 0 else []
    at = begin
    for left, right in spans:
        if right <= begin or left >= end:
            continue
        left, right = max(left, begin), min(right, end)
        if left > at:
            parts.append((flat[at:left], False))
        parts.append((flat[left:right], True))
        at = right
    if at < end:
        parts.append((flat[at:end], False))
    if end < len(flat):
        parts.append(("…", False))
    return tuple(parts)
