"""The label states on a real database: settings dialog (create, edit, translated refusals next
to the field), the conversation's picker and "resolve with labels", the sidebar folders."""

import pytest
from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.services import labels
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.conversation_labels import LabelFoldersState, LabelPickerState, ResolveState
from kiko_livechat.state.labels import LabelEditState, LabelsState
from kiko_livechat.state.session import SessionState
from tests import factories
from tests.integration.state.states import snapshot, state_for


@pytest.fixture
def demo(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Demo GmbH")
        admin = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        ben = factories.user(db, acc.id)
        inbox = factories.inbox(db, acc.id, agent_ids=[ben.id])
        conv = factories.conversation(db, acc.id, inbox.id, factories.contact(db, acc.id).id)
        tokens = {"admin": factories.login(db, admin).token, "ben": factories.login(db, ben).token}
    return {"tokens": tokens, "engine": app_db, "conv": conv, "admin": admin}


async def test_the_settings_dialog_creates_edits_and_refuses_next_to_the_field(demo):
    edit = state_for(LabelEditState, demo["tokens"]["admin"])
    await edit.start_new()
    assert (edit.open, edit.label_ref, edit.color) == (True, "", labels.DEFAULT_COLOR)
    await edit.pick_color("#dc2626")
    await edit.save({"title": "Rückruf", "description": "Bitte anrufen", "show_on_sidebar": "on"})
    listing = await edit.get_state(LabelsState)
    assert edit.open is False
    assert listing.labels == [
        {
            "id": listing.labels[0]["id"],
            "title": "rückruf",
            "description": "Bitte anrufen",
            "color": "#dc2626",
            "sidebar": "yes",
            "count": "0",
        }
    ]
    before = snapshot(demo["engine"])
    await edit.start_new()
    await edit.save({"title": "rückruf"})
    assert edit.errors == {"title": "Das Label „rückruf“ gibt es schon."}
    await edit.save({"title": "zwei worte"})
    assert edit.errors == {"title": "Nur Kleinbuchstaben, Ziffern, - und _ verwenden (keine Leerzeichen)."}
    await edit.pick_color("rot")
    await edit.save({"title": "ok"})
    assert edit.errors == {"color": "Bitte eine Farbe wie #1f6feb angeben."}
    assert edit.open is True and snapshot(demo["engine"]) == before

    await edit.start(listing.labels[0]["id"])
    assert (edit.title, edit.color, edit.show_on_sidebar) == ("rückruf", "#dc2626", True)
    await edit.save({"title": "rueckruf", "description": ""})  # the switch sends nothing when off
    assert listing.labels[0]["title"] == "rueckruf" and listing.labels[0]["sidebar"] == ""


async def test_agents_cannot_open_the_settings_dialog_or_see_the_list(demo):
    edit = state_for(LabelEditState, demo["tokens"]["ben"])
    await edit.start_new()
    assert edit.open is False
    listing = state_for(LabelsState, demo["tokens"]["ben"])
    await listing.load()
    assert listing.labels == []


async def test_the_picker_adds_and_removes_and_resolve_takes_labels(demo):
    with Session(demo["engine"], expire_on_commit=False) as db:
        vip = labels.create_label(db, actor=factories.login(db, demo["admin"]).actor, title="vip", color="#7c3aed")
    picker = state_for(LabelPickerState, demo["tokens"]["ben"])
    conversation = await picker.get_state(ConversationState)
    conversation.conversation_ref = demo["conv"].id
    conversation.number = str(demo["conv"].display_id)
    await picker.open_picker()
    await picker.set_search("V")
    assert [o["title"] for o in picker.options] == ["vip"] and picker.can_create is False
    await picker.add(str(vip.label_id))
    assert conversation.labels == [{"id": str(vip.label_id), "title": "vip", "color": "#7c3aed"}]
    await picker.remove(str(vip.label_id))
    assert conversation.labels == []

    folders = await picker.get_state(LabelFoldersState)
    folders._reload()
    assert folders.folders == [{"title": "vip", "color": "#7c3aed", "count": ""}]

    resolve = await picker.get_state(ResolveState)
    await resolve.start()
    await resolve.toggle(str(vip.label_id))
    await resolve.confirm()
    assert (resolve.open, conversation.status) == (False, "resolved")
    assert [c["title"] for c in conversation.labels] == ["vip"]


async def test_an_administrator_creates_a_label_from_the_picker(demo):
    picker = state_for(LabelPickerState, demo["tokens"]["admin"])
    session = await picker.get_state(SessionState)
    session.is_admin = True  # as the profile sets it on the page's load
    conversation = await picker.get_state(ConversationState)
    conversation.conversation_ref = demo["conv"].id
    conversation.number = str(demo["conv"].display_id)
    await picker.open_picker()
    await picker.set_search("zwei worte")
    assert picker.can_create is True
    before = snapshot(demo["engine"])
    await picker.create_and_add()
    assert picker.errors == {"title": "Nur Kleinbuchstaben, Ziffern, - und _ verwenden (keine Leerzeichen)."}
    assert snapshot(demo["engine"]) == before
    await picker.set_search("Neu_hier")
    await picker.create_and_add()
    assert (picker.errors, picker.search) == ({}, "")
    assert [c["title"] for c in conversation.labels] == ["neu_hier"]
    await picker.set_search("neu_hier")
    assert picker.can_create is False  # it exists now


async def test_a_sidebar_without_folders_reads_nothing_for_a_new_or_changed_conversation(demo):
    """Every agent tab hears each handoff of its inboxes: where the account shows no folders, the
    sidebar must not pay a count query per tab for it (the alert fan-out of issue 14)."""
    from kiko_livechat.realtime import events
    from tests.statements import counted

    folders = state_for(LabelFoldersState, demo["tokens"]["ben"])
    folders._reload()
    assert folders.folders == []
    with counted(demo["engine"]) as statements:
        await folders._on_chat_event(events.ChatEvent.about(events.CONVERSATION_CREATED, demo["conv"]))
        await folders._on_chat_event(events.status_changed(demo["conv"]))
    assert statements == []
    # A conversation's labels changing may make the first folder appear: that one is read.
    with Session(demo["engine"], expire_on_commit=False) as db:
        labels.create_label(db, actor=factories.login(db, demo["admin"]).actor, title="vip", color="#7c3aed")
    with counted(demo["engine"]) as statements:
        await folders._on_chat_event(events.changed(demo["conv"], events.LABELS))
    assert statements and [f["title"] for f in folders.folders] == ["vip"]
