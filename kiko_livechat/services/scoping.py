"""Lookups by id that never cross an account boundary."""

from typing import TypeVar

from sqlmodel import Session, SQLModel

from kiko_livechat.services.errors import NotFound

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
