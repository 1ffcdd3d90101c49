"""Inbox setup: web widget with its snippet, API inbox with its one-time token."""

import pytest
from sqlmodel import select

from kiko_livechat.models import ApiAccessToken, Inbox, Role
from kiko_livechat.services import inboxes
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.tokens import hash_token
from tests import factories


@pytest.fixture
def setup(db):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.user(db, acc.id)
    return acc, admin, ben


def _token_works(db, token: str) -> bool:
    row = db.exec(select(ApiAccessToken).where(ApiAccessToken.token_hash == hash_token(token))).first()
    return row is not None and row.revoked_at is None


def test_web_inbox_with_agents_domains_and_snippet(db, setup):
    acc, admin, ben = setup
    view = inboxes.create_web_inbox(
        db,
        actor=admin,
        name="Website",
        greeting="Hallo!",
        widget_color="#FF8800",
        allowed_domains="https://shop.example.com/cart\n*.example.org, localhost:8080",
        agent_ids=[str(ben.id), admin.user_id],
    )
    assert view.channel_type == "web_widget"
    assert view.allowed_domains == ("shop.example.com", "*.example.org", "localhost:8080")
    assert view.widget_color == "#ff8800"
    assert set(view.agent_ids) == {ben.id, admin.user_id}
    snippet = inboxes.embed_snippet(view.public_token, "https://chat.example.net")
    assert view.public_token in snippet
    assert '<script src="https://chat.example.net/widget.js" async defer></script>' in snippet


def test_api_inbox_token_is_shown_once_and_regeneration_revokes_the_old(db, setup):
    acc, admin, ben = setup
    created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", webhook_url="https://bot.example.com/hook")
    assert created.inbox.webhook_url == "https://bot.example.com/hook"
    assert _token_works(db, created.api_token)
    fresh = inboxes.regenerate_api_token(db, actor=admin, inbox_id=created.inbox.inbox_id)
    assert fresh != created.api_token
    assert _token_works(db, fresh) and not _token_works(db, created.api_token)
    web = inboxes.create_web_inbox(db, actor=admin, name="Web")
    with pytest.raises(ValidationFailed):
        inboxes.regenerate_api_token(db, actor=admin, inbox_id=web.inbox_id)


@pytest.mark.parametrize(
    "field,kwargs",
    [
        ("name", {"name": ""}),
        ("widget_color", {"widget_color": "red"}),
        ("allowed_domains", {"allowed_domains": "exa mple..com"}),
        ("allowed_domains", {"allowed_domains": "-bad-.com"}),
        ("greeting", {"greeting": "x" * 501}),
    ],
)
def test_bad_web_inbox_input_is_refused_on_its_field_and_saves_nothing(db, setup, field, kwargs):
    acc, admin, ben = setup
    with pytest.raises(ValidationFailed) as refused:
        inboxes.create_web_inbox(db, actor=admin, **{"name": "Web", **kwargs})
    assert refused.value.field == field
    db.rollback()
    assert db.exec(select(Inbox)).all() == []


def test_names_unique_webhook_checked_and_foreign_agents_refused(db, setup):
    acc, admin, ben = setup
    inboxes.create_web_inbox(db, actor=admin, name="Website")
    with pytest.raises(ValidationFailed) as refused:
        inboxes.create_api_inbox(db, actor=admin, name="WEBSITE")
    assert refused.value.code == "error.name_taken"
    with pytest.raises(ValidationFailed) as refused:
        inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url="ftp://bot.example.com")
    assert refused.value.code == "error.url_invalid"
    stranger = factories.user(db, factories.account(db).id)
    with pytest.raises(NotFound):
        inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[stranger.id])
    db.rollback()
    assert [i.name for i in inboxes.list_inboxes(db, actor=admin)] == ["Website"]


def test_update_changes_settings_and_agents_all_or_nothing(db, setup):
    acc, admin, ben = setup
    view = inboxes.create_web_inbox(db, actor=admin, name="Website", agent_ids=[ben.id])
    updated = inboxes.update_inbox(
        db,
        actor=admin,
        inbox_id=view.inbox_id,
        name="Shop",
        greeting="Moin",
        widget_color="#000000",
        allowed_domains="shop.example.com",
        enable_auto_assignment=False,
        agent_ids=[admin.user_id],
    )
    assert (updated.name, updated.greeting, updated.agent_ids, updated.enable_auto_assignment) == (
        "Shop",
        "Moin",
        (admin.user_id,),
        False,
    )
    with pytest.raises(ValidationFailed):
        inboxes.update_inbox(db, actor=admin, inbox_id=view.inbox_id, name="Other", widget_color="nope")
    db.rollback()
    assert inboxes.get_inbox_settings(db, actor=admin, inbox_id=view.inbox_id).name == "Shop"
