"""schemathesis with all its checks against the real app: the OpenAPI document is what the API
does (every route, method, parameter, status and answer), and no input makes it fail."""

import pytest
import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api.openapi import PATH, spec
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, contacts, inboxes
from kiko_livechat.settings import get_settings
from tests import factories

load_all_checks()
positive_data_acceptance = CHECKS.get_one("positive_data_acceptance")
schema = schemathesis.openapi.from_dict(spec())

# Valid data the API refuses by a rule no schema can state: a source_id taken already, a
# status change the status machine does not allow, an incoming message in a web inbox, an
# address at a reserved domain (.test, .local: the e-mail check is stricter than the `email`
# format). The document's 422 says so; with any other code (or status) valid data must be
# accepted.
RULES = {
    "contacts.error.source_taken",
    "conversations.error.transition",
    "api.error.incoming_only_api",
    "error.email_invalid",
}


def valid_data_is_accepted_unless_a_rule_refuses_it(ctx, response, case):
    """positive_data_acceptance, but for the refusals named in RULES."""
    if response.status_code == 422 and response.json().get("error") in RULES:
        return None
    return positive_data_acceptance(ctx, response, case)


# What `schemathesis run --checks all` runs, with the one above for positive_data_acceptance.
CHECKS_RUN = [check for check in CHECKS.get_all() if check is not positive_data_acceptance] + [
    valid_data_is_accepted_unless_a_rule_refuses_it
]
# What the document says in words, since JSON Schema cannot say it of every string at any depth
# or of parameters: text holds no NUL and no unpaired surrogate (generated text is UTF-8, without
# NUL), and query parameters a route does not know are ignored, as Chatwoot does.
schema.config.generation.update(allow_x00=False, codec="utf-8", allow_extra_parameters=False)


@pytest.fixture
def no_address_limit(monkeypatch):
    """The checks send many requests without credentials from one address; the per-address
    limit has tests of its own (test_request_limits.py)."""
    monkeypatch.setenv("KIKO_API_RATE_PER_ADDRESS_BURST", "1000000")
    get_settings.cache_clear()


@pytest.fixture
def bot_token(no_address_limit, app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Fuzz Bot")
        bot = api_access.resolve_api_token(db, token=created.api_token)
        contacts.create_contact(db, actor=bot, name="Fuzz", inbox_id=created.inbox.inbox_id, source_id="fuzz")
    return created.api_token


@schema.parametrize()
def test_the_api_does_what_its_document_says(case, bot_token, real_app):
    # Bound to the real app, so that the checks that send requests of their own (the same
    # request without credentials, another method) reach it too.
    case.operation.app = case.operation.schema.app = real_app
    case.call_and_validate(headers={"api_access_token": bot_token}, checks=CHECKS_RUN)


def test_the_served_document_is_the_one_tested(real_app):
    assert TestClient(real_app).get(PATH).json() == spec()
