"""Conversation search on SQLite (FTS5) and PostgreSQL (GIN over to_tsvector): words of
messages as prefixes, contact, alias and number; only what the actor may see; the index
follows every insert, update and delete; no input breaks the query."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kiko_livechat.models import Contact, Conversation, Message, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import conversations, search, teams, visitor_chat
from kiko_livechat.services.errors import ValidationFailed
from tests import factories


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    shop = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    secret = factories.inbox(db, acc.id)  # Ben does not work this one
    return acc, admin, ben, shop, secret


def _write(db, inbox, text, visitor=None, **kwargs):
    return visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor or factories.visitor_token(), content=text, **kwargs
    )


def _numbers(page: search.SearchPage) -> list[int]:
    return [hit.display_id for hit in page.hits]


def _number(db, sent) -> int:
    return db.get(Conversation, sent.conversation_id).display_id


def test_finds_conversations_by_word_prefixes_of_their_messages_all_words_required(db, desk):
    acc, admin, ben, shop, secret = desk
    parcel = _write(db, shop, "Wo ist mein Paket? Die Sendungsnummer fehlt.")
    invoice = _write(db, shop, "Ich brauche eine Rechnung für das Paket")
    _write(db, shop, "Ganz etwas anderes")
    found = search.search_conversations(db, actor=ben, q="pak")
    # The newest matching message first.
    assert _numbers(found) == [_number(db, invoice), _number(db, parcel)]
    assert _numbers(search.search_conversations(db, actor=ben, q="PAKET sendung")) == [_number(db, parcel)]
    assert _numbers(search.search_conversations(db, actor=ben, q="paket zebra")) == []
    hit = search.search_conversations(db, actor=ben, q="sendungs").hits[0]
    assert hit.message.content == "Wo ist mein Paket? Die Sendungsnummer fehlt."
    assert search.highlight(hit.message.content, ("sendungs",)) == (
        ("Wo ist mein Paket? Die ", False),
        ("Sendungs", True),
        ("nummer fehlt.", False),
    )


def test_notes_are_found_activity_lines_are_not(db, desk):
    acc, admin, ben, shop, secret = desk
    sent = _write(db, shop, "Hallo")
    conversations.send_reply(db, actor=ben, conversation_id=sent.conversation_id, content="Kulanz intern", private=True)
    conversations.set_status(db, actor=ben, conversation_id=sent.conversation_id, status="pending")
    hits = search.search_conversations(db, actor=ben, q="kulanz").hits
    assert [(h.display_id, h.message.private) for h in hits] == [(_number(db, sent), True)]
    # Activity lines hold catalog keys ("activity.status.pending"), not words anyone wrote.
    assert search.search_conversations(db, actor=ben, q="activity").hits == ()


def test_the_index_follows_insert_update_and_delete(db, desk):
    acc, admin, ben, shop, secret = desk
    sent = _write(db, shop, "Erster Gedanke")
    number = _number(db, sent)
    message = Message(
        account_id=acc.id,
        conversation_id=sent.conversation_id,
        message_type="incoming",
        sender_type="contact",
        content="Regenschirm vergessen",
        created_at=utcnow(),
    )
    db.add(message)
    db.commit()
    assert _numbers(search.search_conversations(db, actor=ben, q="regenschirm")) == [number]
    message.content = "Sonnenhut vergessen"
    db.add(message)
    db.commit()
    assert _numbers(search.search_conversations(db, actor=ben, q="regenschirm")) == []
    assert _numbers(search.search_conversations(db, actor=ben, q="sonnenhut")) == [number]
    db.delete(message)
    db.commit()
    assert _numbers(search.search_conversations(db, actor=ben, q="sonnenhut")) == []
    assert _numbers(search.search_conversations(db, actor=ben, q="gedanke")) == [number]


def test_contact_name_email_phone_alias_and_number(db, desk):
    acc, admin, ben, shop, secret = desk
    named = _write(db, shop, "Erste Nachricht")
    anonymous = _write(db, shop, "Zweite Nachricht")
    contact = db.get(Contact, db.get(Conversation, named.conversation_id).contact_id)
    contact.name, contact.email, contact.phone_number = "Greta Gründlich", "greta@beispiel.de", "+4917012345678"
    db.add(contact)
    db.commit()
    key = db.get(Conversation, anonymous.conversation_id).alias_key
    assert _numbers(search.search_conversations(db, actor=ben, q="gründ")) == [_number(db, named)]
    assert _numbers(search.search_conversations(db, actor=ben, q="GRETA@beispiel")) == [_number(db, named)]
    assert _numbers(search.search_conversations(db, actor=ben, q="+49 170 1234")) == [_number(db, named)]
    assert _numbers(search.search_conversations(db, actor=ben, q=f"#{_number(db, anonymous)}"))[0] == _number(
        db, anonymous
    )
    from kiko_livechat.i18n.aliases import alias

    for locale in ("de", "en"):
        found = search.search_conversations(db, actor=ben, q=alias(key, locale))
        assert _number(db, anonymous) in _numbers(found), locale
        assert found.hits[0].message is None  # found by who, not by a message


def test_only_the_inboxes_the_actor_sees_and_never_another_account(db, desk):
    acc, admin, ben, shop, secret = desk
    _write(db, shop, "Geheimwort im Laden")
    _write(db, secret, "Geheimwort im Tresor")
    other = factories.active_account(db)
    stranger = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    _write(db, factories.inbox(db, other.id), "Geheimwort woanders")
    assert [h.inbox_id for h in search.search_conversations(db, actor=ben, q="geheimwort").hits] == [shop.id]
    assert len(search.search_conversations(db, actor=admin, q="geheimwort").hits) == 2
    assert len(search.search_conversations(db, actor=stranger, q="geheimwort").hits) == 1
    assert search.search_conversations(db, actor=stranger, q="tresor").hits == ()


def test_pages_of_25(db, desk):
    acc, admin, ben, shop, secret = desk
    start = utcnow() - timedelta(hours=1)
    for i in range(27):
        _write(db, shop, f"Frage Nummer {i} zur Lieferung", now=start + timedelta(seconds=i))
    first = search.search_conversations(db, actor=ben, q="lieferung")
    second = search.search_conversations(db, actor=ben, q="lieferung", page=2)
    assert (len(first.hits), first.has_next, len(second.hits), second.has_next) == (25, True, 2, False)
    assert not set(_numbers(first)) & set(_numbers(second))
    assert search.search_conversations(db, actor=ben, q="lieferung", page=search.MAX_PAGE + 1).hits == ()


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', "*", ":", "&", "(", ")", "'", "\\", "%", "_", "a OR b", "NEAR(a b)", "x:*", "!x", "a & | b",
     "a <-> b", "paket\"*", "^paket", "-paket", "{col}: x", "ä̈", "🙂", "\u200b",
     "SELECT * FROM messages", "eule\n4821", "\t\r\n x"],
)  # fmt: skip
def test_hostile_input_is_searched_as_text_never_as_syntax(db, desk, hostile):
    acc, admin, ben, shop, secret = desk
    _write(db, shop, "Paket 100% angekommen")
    found = search.search_conversations(db, actor=ben, q=hostile)
    # % and _ are not LIKE wildcards here: they find only what holds them.
    assert found.page == 1 and len(found.hits) <= 1


def test_empty_or_overlong_searches_are_refused(db, desk):
    acc, admin, ben, shop, secret = desk
    for empty in ("", "   ", None, 5, "\x00"):
        with pytest.raises(ValidationFailed) as refused:
            search.search_conversations(db, actor=ben, q=empty)
        assert (refused.value.code, refused.value.field) == ("search.error.empty", "q")
    with pytest.raises(ValidationFailed) as refused:
        search.search_conversations(db, actor=ben, q="x" * 1000)
    assert refused.value.code == "search.error.too_long"
    assert search.search_conversations(db, actor=ben, q="x" * search.Q_MAX).hits == ()


def test_the_postgres_query_uses_the_indexed_expression(db, desk):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    acc, admin, ben, shop, secret = desk
    _write(db, shop, "Hallo")
    db.execute(sa.text("SET enable_seqscan = off"))
    plan = (
        db.execute(sa.text(f"EXPLAIN SELECT m.id FROM messages m WHERE {search.PG_MATCH}"), {"match": "hallo:*"})
        .scalars()
        .all()
    )
    db.rollback()
    assert any("ix_messages_content_search" in line for line in plan), plan


def test_counts_mine_unassigned_and_all_and_the_assignee_filter_narrows_only_the_page(db, desk):
    acc, admin, ben, shop, secret = desk
    mine = _write(db, shop, "Reklamation eins")
    _write(db, shop, "Reklamation zwei")
    conversations.assign(db, actor=admin, conversation_id=mine.conversation_id, assignee_id=ben.user_id)
    everything = search.find_conversations(db, actor=ben, q="reklamation")
    assert everything.counts == search.Counts(mine=1, assigned=1, unassigned=1, all=2)
    assert not everything.capped and len(everything.shown) == 2
    only_mine = search.find_conversations(db, actor=ben, q="reklamation", filters=search.SearchFilters(assignee="mine"))
    assert [c for c, _ in only_mine.shown] == [mine.conversation_id]
    assert only_mine.counts == everything.counts
    unassigned = search.find_conversations(
        db, actor=ben, q="reklamation", filters=search.SearchFilters(assignee="unassigned")
    )
    assert mine.conversation_id not in [c for c, _ in unassigned.shown] and len(unassigned.shown) == 1


def test_status_inbox_and_team_filters_apply_to_words_and_contacts_alike(db, desk):
    acc, admin, ben, shop, secret = desk
    other_shop = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    done = _write(db, shop, "Garantiefall erledigt")
    _write(db, other_shop, "Garantiefall offen")
    conversations.set_status(db, actor=ben, conversation_id=done.conversation_id, status="resolved")
    contact = db.get(Contact, db.get(Conversation, done.conversation_id).contact_id)
    contact.name = "Garantie Gustav"
    db.add(contact)
    db.commit()

    def found(**filters):
        return {c for c, _ in search.find_conversations(
            db, actor=ben, q="garantie", filters=search.SearchFilters(**filters)).shown}  # fmt: skip

    assert found(status="resolved") == {done.conversation_id}
    assert len(found(status="open")) == 1 and done.conversation_id not in found(status="open")
    assert len(found()) == 2
    assert found(inbox_id=shop.id) == {done.conversation_id}
    assert found(inbox_id=secret.id) == set()  # an inbox Ben does not work shows nothing
    team_id = teams.create_team(db, actor=admin, name="Garantie")
    conversations.assign(db, actor=admin, conversation_id=done.conversation_id, team_id=team_id)
    assert found(team_id=team_id) == {done.conversation_id}


def test_counts_stop_at_what_the_pages_can_show(db, desk, monkeypatch):
    acc, admin, ben, shop, secret = desk
    monkeypatch.setattr(search, "MAX_PAGE", 1)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for i in range(3):
        _write(db, shop, f"Umtausch {i}")
    found = search.find_conversations(db, actor=ben, q="umtausch")
    assert (found.counts.all, found.capped, len(found.shown), found.has_next) == (2, True, 2, False)
