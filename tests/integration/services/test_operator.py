"""The operator's console: accounts, plans, activation, and what a blocked account means."""

from datetime import timedelta

import pytest

from kiko_livechat.models import Account
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, entitlement, invitations, operator, profile, provisioning
from kiko_livechat.services.errors import AuthFailed, ValidationFailed
from tests import factories


@pytest.fixture
def op(db):
    provisioning.create_operator(db, email="op@kiko.example", name="Op", password=factories.PASSWORD)
    db.commit()
    return auth.operator_login(db, email="op@kiko.example", password=factories.PASSWORD)


def test_operator_sessions_are_a_login_space_of_their_own(db, op):
    assert auth.resolve_operator(db, token=op.token).user_id == op.operator.user_id
    with pytest.raises(AuthFailed):  # an operator token opens no dashboard
        auth.resolve_session(db, token=op.token)
    with pytest.raises(AuthFailed):  # the operator is no agent: the dashboard login refuses them
        auth.login(db, email="op@kiko.example", password=factories.PASSWORD)
    acc = factories.account(db)
    admin = factories.user(db, acc.id, role="administrator")
    agent_token = factories.login(db, admin).token
    with pytest.raises(AuthFailed):  # and a dashboard token opens no console
        auth.resolve_operator(db, token=agent_token)
    with pytest.raises(AuthFailed):  # nor does an administrator's password
        auth.operator_login(db, email=admin.email, password=factories.PASSWORD)
    auth.logout(db, token=op.token)
    with pytest.raises(AuthFailed):
        auth.resolve_operator(db, token=op.token)


def test_create_an_account_with_its_first_administrator(db, op):
    created = operator.create_customer_account(
        db,
        operator=op.operator,
        name="Gamma GmbH",
        locale="en",
        plan="trial",
        admin_email="boss@gamma.example",
        admin_name="Gina",
    )
    row = next(r for r in operator.list_accounts(db, operator=op.operator) if r.name == "Gamma GmbH")
    assert (row.plan, row.livechat_active, row.state) == ("trial", False, entitlement.INACTIVE)
    token = created.link.rsplit("/invite/", 1)[1]
    result = invitations.accept_invitation(db, token=token, name="Gina", password="gamma secret 1")
    assert result.actor.role == "administrator" and result.actor.account_id == row.account_id


def test_bad_account_input_saves_nothing(db, op):
    before = len(operator.list_accounts(db, operator=op.operator))
    for kwargs, field in (
        ({"name": "", "admin_email": "a@b.example"}, "name"),
        ({"name": "Delta", "admin_email": "not-mail"}, "admin_email"),
        ({"name": "Delta", "admin_email": "a@b.example", "admin_name": ""}, "admin_name"),
        ({"name": "Delta", "admin_email": "a@b.example", "plan": "gold"}, "plan"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            operator.create_customer_account(
                db,
                operator=op.operator,
                locale="de",
                **{"plan": "trial", "admin_name": "D", **kwargs},
            )
        assert refused.value.field == field
        db.rollback()
    assert len(operator.list_accounts(db, operator=op.operator)) == before


def test_activation_plan_and_what_a_blocked_account_sees(db, op):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role="administrator")
    assert profile.get_profile(db, actor=admin).account_blocked == entitlement.INACTIVE
    operator.set_livechat_active(db, operator=op.operator, account_id=acc.id, active=True)
    assert profile.get_profile(db, actor=admin).account_blocked is None
    entitlement.require_receiving(db.get(Account, acc.id))

    later = utcnow() + timedelta(days=15)
    assert entitlement.block_reason(db.get(Account, acc.id), later) == entitlement.TRIAL_EXPIRED
    with pytest.raises(entitlement.AccountBlocked) as refused:
        entitlement.require_receiving(db.get(Account, acc.id), later)
    assert refused.value.code == "account.blocked.trial_expired"
    operator.set_plan(db, operator=op.operator, account_id=acc.id, plan="starter")
    assert db.get(Account, acc.id).trial_ends_at is None
    assert entitlement.block_reason(db.get(Account, acc.id), later) is None
    operator.set_plan(db, operator=op.operator, account_id=acc.id, plan="trial")
    assert db.get(Account, acc.id).trial_ends_at > utcnow() + timedelta(days=13)
    operator.set_livechat_active(db, operator=op.operator, account_id=acc.id, active=False)
    with pytest.raises(entitlement.AccountBlocked):
        entitlement.require_receiving(db.get(Account, acc.id))
