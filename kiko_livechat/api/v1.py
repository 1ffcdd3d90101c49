"""The Application API under /api/v1/accounts/{account_id}/..., compatible with Chatwoot's.

Each route: check the fields, call one service, answer in Chatwoot's shape.
"""

import json
from datetime import UTC, datetime

from starlette.routing import Route

from kiko_livechat.api import labels as label_routes
from kiko_livechat.api import request_bodies as bodies
from kiko_livechat.api.body import shaped
from kiko_livechat.api.errors import ApiError
from kiko_livechat.api.http import endpoint
from kiko_livechat.api.multipart import FormFiles, MemorySink, message_attachments
from kiko_livechat.api.params import choice_param, int_param, text_param
from kiko_livechat.models import Conversation, Inbox
from kiko_livechat.services import (
    api_chat,
    api_rows,
    attachments,
    contact_csv,
    contact_import,
    contacts,
    conversations,
    directory,
    labels,
    webhooks,
)
from kiko_livechat.services import chatwoot_json as presenters
from kiko_livechat.services.conversations import STATUS_FILTERS
from kiko_livechat.services.messages import CATCH_UP_LIMIT

BASE = "/api/v1/accounts/{account_id:int}"


def _conversation(request, actor):
    return conversations.visible_conversation(
        request.state.db, actor=actor, display_id=request.path_params["conversation_id"]
    )


# --- contacts -------------------------------------------------------------------------------


@endpoint
def create_contact(request, actor, body):
    data = shaped(body, bodies.CREATE_CONTACT)
    db = request.state.db
    view, identity = contacts.create_contact(db, actor=actor, **data)
    contact_inbox = presenters.contact_inbox(identity, db.get(Inbox, identity.inbox_id)) if identity else None
    return 200, {"payload": {"contact": _contacts(db, actor, [view])[0], "contact_inbox": contact_inbox}}


def _contacts(db, actor, views) -> list[dict]:
    """Contacts with their identities in inboxes, as Chatwoot lists and shows them; a bot sees
    only the identities in its own inbox (the one it reaches its contacts through)."""
    identities = api_rows.contact_inboxes(db, [v.contact_id for v in views], inbox_id=actor.bot_inbox_id)
    return [
        presenters.contact(
            v, [presenters.contact_inbox(source, inbox) for source, inbox in identities.get(v.contact_id, [])]
        )
        for v in views
    ]


@endpoint
def show_contact(request, actor, body):
    view = contacts.get_contact(request.state.db, actor=actor, contact_id=request.path_params["contact_id"])
    return 200, {"payload": _contacts(request.state.db, actor, [view])[0]}


@endpoint
def update_contact(request, actor, body):
    data = shaped(body, bodies.UPDATE_CONTACT)
    view = contacts.update_contact(
        request.state.db, actor=actor, contact_id=request.path_params["contact_id"], changes=data
    )
    return 200, {"payload": _contacts(request.state.db, actor, [view])[0]}


@endpoint
def search_contacts(request, actor, body):
    page = int_param(request, "page", 1, minimum=1)
    views, total = contacts.search_contacts(request.state.db, actor=actor, q=text_param(request, "q"), page=page)
    # current_page is a string, as Chatwoot's swagger says (its server echoes the page parameter).
    meta = {"count": total, "current_page": str(page)}
    return 200, {"meta": meta, "payload": _contacts(request.state.db, actor, views)}


# Chatwoot's import: the file in `import_file`, administrators only, kept in memory up to the
# import's limit (it is read whole anyway).
_IMPORT_FILE = FormFiles(
    prepare=lambda db, actor, request: actor.require_admin(),
    open_file=lambda _, name: MemorySink(name, contact_csv.MAX_BYTES, "contacts.import.error.too_large"),
    finish=lambda _, sink: sink,
    fields=("import_file",),
    most=1,
    form_only=True,
)


@endpoint(files=_IMPORT_FILE)
def import_contacts(request, actor, body):
    """Chatwoot's POST .../contacts/import: the file is read and mapped automatically, and the
    import runs as a background job (its progress on the contacts import page)."""
    files = request.state.form_files
    if not files:
        raise ApiError(422, "contacts.import.error.no_file", field="import_file")
    db = request.state.db
    preview = contact_import.upload(db, actor=actor, data=files[0].data(), file_name=files[0].name)
    queued = contact_import.start(db, actor=actor, import_id=preview.view.import_id)
    return 200, {"id": queued.import_id, "status": queued.status, "total_rows": queued.total_rows}


# --- conversations --------------------------------------------------------------------------

# Chatwoot's assignee_type and the list filter each one means.
ASSIGNEE_TYPES = {"me": "mine", "unassigned": "unassigned", "assigned": "all", "all": "all"}


def _ids(request) -> tuple[int | None, int | None]:
    return int_param(request, "inbox_id", minimum=1), int_param(request, "team_id", minimum=1)


@endpoint
def list_conversations(request, actor, body):
    db = request.state.db
    status = choice_param(request, "status", STATUS_FILTERS, "open")
    inbox_id, team_id = _ids(request)
    ids = conversations.page_ids(
        db,
        actor=actor,
        status=status,
        assignee=ASSIGNEE_TYPES[choice_param(request, "assignee_type", list(ASSIGNEE_TYPES), "all")],
        inbox_id=inbox_id,
        team_id=team_id,
        page=int_param(request, "page", 1, minimum=1),
        labels=request.query_params.getlist("labels[]") or request.query_params.getlist("labels"),
        q=text_param(request, "q"),
    )
    rows = api_rows.conversations(db, ids, actor.user_id)
    meta = conversations.assignee_counts(db, actor=actor, status=status, inbox_id=inbox_id, team_id=team_id)
    shaped = [presenters.conversation(row, agent_emails=actor.sees_agent_emails) for row in rows]
    return 200, {"data": {"meta": meta, "payload": shaped}}


@endpoint
def conversation_meta(request, actor, body):
    inbox_id, team_id = _ids(request)
    meta = conversations.assignee_counts(
        request.state.db,
        actor=actor,
        status=choice_param(request, "status", STATUS_FILTERS, "open"),
        inbox_id=inbox_id,
        team_id=team_id,
    )
    return 200, {"meta": meta}


@endpoint
def create_conversation(request, actor, body):
    data = shaped(body, bodies.CREATE_CONVERSATION)
    data.pop("additional_attributes", None)
    data.pop("custom_attributes", None)
    conv = api_chat.create_conversation(request.state.db, actor=actor, **data)
    return 200, _shown(request, conv, actor)


def _shown(request, conv, actor) -> dict:
    rows = api_rows.conversation(request.state.db, conv.id, actor.user_id)
    return presenters.conversation(rows, agent_emails=actor.sees_agent_emails)


@endpoint
def show_conversation(request, actor, body):
    return 200, _shown(request, _conversation(request, actor), actor)


@endpoint
def toggle_status(request, actor, body):
    data = shaped(body, bodies.TOGGLE_STATUS)
    conv = _conversation(request, actor)
    snoozed = data.get("snoozed_until")  # a whole number or None (shaped)
    if snoozed is not None and not 0 <= snoozed <= bodies.SNOOZE_MAX:  # unix seconds up to the year 3000
        raise ApiError(422, "error.number_range", field="snoozed_until", min=0, max=bodies.SNOOZE_MAX)
    until = datetime.fromtimestamp(snoozed, UTC) if snoozed else None
    conversations.set_status(
        request.state.db, actor=actor, conversation_id=conv.id, status=data["status"], snoozed_until=until
    )
    return 200, {
        "meta": {},
        "payload": {
            "success": True,
            "conversation_id": conv.display_id,
            "current_status": conv.status,
            "snoozed_until": presenters.ts(conv.snoozed_until),
        },
    }


@endpoint
def toggle_priority(request, actor, body):
    data = shaped(body, bodies.TOGGLE_PRIORITY)
    conv = _conversation(request, actor)
    conversations.set_priority(request.state.db, actor=actor, conversation_id=conv.id, priority=data.get("priority"))
    return 200, {"payload": {"success": True, "conversation_id": conv.display_id, "priority": conv.priority}}


@endpoint
def assignments(request, actor, body):
    data = shaped(body, bodies.ASSIGNMENTS)
    if not data:
        raise ApiError(422, "error.required", field="assignee_id")
    conv = _conversation(request, actor)
    conversations.assign(
        request.state.db,
        actor=actor,
        conversation_id=conv.id,
        assignee_id=data.get("assignee_id", conv.assignee_id),
        team_id=data.get("team_id"),
    )
    if conv.assignee_id is None:
        return 200, None
    found = api_rows.agents(request.state.db, account_id=conv.account_id, user_ids=[conv.assignee_id])
    return 200, presenters.agent(found[conv.assignee_id], agent_emails=actor.sees_agent_emails)


@endpoint
def get_labels(request, actor, body):
    conv = _conversation(request, actor)
    return 200, {"payload": labels.conversation_labels(request.state.db, actor=actor, conversation_id=conv.id)}


@endpoint
def set_labels(request, actor, body):
    data = shaped(body, bodies.SET_LABELS)
    conv = _conversation(request, actor)
    titles = labels.set_conversation_labels(
        request.state.db, actor=actor, conversation_id=conv.id, titles=data["labels"]
    )
    return 200, {"payload": titles}


# --- messages -------------------------------------------------------------------------------


@endpoint
def list_messages(request, actor, body):
    db = request.state.db
    conv = _conversation(request, actor)
    rows = api_rows.conversation(db, conv.id)
    # The conversation is the actor's (visible_conversation above); private notes included.
    found = api_rows.messages_after(
        db, conv, after_id=int_param(request, "after", 0), limit=CATCH_UP_LIMIT, include_private=True
    )
    emails = actor.sees_agent_emails
    payload = [presenters.message(row, conv, rows.contact, rows.inbox, agent_emails=emails) for row in found]
    seen = conv.agent_last_seen_at.isoformat() if conv.agent_last_seen_at else None  # a time string here
    meta = {
        "labels": list(rows.labels),
        "additional_attributes": {},
        "contact_id": rows.contact.contact_id,
        "contact": {**presenters.contact(rows.contact), "type": "contact"},
        "assignee": presenters.agent(rows.assignee, agent_emails=emails) if rows.assignee else None,
        "agent_last_seen_at": seen,
        "assignee_last_seen_at": seen,
    }
    return 200, {"meta": meta, "payload": payload}


_MESSAGE_FILES = message_attachments(
    lambda db, actor, request: attachments.agent_uploader(
        db, actor=actor, display_id=request.path_params["conversation_id"]
    )
)


def _form_fields(fields: dict[str, str]) -> dict:
    """A multipart message's text fields as the JSON body would carry them (Chatwoot's clients
    send `private` as "true"/"false" and content_attributes as JSON text)."""
    body: dict = dict(fields)
    if "private" in body:
        flag = body["private"].strip().lower()
        body["private"] = True if flag in ("true", "1") else False if flag in ("false", "0", "") else body["private"]
    if "content_attributes" in body:
        try:
            body["content_attributes"] = json.loads(body["content_attributes"] or "{}")
        except ValueError as exc:
            raise ApiError(400, "api.error.malformed_json") from exc
    return body


@endpoint(files=_MESSAGE_FILES)
def create_message(request, actor, body):
    files = request.state.form_files
    if files is not None:
        body = _form_fields(body)
        body.setdefault("content", "")
    data = shaped(body, bodies.CREATE_MESSAGE)
    if data.pop("content_type", "text") != "text":
        raise ApiError(422, "error.invalid_choice", field="content_type")
    db = request.state.db
    # create_message finds the actor's conversation by its number (or refuses): looked up once.
    stored = api_chat.create_message(
        db, actor=actor, display_id=request.path_params["conversation_id"], attachments=files, **data
    )
    conv = db.get(Conversation, stored.conversation_id)
    contact, inbox = api_rows.speakers(db, conv.id)
    (row,) = api_rows.messages(db, [stored], conv.account_id)
    return 200, presenters.message(row, conv, contact, inbox, agent_emails=actor.sees_agent_emails)


@endpoint
def handoff(request, actor, body):
    """Kiko's one-call handoff: contact + transcript + reason, then the conversation is open."""
    from kiko_livechat.services.handoff import do_hand_off  # the route's own name is `handoff`

    data = shaped(body, bodies.HANDOFF)
    conv = do_hand_off(request.state.db, actor=actor, **data)
    return 201, _shown(request, conv, actor)


# --- account webhooks (administrators' personal tokens) -------------------------------------


def _webhook(view, account_id: int) -> dict:
    shaped = {
        "id": view.webhook_id,
        "account_id": account_id,
        "url": view.url,
        "subscriptions": list(view.subscriptions),
        "inbox_id": view.inbox_id,
    }
    return {**shaped, "secret": view.secret} if view.secret else shaped


@endpoint
def list_account_webhooks(request, actor, body):
    return 200, {
        "payload": {
            "webhooks": [_webhook(v, actor.account_id) for v in webhooks.list_webhooks(request.state.db, actor=actor)]
        }
    }


@endpoint
def create_account_webhook(request, actor, body):
    data = shaped(body, bodies.CREATE_WEBHOOK)
    return 200, {
        "payload": {
            "webhook": _webhook(webhooks.create_webhook(request.state.db, actor=actor, **data), actor.account_id)
        }
    }


@endpoint
def delete_account_webhook(request, actor, body):
    webhooks.delete_webhook(request.state.db, actor=actor, webhook_id=request.path_params["webhook_id"])
    return 200, {}


# --- the account's directory ----------------------------------------------------------------


@endpoint
def list_agents(request, actor, body):
    agents = directory.agents(request.state.db, actor=actor)
    return 200, [presenters.agent(row, agent_emails=actor.sees_agent_emails) for row in agents]


@endpoint
def list_teams(request, actor, body):
    return 200, [presenters.team(row) for row in directory.teams(request.state.db, actor=actor)]


@endpoint
def list_inboxes(request, actor, body):
    return 200, {"payload": [presenters.inbox(row) for row in directory.inboxes(request.state.db, actor=actor)]}


@endpoint
def profile(request, actor, body):
    db = request.state.db
    if actor.is_bot:
        return 200, presenters.agent_bot(db.get(Inbox, actor.bot_inbox_id))
    found = api_rows.agents(db, account_id=actor.account_id, user_ids=[actor.user_id])
    token = request.headers.get("api_access_token") or request.headers.get("api-access-token")
    return 200, presenters.profile(found[actor.user_id], api_rows.memberships(db, user_id=actor.user_id), token)


def routes() -> list[Route]:
    conv = BASE + "/conversations/{conversation_id:int}"
    return [
        Route("/api/v1/profile", profile, methods=["GET"]),
        Route(BASE + "/contacts", create_contact, methods=["POST"]),
        Route(BASE + "/contacts/search", search_contacts, methods=["GET"]),
        Route(BASE + "/contacts/import", import_contacts, methods=["POST"]),
        Route(BASE + "/contacts/{contact_id:int}", show_contact, methods=["GET"]),
        Route(BASE + "/contacts/{contact_id:int}", update_contact, methods=["PUT", "PATCH"]),
        Route(BASE + "/conversations", list_conversations, methods=["GET"]),
        Route(BASE + "/conversations", create_conversation, methods=["POST"]),
        Route(BASE + "/conversations/meta", conversation_meta, methods=["GET"]),
        Route(conv, show_conversation, methods=["GET"]),
        Route(conv + "/toggle_status", toggle_status, methods=["POST"]),
        Route(conv + "/toggle_priority", toggle_priority, methods=["POST"]),
        Route(conv + "/assignments", assignments, methods=["POST"]),
        Route(conv + "/labels", get_labels, methods=["GET"]),
        Route(conv + "/labels", set_labels, methods=["POST"]),
        Route(conv + "/messages", list_messages, methods=["GET"]),
        Route(conv + "/messages", create_message, methods=["POST"]),
        Route(BASE + "/handoffs", handoff, methods=["POST"]),
        Route(BASE + "/webhooks", list_account_webhooks, methods=["GET"]),
        Route(BASE + "/webhooks", create_account_webhook, methods=["POST"]),
        Route(BASE + "/webhooks/{webhook_id:int}", delete_account_webhook, methods=["DELETE"]),
        Route(BASE + "/agents", list_agents, methods=["GET"]),
        Route(BASE + "/teams", list_teams, methods=["GET"]),
        Route(BASE + "/inboxes", list_inboxes, methods=["GET"]),
        *label_routes.routes(),
    ]
