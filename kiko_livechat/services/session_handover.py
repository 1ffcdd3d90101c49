"""Moving a login session into the browser's HttpOnly cookie; the token never reaches JavaScript.

A login (or an accepted invitation) happens over the websocket, which cannot set cookies. The
server seals the new session's token with a random one-time ticket and gives the tab only the
ticket; the tab posts it in a same-origin form to /auth/session, whose answer sets the cookie.
The database keeps the ticket's hash and the token masked with a keystream of the ticket, so
neither a database reader nor anyone who saw only the ticket's hash can use the token; a ticket
works once, for a minute.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.models import AuthSession, SessionHandover, SessionKind
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.services.tokens import hash_token, new_token

TICKET_SECONDS = 60
# One cookie per login space, so a dashboard session can never stand in for an operator's.
COOKIE_NAMES = {SessionKind.AGENT: "kiko_session", SessionKind.OPERATOR: "kiko_operator_session"}
_MAX_TOKEN = 200


@dataclass(frozen=True)
class HandedOver:
    token: str
    kind: SessionKind


def issue(session: Session, *, token: str, now: datetime | None = None) -> str:
    """A one-time ticket for the session of `token` (just opened by a login); expired tickets
    of anyone are dropped on the way, so the table stays small."""
    now = now or utcnow()
    ticket, ticket_hash = new_token()
    session.exec(sa.delete(SessionHandover).where(SessionHandover.expires_at <= now))
    session.add(
        SessionHandover(
            ticket_hash=ticket_hash,
            sealed_token=_mask(token.encode(), ticket),
            expires_at=now + timedelta(seconds=TICKET_SECONDS),
        )
    )
    session.commit()
    return ticket


def redeem(session: Session, *, ticket: object, now: datetime | None = None) -> HandedOver:
    """The token and kind of the session behind `ticket`, which is used up (also when late).
    AuthFailed for an unknown, used or expired ticket, or a session ended meanwhile."""
    now = now or utcnow()
    if not isinstance(ticket, str) or not ticket or len(ticket) > _MAX_TOKEN:
        raise AuthFailed("auth.session_invalid")
    row = session.exec(select(SessionHandover).where(SessionHandover.ticket_hash == hash_token(ticket))).first()
    if row is None:
        raise AuthFailed("auth.session_invalid")
    # Deleting decides who redeems it when two requests race: only one deletes the row.
    used = session.exec(sa.delete(SessionHandover).where(SessionHandover.id == row.id))
    session.commit()
    if used.rowcount != 1 or row.expires_at <= now:
        raise AuthFailed("auth.session_invalid")
    token = _unmask(row.sealed_token, ticket)
    auth_session = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).first()
    if auth_session is None or auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise AuthFailed("auth.session_invalid")
    return HandedOver(token=token, kind=SessionKind(auth_session.kind))


def token_from_cookies(cookie_header: str | None, kind: SessionKind) -> str:
    """The session token of `kind` in a Cookie header ("" when there is none). Parsed by hand:
    one odd cookie of another site part must not hide ours (SimpleCookie stops at it)."""
    wanted = COOKIE_NAMES[kind]
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == wanted and 0 < len(value) <= _MAX_TOKEN:
            return value
    return ""


def _keystream(ticket: str, size: int) -> bytes:
    return hashlib.shake_256(b"kiko-session-handover:" + ticket.encode()).digest(size)


def _mask(token: bytes, ticket: str) -> str:
    masked = bytes(a ^ b for a, b in zip(token, _keystream(ticket, len(token)), strict=True))
    return base64.urlsafe_b64encode(masked).decode()


def _unmask(sealed: str, ticket: str) -> str:
    masked = base64.urlsafe_b64decode(sealed.encode())
    return bytes(a ^ b for a, b in zip(masked, _keystream(ticket, len(masked)), strict=True)).decode()
