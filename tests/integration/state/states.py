"""Driving Reflex states directly, the way the websocket would, and watching the database."""

import json

import sqlalchemy as sa
from reflex.state import State
from sqlmodel import SQLModel

from kiko_livechat.state.session import SessionState


def state_for(cls, token: str):
    """A fresh state tree whose dashboard session token is `token`; returns the `cls` substate."""
    root = State()
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    session.token = token
    return root.get_substate(cls.get_full_name().split(".")[1:])


def snapshot(engine) -> str:
    """Every table's rows (login throttles aside), to prove a refused call changed nothing."""
    with engine.connect() as connection:
        return json.dumps(
            {
                t.name: [list(map(str, r)) for r in connection.execute(sa.select(t).order_by(*t.primary_key))]
                for t in SQLModel.metadata.sorted_tables
                if t.name != "login_throttles"
            }
        )
