"""Canned responses: account-wide ones for administrators, personal ones for their author,
the picker's ranked search with the variables filled in."""

import pytest
from sqlmodel import select

from kiko_livechat.models import CannedResponse, Contact, Role
from kiko_livechat.services import canned_responses as canned
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories


@pytest.fixture
def people(db):
    acc = factories.account(db, name="Kiko Kunde")
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben, clara = factories.actor(db, acc.id), factories.actor(db, acc.id)
    return acc, admin, ben, clara


def _codes(views) -> list[str]:
    return [v.short_code for v in views]


def test_administrators_manage_account_wide_ones_agents_their_own(db, people):
    acc, admin, ben, clara = people
    hallo = canned.create_canned_response(db, actor=admin, short_code="/hallo", content="Hallo!\nWie geht's?")
    assert (hallo.short_code, hallo.content, hallo.personal) == ("hallo", "Hallo!\nWie geht's?", False)
    with pytest.raises(PermissionDenied):
        canned.create_canned_response(db, actor=ben, short_code="tschuess", content="Tschüss")
    mine = canned.create_canned_response(db, actor=ben, short_code="tschuess", content="Tschüss", personal=True)
    assert mine.personal
    # Clara sees the account's and none of Ben's; Ben sees both.
    assert _codes(canned.list_canned_responses(db, actor=clara)) == ["hallo"]
    assert _codes(canned.list_canned_responses(db, actor=ben)) == ["hallo", "tschuess"]
    # An administrator does not see an agent's personal ones either.
    assert _codes(canned.list_canned_responses(db, actor=admin)) == ["hallo"]
    with pytest.raises(PermissionDenied):
        canned.update_canned_response(db, actor=ben, canned_id=hallo.canned_id, content="Gekapert")
    with pytest.raises(PermissionDenied):
        canned.delete_canned_response(db, actor=ben, canned_id=hallo.canned_id)
    for other in (clara, admin):
        with pytest.raises(NotFound):
            canned.update_canned_response(db, actor=other, canned_id=mine.canned_id, content="Gekapert")
        with pytest.raises(NotFound):
            canned.delete_canned_response(db, actor=other, canned_id=mine.canned_id)
        with pytest.raises(NotFound):
            canned.get_canned_response(db, actor=other, canned_id=mine.canned_id)
    changed = canned.update_canned_response(db, actor=ben, canned_id=mine.canned_id, content="Bis bald!")
    assert (changed.short_code, changed.content) == ("tschuess", "Bis bald!") and changed.updated_at
    canned.update_canned_response(db, actor=admin, canned_id=hallo.canned_id, short_code="gruss")
    canned.delete_canned_response(db, actor=ben, canned_id=mine.canned_id)
    assert _codes(canned.list_canned_responses(db, actor=ben)) == ["gruss"]
    assert canned.get_canned_response(db, actor=ben, canned_id=hallo.canned_id).content == "Hallo!\nWie geht's?"


def test_a_personal_code_shadows_the_account_wide_one_for_its_author(db, people):
    acc, admin, ben, clara = people
    canned.create_canned_response(db, actor=admin, short_code="hallo", content="Guten Tag")
    canned.create_canned_response(db, actor=ben, short_code="hallo", content="Moin!", personal=True)
    assert [v.content for v in canned.list_canned_responses(db, actor=ben)] == ["Moin!"]
    assert [v.content for v in canned.list_canned_responses(db, actor=clara)] == ["Guten Tag"]
    assert [v.content for v in canned.list_canned_responses(db, actor=ben, search="hal")] == ["Moin!"]
    # ... but once per scope: a second account-wide "Hallo", or a second own one, is refused.
    with pytest.raises(ValidationFailed) as shared:
        canned.create_canned_response(db, actor=admin, short_code="Hallo", content="x")
    with pytest.raises(ValidationFailed) as own:
        canned.create_canned_response(db, actor=ben, short_code="HALLO", content="x", personal=True)
    assert shared.value.code == own.value.code == "canned.error.short_code_taken"
    assert shared.value.field == "short_code"


@pytest.mark.parametrize(
    "short_code,content,code,field",
    [
        ("", "Text", "error.required", "short_code"),
        ("/", "Text", "error.required", "short_code"),
        ("hallo welt", "Text", "canned.error.short_code", "short_code"),
        ("hallo/welt", "Text", "canned.error.short_code", "short_code"),
        ("<b>", "Text", "canned.error.short_code", "short_code"),
        ("x" * 51, "Text", "error.too_long", "short_code"),
        (42, "Text", "error.required", "short_code"),
        ("hallo", "   \n ", "error.required", "content"),
        ("hallo", "x" * 10_001, "error.too_long", "content"),
        ("hallo", ["Text"], "error.required", "content"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_changes_nothing(db, people, short_code, content, code, field):
    acc, admin, *_ = people
    with pytest.raises(ValidationFailed) as refused:
        canned.create_canned_response(db, actor=admin, short_code=short_code, content=content)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert db.exec(select(CannedResponse)).all() == []


def test_limits_and_letters_that_are_accepted(db, people):
    acc, admin, *_ = people
    longest = canned.create_canned_response(db, actor=admin, short_code="a" * 50, content="x" * 10_000)
    assert len(longest.short_code) == 50 and len(longest.content) == 10_000
    assert canned.create_canned_response(db, actor=admin, short_code="grüße_2-b", content="<b>fett</b>").content == (
        "<b>fett</b>"  # stored as typed: text everywhere, never markup
    )


def test_an_update_refused_changes_nothing(db, people):
    acc, admin, *_ = people
    first = canned.create_canned_response(db, actor=admin, short_code="eins", content="Eins")
    canned.create_canned_response(db, actor=admin, short_code="zwei", content="Zwei")
    for change in ({"short_code": "zwei"}, {"short_code": "a b"}, {"content": ""}, {"content": "x" * 10_001}):
        with pytest.raises(ValidationFailed):
            canned.update_canned_response(db, actor=admin, canned_id=first.canned_id, **change)
        db.rollback()
    kept = canned.get_canned_response(db, actor=admin, canned_id=first.canned_id)
    assert (kept.short_code, kept.content, kept.updated_at) == ("eins", "Eins", None)


def test_other_accounts_and_bad_ids_are_not_found(db, people):
    acc, admin, ben, _ = people
    other = factories.account(db, name="Fremd")
    foreign_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    theirs = canned.create_canned_response(db, actor=foreign_admin, short_code="hallo", content="Fremd")
    assert canned.list_canned_responses(db, actor=admin) == []
    for bad in (theirs.canned_id, 999_999, "1", None, True, -1, 10**12):
        for call in (canned.get_canned_response, canned.delete_canned_response):
            with pytest.raises(NotFound):
                call(db, actor=admin, canned_id=bad)
        with pytest.raises(NotFound):
            canned.update_canned_response(db, actor=admin, canned_id=bad, content="Gekapert")
    assert canned.get_canned_response(db, actor=foreign_admin, canned_id=theirs.canned_id).content == "Fremd"


def test_search_ranks_code_prefix_then_code_contains_then_content(db, people):
    acc, admin, ben, _ = people
    for code, content in (
        ("zzz", "Ich sage hallo zu allen"),  # content contains
        ("sagthallo", "Moin"),  # code contains
        ("hallo", "Guten Tag"),  # code prefix
        ("hallo-abend", "Guten Abend"),  # code prefix
        ("tschuess", "Auf Wiedersehen"),  # no match
    ):
        canned.create_canned_response(db, actor=admin, short_code=code, content=content)
    assert _codes(canned.list_canned_responses(db, actor=ben, search="HAL")) == [
        "hallo",
        "hallo-abend",
        "sagthallo",
        "zzz",
    ]
    assert len(canned.list_canned_responses(db, actor=ben, search="", limit=2)) == 2


def test_search_treats_wildcards_as_text(db, people):
    acc, admin, ben, _ = people
    canned.create_canned_response(db, actor=admin, short_code="rabatt", content="10% auf alles")
    canned.create_canned_response(db, actor=admin, short_code="preis", content="100 Euro")
    canned.create_canned_response(db, actor=admin, short_code="a_b", content="Unterstrich")
    assert _codes(canned.list_canned_responses(db, actor=ben, search="0%")) == ["rabatt"]
    assert _codes(canned.list_canned_responses(db, actor=ben, search="a_")) == ["a_b"]


def test_variables_are_filled_and_empty_ones_leave_no_braces():
    values = {"contact.name": "Erika", "agent.name": "Ben", "conversation.id": "7", "contact.email": ""}
    text = "Hallo {{contact.name}}, hier ist {{ agent.name }} (#{{conversation.id}})."
    assert canned.fill_variables(text, values) == "Hallo Erika, hier ist Ben (#7)."
    assert canned.fill_variables("Hallo {{contact.email}}!\nIhr {{account.name}}", values) == "Hallo!\nIhr"
    # Braces that name no variable are the author's own text.
    assert canned.fill_variables("{{ unbekannt }} {{foo.bar}}", values) == "{{ unbekannt }} {{foo.bar}}"


def test_the_picker_fills_in_the_conversation_and_scopes_it(db, people):
    acc, admin, ben, _ = people
    inbox = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    contact = factories.contact(db, acc.id, name="Erika Muster")
    row = db.get(Contact, contact.id)
    row.email = "erika@example.org"
    db.add(row)
    db.commit()
    conversation = factories.conversation(db, acc.id, inbox.id, contact.id)
    canned.create_canned_response(
        db,
        actor=admin,
        short_code="hallo",
        content="Hallo {{contact.name}} ({{contact.email}}{{contact.phone}}),\n"
        "hier {{agent.name}} von {{account.name}} zu #{{conversation.id}}. " + "lang " * 40,
    )
    (picked,) = canned.picker_rows(db, actor=ben, search="hal", display_id=conversation.display_id)
    assert picked.short_code == "hallo"
    assert picked.text.startswith(
        f"Hallo Erika Muster (erika@example.org),\nhier Test User von Kiko Kunde zu #{conversation.display_id}. lang"
    )
    assert "\n" not in picked.preview and len(picked.preview) == canned.PREVIEW_MAX
    assert picked.preview.endswith("…") and "{{contact.name}}" in picked.preview
    # A conversation of an inbox the agent does not work in, or of another account: not found.
    hidden_inbox = factories.inbox(db, acc.id)
    hidden = factories.conversation(db, acc.id, hidden_inbox.id, contact.id)
    for number in (hidden.display_id, 999_999, None, "1"):
        with pytest.raises(NotFound):
            canned.picker_rows(db, actor=ben, search="hal", display_id=number)


def test_bots_cannot_use_canned_responses(db, people):
    from kiko_livechat.services import api_access, inboxes

    acc, admin, *_ = people
    created = inboxes.create_api_inbox(db, actor=admin, name="Bot")
    bot = api_access.resolve_api_token(db, token=created.api_token)
    with pytest.raises(PermissionDenied):
        canned.list_canned_responses(db, actor=bot)
    with pytest.raises(PermissionDenied):
        canned.create_canned_response(db, actor=bot, short_code="x", content="y", personal=True)
