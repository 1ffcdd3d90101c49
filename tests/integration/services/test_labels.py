"""Labels: administrators manage them, agents put them on conversations, folders count them."""

import json

import pytest
from sqlmodel import select

from kiko_livechat.models import ConversationLabel, Label, Role, WebhookDelivery
from kiko_livechat.realtime import events
from kiko_livechat.services import api_access, api_chat, contacts, conversations, inboxes, labels
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories


@pytest.fixture
def setup(db):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    agent = factories.actor(db, acc.id)
    inbox = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
    contact = factories.contact(db, acc.id)
    conv = factories.conversation(db, acc.id, inbox.id, contact.id)
    return acc, admin, agent, inbox, contact, conv


def test_create_edit_list_with_counts_and_delete(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    made = labels.create_label(db, actor=admin, title=" Rückruf ", description="Kunde will Anruf", color="#DC2626")
    assert (made.title, made.description, made.color, made.show_on_sidebar) == (
        "rückruf",
        "Kunde will Anruf",
        "#dc2626",
        True,
    )
    other = labels.create_label(db, actor=admin, title="straße_2-b", show_on_sidebar=False)
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=other.label_id)
    listed = {v.title: v for v in labels.list_labels(db, actor=admin)}
    assert (listed["rückruf"].conversations, listed["straße_2-b"].conversations) == (1, 1)
    assert listed["straße_2-b"].show_on_sidebar is False

    changed = labels.update_label(db, actor=admin, label_id=made.label_id, color="#0e9f6e", show_on_sidebar=False)
    assert (changed.title, changed.description, changed.color, changed.show_on_sidebar) == (
        "rückruf",
        "Kunde will Anruf",
        "#0e9f6e",
        False,
    )
    labels.update_label(db, actor=admin, label_id=made.label_id, title="anruf", description="")
    assert labels.get_label(db, actor=agent, label_id=made.label_id).title == "anruf"

    labels.delete_label(db, actor=admin, label_id=made.label_id)
    # The conversation keeps its other label.
    assert labels.conversation_labels(db, actor=agent, conversation_id=conv.id) == ["straße_2-b"]
    assert [v.title for v in labels.list_labels(db, actor=admin)] == ["straße_2-b"]


def test_a_label_a_bot_created_is_listed_and_editable(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    labels.set_conversation_labels(db, actor=agent, conversation_id=conv.id, titles=["vom_bot"])
    (view,) = labels.list_labels(db, actor=admin)
    assert (view.title, view.conversations) == ("vom_bot", 1)
    labels.update_label(db, actor=admin, label_id=view.label_id, description="Vom Bot gesetzt", color="#7c3aed")
    assert labels.get_label(db, actor=admin, label_id=view.label_id).description == "Vom Bot gesetzt"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"title": ""}, "error.required", "title"),
        ({"title": "with space"}, "labels.error.title_chars", "title"),
        ({"title": "<b>x</b>"}, "labels.error.title_chars", "title"),
        ({"title": "x" * 51}, "error.too_long", "title"),
        ({"title": "ok", "description": "d" * 501}, "error.too_long", "description"),
        ({"title": "ok", "color": "red"}, "error.color_invalid", "color"),
        ({"title": "ok", "color": "#12345"}, "error.color_invalid", "color"),
        ({"title": "vip"}, "labels.error.title_taken", "title"),
        ({"title": "VIP"}, "labels.error.title_taken", "title"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_changes_nothing(db, setup, fields, code, field):
    acc, admin, *_ = setup
    labels.create_label(db, actor=admin, title="vip")
    with pytest.raises(ValidationFailed) as refused:
        labels.create_label(db, actor=admin, **fields)
    assert (refused.value.code, refused.value.field) == (code, field)
    db.rollback()
    assert [v.title for v in labels.list_labels(db, actor=admin)] == ["vip"]


def test_renaming_onto_another_title_is_refused_and_changes_nothing(db, setup):
    acc, admin, *_ = setup
    labels.create_label(db, actor=admin, title="vip")
    other = labels.create_label(db, actor=admin, title="spam", color="#4b5563")
    with pytest.raises(ValidationFailed) as refused:
        labels.update_label(db, actor=admin, label_id=other.label_id, title="vip", color="#ffffff")
    assert refused.value.code == "labels.error.title_taken"
    db.rollback()
    again = labels.get_label(db, actor=admin, label_id=other.label_id)
    assert (again.title, again.color) == ("spam", "#4b5563")
    # Saving a label under its own title is no conflict.
    assert labels.update_label(db, actor=admin, label_id=other.label_id, title="spam").title == "spam"


def test_agents_apply_labels_but_only_administrators_manage_them(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    with pytest.raises(PermissionDenied):
        labels.create_label(db, actor=agent, title="x")
    made = labels.create_label(db, actor=admin, title="x")
    for change in (
        lambda: labels.update_label(db, actor=agent, label_id=made.label_id, title="y"),
        lambda: labels.delete_label(db, actor=agent, label_id=made.label_id),
    ):
        with pytest.raises(PermissionDenied):
            change()
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)  # twice: no-op
    assert len(db.exec(select(ConversationLabel)).all()) == 1
    labels.remove_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.remove_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    assert labels.conversation_labels(db, actor=agent, conversation_id=conv.id) == []


def test_labels_and_conversations_of_other_accounts_are_not_found(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    other = factories.account(db)
    other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    foreign = labels.create_label(db, actor=other_admin, title="fremd")
    mine = labels.create_label(db, actor=admin, title="fremd")  # the same title in another account
    for attempt in (
        lambda: labels.get_label(db, actor=admin, label_id=foreign.label_id),
        lambda: labels.update_label(db, actor=admin, label_id=foreign.label_id, title="mine"),
        lambda: labels.delete_label(db, actor=admin, label_id=foreign.label_id),
        lambda: labels.add_conversation_label(db, actor=admin, conversation_id=conv.id, label_id=foreign.label_id),
        lambda: labels.remove_conversation_label(db, actor=admin, conversation_id=conv.id, label_id=foreign.label_id),
        lambda: labels.resolve_with_labels(db, actor=admin, conversation_id=conv.id, label_ids=[foreign.label_id]),
        lambda: labels.add_conversation_label(db, actor=other_admin, conversation_id=conv.id, label_id=mine.label_id),
        lambda: labels.get_label(db, actor=admin, label_id="1"),
    ):
        with pytest.raises(NotFound):
            attempt()
        db.rollback()
    assert labels.get_label(db, actor=other_admin, label_id=foreign.label_id).title == "fremd"
    assert conversations.get_conversation(db, actor=admin, display_id=conv.display_id).status == "open"
    assert labels.conversation_labels(db, actor=admin, conversation_id=conv.id) == []


def test_an_agent_cannot_label_conversations_of_inboxes_they_do_not_work(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    elsewhere = factories.inbox(db, acc.id)
    hidden = factories.conversation(db, acc.id, elsewhere.id, contact.id)
    made = labels.create_label(db, actor=admin, title="x")
    with pytest.raises(NotFound):
        labels.add_conversation_label(db, actor=agent, conversation_id=hidden.id, label_id=made.label_id)


def test_resolve_with_labels_does_both_in_one_step(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    done = labels.create_label(db, actor=admin, title="erledigt")
    vip = labels.create_label(db, actor=admin, title="vip")
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=vip.label_id)
    labels.resolve_with_labels(
        db, actor=agent, conversation_id=conv.id, label_ids=[done.label_id, vip.label_id, done.label_id]
    )
    detail = conversations.get_conversation(db, actor=agent, display_id=conv.display_id)
    assert detail.status == "resolved"
    # A resolved conversation shows its labels (old and new).
    assert [c.title for c in detail.labels] == ["erledigt", "vip"]
    with pytest.raises(ValidationFailed):
        labels.resolve_with_labels(db, actor=agent, conversation_id=conv.id, label_ids="erledigt")


def test_refused_resolution_adds_no_label(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    done = labels.create_label(db, actor=admin, title="erledigt")
    labels.resolve_with_labels(db, actor=agent, conversation_id=conv.id, label_ids=[])
    other = factories.conversation(db, acc.id, inbox.id, contact.id)
    with pytest.raises(NotFound):
        labels.resolve_with_labels(db, actor=agent, conversation_id=other.id, label_ids=[done.label_id, 10**6])
    db.rollback()
    assert labels.conversation_labels(db, actor=agent, conversation_id=other.id) == []
    assert conversations.get_conversation(db, actor=agent, display_id=other.display_id).status == "open"


def test_sidebar_folders_count_open_conversations_the_actor_sees(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    vip = labels.create_label(db, actor=admin, title="vip")
    labels.create_label(db, actor=admin, title="hidden", show_on_sidebar=False)
    labels.create_label(db, actor=admin, title="leer")
    resolved = factories.conversation(db, acc.id, inbox.id, contact.id, status="resolved")
    elsewhere = factories.conversation(db, acc.id, factories.inbox(db, acc.id).id, contact.id)
    for c in (conv, resolved, elsewhere):
        labels.add_conversation_label(db, actor=admin, conversation_id=c.id, label_id=vip.label_id)
    counts = {f.title: f.open_count for f in labels.sidebar_folders(db, actor=agent)}
    assert counts == {"leer": 0, "vip": 1}
    assert {f.title: f.open_count for f in labels.sidebar_folders(db, actor=admin)}["vip"] == 2


def test_list_filters_by_all_chosen_labels_and_rows_carry_chips(db, setup):
    acc, admin, agent, inbox, contact, conv = setup
    both = factories.conversation(db, acc.id, inbox.id, contact.id)
    vip = labels.create_label(db, actor=admin, title="vip", color="#dc2626")
    rueck = labels.create_label(db, actor=admin, title="rückruf")
    for c, chosen in ((conv, [vip]), (both, [vip, rueck])):
        for label in chosen:
            labels.add_conversation_label(db, actor=agent, conversation_id=c.id, label_id=label.label_id)
    page = conversations.list_conversations(db, actor=agent, all_labels=("vip", "rückruf"))
    assert [r.conversation_id for r in page.rows] == [both.id]
    assert [(c.title, c.color) for c in page.rows[0].labels] == [("rückruf", "#1f6feb"), ("vip", "#dc2626")]
    assert page.counts["open"] == 1
    assert {r.conversation_id for r in conversations.list_conversations(db, actor=agent, all_labels=["vip"]).rows} == {
        conv.id,
        both.id,
    }
    row = conversations.list_row(db, actor=agent, conversation_id=conv.id, all_labels=("rückruf",))
    assert row is None
    # The API's labels[] keeps Chatwoot's meaning: any of them.
    assert len(conversations.list_conversations(db, actor=agent, labels=["vip", "rückruf"]).rows) == 2


def test_label_changes_reach_the_tabs_as_events(db, setup, monkeypatch):
    acc, admin, agent, inbox, contact, conv = setup
    heard = []
    monkeypatch.setattr(
        "kiko_livechat.services.labels.emit", lambda session, event: heard.append(event) or _emit(session, event)
    )
    made = labels.create_label(db, actor=admin, title="x")
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.remove_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.add_conversation_label(db, actor=agent, conversation_id=conv.id, label_id=made.label_id)
    labels.update_label(db, actor=admin, label_id=made.label_id, description="nur Text")  # chips look the same
    labels.update_label(db, actor=admin, label_id=made.label_id, color="#0e9f6e")  # they change colour
    labels.delete_label(db, actor=admin, label_id=made.label_id)
    told = [(e.conversation_id, e.detail["changed"]) for e in heard]
    assert told == [(conv.id, [events.LABELS])] * 3 + [(conv.id, [events.LABEL_LOOK]), (conv.id, [events.LABELS])]
    assert db.exec(select(Label)).all() == []


def _emit(session, event):
    from kiko_livechat.realtime.outbox import emit as real

    real(session, event)


def test_a_bot_hears_a_renamed_label_on_its_conversations_but_not_a_new_colour(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url="https://bot.example/hook")
    bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)
    contacts.create_contact(db, actor=bot, name="Ida", inbox_id=bot_inbox.inbox.inbox_id, source_id="tg-9")
    talk = api_chat.create_conversation(db, actor=bot, inbox_id=bot_inbox.inbox.inbox_id, source_id="tg-9")
    made = labels.create_label(db, actor=admin, title="rückruf")
    labels.add_conversation_label(db, actor=admin, conversation_id=talk.id, label_id=made.label_id)

    def queued() -> list[str]:
        return [json.loads(d.payload)["event"] for d in db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id))]

    before = len(queued())
    labels.update_label(db, actor=admin, label_id=made.label_id, color="#0e9f6e")
    assert len(queued()) == before
    labels.update_label(db, actor=admin, label_id=made.label_id, title="rueckruf")
    assert queued()[before:] == ["conversation_updated"]
