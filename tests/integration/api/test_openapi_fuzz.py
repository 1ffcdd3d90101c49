"""schemathesis against the API's own OpenAPI document: whatever it sends, no 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from kiko_livechat.api import build_api
from kiko_livechat.api.openapi import spec
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, contacts, inboxes
from tests import factories

schema = schemathesis.openapi.from_dict(spec())
APP = build_api()


@pytest.fixture
def bot_token(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Fuzz Bot")
        bot = api_access.resolve_api_token(db, token=created.api_token)
        contacts.create_contact(db, actor=bot, name="Fuzz", inbox_id=created.inbox.inbox_id, source_id="fuzz")
    return created.api_token


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, bot_token):
    case.call_and_validate(app=APP, headers={"api_access_token": bot_token}, checks=[not_a_server_error])
