"""Lookups by id that never cross an account boundary."""

from typing import TypeVar

from sqlmodel import Session, SQLModel, func, select

from kiko_livechat.services.errors import NotFound, ValidationFailed

M = TypeVar("M", bound=SQLModel)

# Ids are 32-bit integer columns; larger numbers would be a database error, not "not found".
_MAX_ID = 2**31 - 1


def valid_id(value: object) -> bool:
    """True for an int that can be a row id (bools and out-of-range numbers are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_ID


def get_in_account(session: Session, model: type[M], *, account_id: int, obj_id: object) -> M:
    """The row `obj_id` of `model` if it belongs to `account_id`, else NotFound.

    A row of another account is reported exactly like a missing one, so ids reveal nothing.
    """
    if not valid_id(obj_id):
        raise NotFound()
    row = session.get(model, obj_id)
    if row is None or row.account_id != account_id:
        raise NotFound()
    return row


def require_unique_name(
    session: Session, model: type[M], *, account_id: int, name: str, except_id: int | None = None
) -> None:
    """Names identify things for people: refuse one the account already uses (case does not count)."""
    query = select(model.id).where(model.account_id == account_id, func.lower(model.name) == name.lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    if session.exec(query).first() is not None:
        raise ValidationFailed("error.name_taken", field="name")
