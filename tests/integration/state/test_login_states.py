"""The login forms (dashboard and operator console) pass the tab's client address to the
throttle, so failures count against the address they came from."""

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from sqlmodel import Session, select

from kiko_livechat.models import LoginThrottle
from kiko_livechat.state.login import LoginState
from kiko_livechat.state.operator import OperatorLoginState


@pytest.mark.parametrize("form", [LoginState, OperatorLoginState])
async def test_a_failed_login_counts_against_the_tabs_address(app_db, form):
    state = State().get_substate(form.get_full_name().split(".")[1:])
    state.router = RouterData.from_router_data({"ip": "192.0.2.44"})
    assert await state.login({"email": "nobody@example.org", "password": "guess"}) is None
    assert state.errors == {"": "E-Mail oder Passwort ist falsch."}
    with Session(app_db) as db:
        keys = db.exec(select(LoginThrottle.key)).all()
    assert any("192.0.2.44" in key for key in keys), keys
