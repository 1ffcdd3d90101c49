"""The canned-responses settings states on a real database: what the page shows after each
handler, refusals next to their field, and the scope each role gets."""

import pytest
from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.state.canned_responses import CannedCreateState, CannedEditState, CannedResponsesState
from tests import factories
from tests.integration.state.states import snapshot, state_for


@pytest.fixture
def tokens(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Demo GmbH")
        admin = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        ben = factories.user(db, acc.id)
        return {"admin": factories.login(db, admin).token, "ben": factories.login(db, ben).token}


async def test_an_administrator_creates_edits_and_deletes(app_db, tokens):
    create = state_for(CannedCreateState, tokens["admin"])
    await create.create({"short_code": "/hallo", "content": "Hallo {{contact.name}}!"})
    assert create.notice == "Textbaustein angelegt." and create.created_count == 1
    await create.create({"short_code": "privat", "content": "Nur meins", "personal": "on"})
    listing = await create.get_state(CannedResponsesState)
    assert [(r.short_code, r.personal, r.can_manage) for r in listing.rows] == [
        ("hallo", False, True),
        ("privat", True, True),
    ]

    before = snapshot(app_db)
    await create.create({"short_code": "HALLO", "content": "doppelt"})
    assert create.errors == {"short_code": "Der Funktionscode „HALLO“ ist schon vergeben."}
    await create.create({"short_code": "a b", "content": ""})
    assert create.errors == {"short_code": "Nur Buchstaben, Ziffern, - und _ (keine Leerzeichen)."}
    assert snapshot(app_db) == before

    edit = await create.get_state(CannedEditState)
    hallo = listing.rows[0].id
    await edit.start(hallo)
    assert (edit.open, edit.short_code, edit.content) == (True, "hallo", "Hallo {{contact.name}}!")
    await edit.save({"short_code": "hallo", "content": "x" * 10_001})
    assert edit.open and edit.errors == {"content": "Höchstens 10000 Zeichen."}
    await edit.save({"short_code": "gruss", "content": "Guten Tag"})
    assert not edit.open
    assert [r.short_code for r in listing.rows] == ["gruss", "privat"]

    await listing.set_search({"search": " tag "})
    assert [r.short_code for r in listing.rows] == ["gruss"]
    await listing.set_search({"search": ""})
    await listing.delete(hallo)
    assert [r.short_code for r in listing.rows] == ["privat"]


async def test_an_agent_creates_only_personal_ones_and_cannot_touch_the_accounts(app_db, tokens):
    admin_create = state_for(CannedCreateState, tokens["admin"])
    await admin_create.create({"short_code": "hallo", "content": "Guten Tag"})
    create = state_for(CannedCreateState, tokens["ben"])
    # The switch is not on an agent's form: theirs are personal anyway.
    await create.create({"short_code": "hallo", "content": "Moin"})
    assert create.notice == "Textbaustein angelegt."
    listing = await create.get_state(CannedResponsesState)
    assert [(r.short_code, r.content, r.personal) for r in listing.rows] == [("hallo", "Moin", True)]
    admin_listing = await admin_create.get_state(CannedResponsesState)
    await admin_listing.load()
    shared = admin_listing.rows[0]
    assert (shared.content, shared.can_manage) == ("Guten Tag", True)

    before = snapshot(app_db)
    await listing.delete(shared.id)  # account-wide: not the agent's (and shadowed for them anyway)
    assert listing.failed_row == shared.id and listing.errors == {"": "Nur Administratoren dürfen das."}
    edit = await create.get_state(CannedEditState)
    await edit.start(shared.id)
    assert not edit.open
    assert snapshot(app_db) == before
