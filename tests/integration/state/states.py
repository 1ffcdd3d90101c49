"""Driving Reflex states directly, the way the websocket would, and watching the database."""

import json

import sqlalchemy as sa
from reflex import constants
from reflex.state import State
from sqlmodel import SQLModel

from kiko_livechat.models import SessionKind
from kiko_livechat.services.session_handover import COOKIE_NAMES


def state_for(cls, token: str):
    """A fresh state tree whose dashboard session cookie is `token`; returns the `cls` substate."""
    root = State()
    with_cookie(root, COOKIE_NAMES[SessionKind.AGENT], token)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def with_cookie(root: State, name: str, value: str) -> None:
    """The tab's websocket handshake carried this cookie (what the browser sends)."""
    root._update_router_vars({constants.RouteVar.HEADERS: {"cookie": f"other=1; {name}={value}"}}, {})


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
