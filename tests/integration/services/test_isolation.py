"""Account isolation: whatever ids a user of account A sends, nothing of account B is reached.

Every public service function with an id parameter must appear in ID_TAKING below; the guard
test fails when one is added without a case here.
"""

import importlib
import inspect
import pkgutil

import pytest
from sqlmodel import SQLModel

import kiko_livechat.models as models
import kiko_livechat.services as services_pkg
from kiko_livechat.models import Role
from kiko_livechat.services import auth, overview, provisioning, scoping
from kiko_livechat.services.errors import NotFound
from tests import factories

ID_TAKING = {
    "scoping.get_in_account": "every tenant table, below",
    "provisioning.get_inbox": "test_inbox_of_another_account_is_not_found",
    "provisioning.create_user": "test_provisioning_refuses_unknown_accounts",
    "provisioning.create_inbox": "test_provisioning_refuses_unknown_accounts / foreign agents",
    "auth.switch_account": "test_switch_account_into_a_foreign_account_is_not_found",
    "auth.revoke_user_sessions": "no actor; called by change_password and agents.deactivate_agent after their checks",
    "agents.change_role": "test_admin_permissions",
    "agents.deactivate_agent": "test_admin_permissions / test_agents.test_explicit_unassign_and_bad_successors",
    "agents.open_conversations": "test_admin_permissions",
    "agents.reactivate_agent": "test_admin_permissions",
    "inboxes.get_inbox_settings": "test_admin_permissions",
    "inboxes.regenerate_api_token": "test_admin_permissions",
    "inboxes.update_inbox": "test_admin_permissions",
    "invitations.revoke_invitation": "test_admin_permissions",
    "invitations.resend_invitation": "test_admin_permissions / test_invitation_mail.test_resend_issues_a_new_link_...",
    "invitation_mail.check_not_sent_recently": "no actor; callers pass their own account (create/resend_invitation)",
    "invitation_mail.drop_unsent": "no actor; callers pass an invitation of their account (create/revoke)",
    "invitations.create_invitation": "no actor; callers check: invite_agent (admin) and the operator functions",
    "teams.add_team_member": "test_admin_permissions / test_teams.test_only_active_members_of_the_account_join",
    "teams.delete_team": "test_admin_permissions",
    "teams.remove_team_member": "test_admin_permissions",
    "teams.update_team": "test_admin_permissions",
    "operator.invite_administrator": "operator-level: only resolve_operator gives an OperatorActor (test_operator)",
    "operator.set_livechat_active": "operator-level (test_operator)",
    "operator.set_plan": "operator-level (test_operator)",
    "provisioning.active_member_ids": "test_inboxes.test_names_unique_webhook_checked_and_foreign_agents_refused",
    "conversations.agent_typing": "test_conversations.test_an_agent_cannot_reach_conversations_of_inboxes_...",
    "conversations.assign": "test_conversations.test_an_agent_cannot_reach_... / foreign assignee refused",
    "conversations.conversation_messages": "test_conversations.test_an_agent_cannot_reach_...",
    "conversations.get_conversation": "test_conversations.test_an_agent_cannot_reach_...",
    "conversations.list_conversations": "test_conversations.test_filters_... (a foreign inbox id finds nothing)",
    "conversations.list_row": "test_conversations.test_one_row_of_a_list_is_the_row_the_list_shows_or_none",
    "conversations.mark_read": "test_conversations.test_an_agent_cannot_reach_...",
    "conversations.send_reply": "test_conversations.test_an_agent_cannot_reach_... (also another account's admin)",
    "conversations.set_status": "test_conversations.test_an_agent_cannot_reach_...",
    "messages.find_echo": "no actor; called with a conversation already checked by its caller",
    "messages.messages_after": "no actor; called with a conversation already checked by its caller",
    "visitor_chat.send_visitor_message": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "visitor_chat.visitor_messages": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "visitor_chat.mark_seen": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "visitor_chat.leave_email": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "visitor_chat.visitor_typing": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "contacts.create_contact": "test_contacts.test_inbox_and_contact_ids_of_other_accounts_are_not_found",
    "contacts.get_contact": "test_contacts.test_inbox_and_contact_ids_of_other_accounts_are_not_found; other "
    "inboxes' contacts for a bot: api/test_bot_scope",
    "contacts.update_contact": "test_contacts.test_inbox_and_contact_ids_of_other_accounts_are_not_found; other "
    "inboxes' contacts for a bot: api/test_bot_scope",
    "contacts.contact_inbox_for": "test_contacts.test_inbox_and_contact_ids_of_other_accounts_are_not_found; other "
    "inboxes' contacts for a bot: api/test_bot_scope",
    "labels.conversation_labels": "test_isolation.test_labels_of_foreign_conversations_are_not_found",
    "labels.set_conversation_labels": "test_isolation.test_labels_of_foreign_conversations_are_not_found",
    "labels.get_label": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "labels.update_label": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "labels.delete_label": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "labels.add_conversation_label": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "labels.remove_conversation_label": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "labels.resolve_with_labels": "test_labels.test_labels_and_conversations_of_other_accounts_are_not_found",
    "notification_preferences.preferences_of": "test_notification_preferences.test_defaults_then_saved_values "
    "(another account's preferences are separate)",
    "attachment_links.signature": "pure: the HMAC of an id its callers read (test_attachments.test_signed_links_"
    "open_the_file_until_they_expire: a signature for another file is not found)",
    "attachment_links.signing_secret": "loading only: callers pass the account of a row they read",
    "attachments.agent_uploader": "test_files_api.test_uploads_are_refused_from_other_origins_without_login_and_"
    "into_foreign_conversations",
    "attachments.file_for_agent": "test_attachments.test_an_agents_file_travels_with_the_reply_and_is_served_to_who"
    "_may_see_it (another account's administrator, an agent of other inboxes: not found)",
    "attachments.file_for_link": "test_attachments.test_signed_links_open_the_file_until_they_expire",
    "staged_files.take_staged": "test_attachments.test_the_visitor_sends_a_photo_and_sees_the_agents_file "
    "(another sender's staged file is refused)",
    "contact_import.get_import": "test_contact_import.test_mapping_and_permissions (another account: not found)",
    "contact_import.import_status": "test_contact_import.test_mapping_and_permissions",
    "contact_import.set_mapping": "test_contact_import.test_mapping_and_permissions",
    "contact_import.dry_run": "test_contact_import.test_mapping_and_permissions",
    "contact_import.start": "test_contact_import.test_mapping_and_permissions",
    "contact_import.rejected_file": "test_contact_import.test_mapping_and_permissions",
    "contact_import.run_batch": "no actor: the worker passes an import it claimed",
    "contact_page.contact_detail": "test_contact_page.test_email_and_identifier_are_the_accounts_only_ones_and_"
    "the_phone_must_dial (another account: not found)",
    "contact_page.edit_contact": "test_contact_page.test_email_and_identifier_are_the_accounts_only_ones_and_"
    "the_phone_must_dial",
    "contact_page.set_blocked": "test_contact_page.test_email_and_identifier_are_the_accounts_only_ones_and_"
    "the_phone_must_dial",
    "contacts.contact_event": "pure: the event of a contact its caller reached",
    "api_access.replace_token": "no actor; its callers pass the owner they already checked",
    "handoff.do_hand_off": "test_api_chat.test_foreign_ids_are_not_found",
    "contacts.identity_in_inbox": "test_api_chat.test_foreign_ids_are_not_found (through handoff.do_hand_off)",
    "contacts.identity": "test_api_chat.test_foreign_ids_are_not_found (through handoff.do_hand_off)",
    "numbering.next_conversation_number": "no actor; called by open_conversation with the inbox's own account",
    "api_chat.create_conversation": "test_api_chat.test_foreign_ids_are_not_found",
    "api_chat.create_message": "test_api_chat.test_foreign_ids_are_not_found (display ids of other accounts)",
    "conversations.assignee_counts": "test_conversations.test_filters_... (a foreign inbox counts nothing)",
    "conversations.page_ids": "test_conversations.test_filters_... (a foreign inbox lists nothing)",
    "conversations.set_priority": "test_conversations.test_an_agent_cannot_reach_...",
    "conversations.visible_conversation": "test_conversations.test_an_agent_cannot_reach_... (all go through it)",
    "api_rows.contact_inboxes": "loading only: callers pass contacts they reached (contacts.reachable) and a "
    "bot's own inbox (api/test_bot_scope)",
    "api_rows.agents": "loading only: callers pass the actor's own account and ids read from its rows",
    "api_rows.conversation": "loading only: callers pass a conversation they resolved with visible_conversation",
    "api_rows.speakers": "loading only: callers pass a conversation they resolved (the message they just stored)",
    "api_rows.conversations": "loading only: callers pass ids from page_ids or a conversation they resolved",
    "api_rows.teams": "loading only: callers pass the actor's own account and user (directory.teams)",
    "api_rows.memberships": "loading only: the profile passes the token's own user",
    "api_rows.messages": "loading only: callers pass messages of a conversation they resolved, and its account",
    "api_rows.messages_after": "loading only: callers pass a conversation they resolved with visible_conversation",
    "alert_mail.record_result": "worker-internal: the id comes from claim_due, never from a caller",
    "webhooks.record_result": "worker-internal: the id comes from claim_due, never from a caller",
    "webhook_targets.key": "no actor; names the target of an inbox or webhook the caller already resolved",
    "webhook_targets.row": "no actor; names the target of an inbox or webhook the caller created or resolved",
    "webhook_targets.lease": "worker-internal: the id comes from webhook_targets.ready, never from a caller",
    "webhooks.create_webhook": "test_webhooks.test_account_webhooks_are_for_administrators_and_hear_their_events",
    "webhooks.delete_webhook": "test_webhooks.test_account_webhooks_are_for_administrators_and_hear_their_events",
    "webhooks.recent_deliveries": "test_webhooks.test_the_delivery_log_is_for_administrators_of_the_account",
    "visitor_chat.conversation_agent": "test_visitor_chat.test_bad_input_and_foreign_conversations",
    "presence.inbox_online": "no actor; callers pass an inbox they resolved (the visitor's own, the user's)",
    "presence.announce": "no actor; set_availability passes the actor's own account and user",
    "snooze.snooze": "test_snooze.test_past_far_or_foreign_times_change_nothing (another account's id: NotFound)",
    "scoping.require_unique_name": "test_teams.test_names_are_unique_per_account_and_bad_input_changes_nothing",
    "canned_responses.get_canned_response": "test_canned_responses.test_other_accounts_and_bad_ids_are_not_found "
    "(another agent's personal one: test_administrators_manage_account_wide_ones_agents_their_own)",
    "canned_responses.update_canned_response": "test_canned_responses.test_other_accounts_and_bad_ids_are_not_found",
    "canned_responses.delete_canned_response": "test_canned_responses.test_other_accounts_and_bad_ids_are_not_found",
    "canned_responses.variable_values": "test_canned_responses.test_the_picker_fills_in_the_conversation_and_...",
    "canned_responses.picker_rows": "test_canned_responses.test_the_picker_fills_in_the_conversation_and_scopes_it",
}

TENANT_MODELS = [
    m
    for m in vars(models).values()
    if isinstance(m, type)
    and issubclass(m, SQLModel)
    and hasattr(m, "__table__")
    and "account_id" in m.__table__.c
    and m.__tablename__ != "accounts"
]


def _id_taking_functions():
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"kiko_livechat.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            if any(p.endswith("_id") for p in inspect.signature(fn).parameters):
                yield f"{info.name}.{name}"


def test_every_id_taking_service_function_is_in_the_matrix():
    assert set(_id_taking_functions()) <= set(ID_TAKING), "add the new function to ID_TAKING with a test"


@pytest.fixture
def two_accounts(db):
    a, b = factories.account(db, name="A"), factories.account(db, name="B")
    admin_a = factories.actor(db, a.id, role=Role.ADMINISTRATOR)
    admin_b = factories.actor(db, b.id, role=Role.ADMINISTRATOR)
    inbox_b = factories.inbox(db, b.id, agent_ids=[admin_b.user_id])
    contact_b = factories.contact(db, b.id)
    factories.conversation(db, b.id, inbox_b.id, contact_b.id)
    return a, b, admin_a, admin_b


def test_tenant_rows_of_another_account_are_not_found(db, two_accounts):
    a, b, admin_a, _ = two_accounts
    checked = 0
    for model in TENANT_MODELS:
        for row in db.exec(model.__table__.select().where(model.__table__.c.account_id == b.id)).all():
            with pytest.raises(NotFound):
                scoping.get_in_account(db, model, account_id=a.id, obj_id=row.id)
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("bad_id", [None, "1", 1.0, True, -1, 0, 10**12])
def test_malformed_ids_are_not_found(db, two_accounts, bad_id):
    a, *_ = two_accounts
    with pytest.raises(NotFound):
        scoping.get_in_account(db, models.Inbox, account_id=a.id, obj_id=bad_id)


def test_inbox_of_another_account_is_not_found(db, two_accounts):
    a, b, *_ = two_accounts
    inbox_b = db.exec(models.Inbox.__table__.select().where(models.Inbox.account_id == b.id)).first()
    assert provisioning.get_inbox(db, account_id=b.id, inbox_id=inbox_b.id).id == inbox_b.id
    with pytest.raises(NotFound):
        provisioning.get_inbox(db, account_id=a.id, inbox_id=inbox_b.id)


def test_switch_account_into_a_foreign_account_is_not_found(db, two_accounts):
    a, b, admin_a, _ = two_accounts
    session_token = factories.login(db, factories.user(db, a.id)).token
    actor = auth.resolve_session(db, token=session_token)
    for target in (b.id, 999999, 10**12, "1", None):
        with pytest.raises(NotFound):
            auth.switch_account(db, actor=actor, account_id=target, token=session_token)
    assert auth.resolve_session(db, token=session_token).account_id == a.id


def test_provisioning_refuses_unknown_accounts(db, two_accounts):
    a, b, admin_a, admin_b = two_accounts
    with pytest.raises(NotFound):
        provisioning.create_user(db, account_id=999999, email="x@example.org", name="X", password="long enough pw")
    db.rollback()
    with pytest.raises(NotFound):  # an agent of B cannot be put into an inbox of A
        provisioning.create_inbox(
            db, account_id=a.id, name="Sneaky", channel_type="web_widget", agent_ids=(admin_b.user_id,)
        )
    db.rollback()
    assert db.exec(models.Inbox.__table__.select().where(models.Inbox.name == "Sneaky")).first() is None


def test_read_models_show_only_the_own_account(db, two_accounts):
    a, b, admin_a, admin_b = two_accounts
    assert overview.inbox_summaries(db, actor=admin_a) == []
    assert overview.list_contacts(db, actor=admin_a).total == 0
    assert sum(overview.status_counts(db, actor=admin_a).values()) == 0
    assert len(overview.inbox_summaries(db, actor=admin_b)) == 1
    assert overview.list_contacts(db, actor=admin_b).total == 1
    assert overview.status_counts(db, actor=admin_b)["open"] == 1


def test_labels_of_foreign_conversations_are_not_found(db, two_accounts):
    from kiko_livechat.services import labels

    a, b, admin_a, admin_b = two_accounts
    conversation_b = db.exec(
        models.Conversation.__table__.select().where(models.Conversation.account_id == b.id)
    ).first()
    with pytest.raises(NotFound):
        labels.conversation_labels(db, actor=admin_a, conversation_id=conversation_b.id)
    with pytest.raises(NotFound):
        labels.set_conversation_labels(db, actor=admin_a, conversation_id=conversation_b.id, titles=["x"])
    assert labels.set_conversation_labels(db, actor=admin_b, conversation_id=conversation_b.id, titles=["x"]) == ["x"]
