"""Chatwoot's published interface, written down in our own words as response contracts.

Read from the swagger files of the public repository chatwoot/chatwoot (each schema names the
file and the commit of the revision read) and, for webhook bodies, which swagger does not
describe, from ../shared/reference/chatwoot.md (sections "Application API" and "Webhooks").
The index holds several revisions of these files; where they differ, the comment says which
one is used and why (the bundled tag_groups/application_swagger.json @ 199f6d0f… unless noted).

A schema is a plain dict: {"type": <JSON type or tuple of types>, "nullable": bool, "enum": [...],
"props": {name: schema} for objects, "items": schema for arrays, "name": "<schema name>"}.
`validate(schema, value)` walks both and returns every difference as "path: problem":
- every property listed must be present, with a value of the declared JSON type and enum;
- null only where swagger says nullable, or where the data is genuinely optional (OPTIONAL_DATA);
- ids are never null.
Properties beyond the listed ones are allowed (Chatwoot answers carry more than swagger lists).
"""

from collections.abc import Callable

# --- the validator --------------------------------------------------------------------------

_JSON_TYPES = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
# Ids are never null, whatever a schema or the allow-list says.
NEVER_NULL = frozenset({"id", "account_id", "inbox_id", "conversation_id", "contact_id"})

# Null accepted although swagger does not mark the field nullable, because the data is genuinely
# optional: {schema name: {fields}}. Keep this short; every entry says why.
OPTIONAL_DATA = {
    # No snooze, no reply yet, nobody waiting, no priority, no SLA, no message yet.
    "conversation": {"snoozed_until", "first_reply_created_at", "waiting_since", "priority", "sla_policy_id",
                     "applied_sla", "last_non_activity_message"},
    # An unassigned conversation has no assignee, no assignee type, no team.
    "conversation.meta": {"assignee", "assignee_type", "team"},
    # A contact without email, phone or identifier (contact_list_item marks these nullable).
    "conversation.meta.sender": {"email", "phone_number", "identifier", "last_activity_at"},
    # Activity lines are the system's own: no sender (every other message must have one, see below).
    "message": {"sender", "sender_type", "sender_id"},
    # An agent without a custom role.
    "agent": {"custom_role_id"},
    # A user who signed up on their own was invited by nobody; Kiko's dashboard has its own
    # real-time channel, so there is no pub/sub token to hand out.
    "user": {"inviter_id", "pubsub_token"},
    # "Contact inbox details when an inbox is provided" (contact_create_response.yml).
    "contact_create_response.payload": {"contact_inbox"},
}  # fmt: skip


def validate(schema: dict, value: object, path: str = "$") -> list[str]:
    """Every difference between `value` and `schema`, as "path: problem"."""
    types = schema["type"] if isinstance(schema["type"], tuple) else (schema["type"],)
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: null, expected {'|'.join(types)}"]
    if not any(_JSON_TYPES[t](value) for t in types):
        return [f"{path}: {type(value).__name__} {_short(value)}, expected {'|'.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{path}: {_short(value)} not one of {schema['enum']}"]
    errors = []
    if isinstance(value, dict):
        optional = OPTIONAL_DATA.get(schema.get("name", ""), set())
        for key, child in schema.get("props", {}).items():
            where = f"{path}.{key}"
            if key not in value:
                errors.append(f"{where}: missing")
            elif value[key] is None and key in NEVER_NULL:
                errors.append(f"{where}: null, but ids are never null")
            elif value[key] is None and key in optional:
                continue
            else:
                errors += validate(child, value[key], where)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(schema["items"], item, f"{path}[{i}]")
    check: Callable | None = schema.get("check")
    return errors + (check(value, path) if check else [])


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- building blocks ------------------------------------------------------------------------


def t(type_: str | tuple, *, null: bool = False, enum: list | None = None) -> dict:
    node = {"type": type_, "nullable": null}
    return {**node, "enum": enum + ([None] if null else [])} if enum else node


def obj(name: str, props: dict, *, null: bool = False, check: Callable | None = None) -> dict:
    return {"type": "object", "nullable": null, "name": name, "props": props, "check": check}


def arr(items: dict, *, null: bool = False) -> dict:
    return {"type": "array", "nullable": null, "items": items}


ANY_OBJECT = t("object")  # swagger declares a success without a body: any JSON object will do
STR, INT, NUM, BOOL, OBJ = t("string"), t("integer"), t("number"), t("boolean"), t("object")
STRINGS = arr(STR)


# --- Application API resources --------------------------------------------------------------

# swagger/definitions/resource/agent.yml @ 2d26a54682694b1a4eab91d76bcc7f2a374c30b4 (the same in
# swagger/tag_groups/application_swagger.json @ 199f6d0f52210a6e21c7094bd5825fcb8a0a0504).
AGENT = obj("agent", {
    "id": INT,
    "account_id": INT,
    "availability_status": t("string", enum=["available", "busy", "offline"]),
    "auto_offline": BOOL,
    "confirmed": BOOL,
    # DEVIATION: null for a bot token. Kiko's bots know agents by name only (an agent's address is
    # for the people of the account, not for a customer's chatbot: Actor.sees_agent_emails);
    # the field stays, so a client reading Chatwoot's shape finds it. Personal tokens get the
    # address (test_chatwoot_contracts checks both on GET agents).
    "email": t("string", null=True),
    "available_name": STR,
    "name": STR,
    "role": t("string", enum=["agent", "administrator"]),
    "thumbnail": STR,
    "custom_role_id": INT,
})  # fmt: skip

# application_swagger.json @ 199f6d0f… components.schemas.user (GET /api/v1/profile answers it,
# swagger/paths/profile/index.yml @ 0193afb8b5280e19f79e6bf467b8c79eaea6a3a9).
USER = obj("user", {
    "id": NUM,
    "access_token": STR,
    "account_id": NUM,
    "available_name": STR,
    "avatar_url": STR,
    "confirmed": BOOL,
    "display_name": t("string", null=True),
    "message_signature": t("string", null=True),
    "email": STR,
    "hmac_identifier": STR,
    "inviter_id": NUM,
    "name": STR,
    "provider": STR,
    "pubsub_token": STR,
    "role": t("string", enum=["agent", "administrator"]),
    "ui_settings": OBJ,
    "uid": STR,
    "type": t("string", null=True),
    "custom_attributes": OBJ,
    "accounts": arr(obj("user.accounts", {
        "id": NUM,
        "name": STR,
        "status": STR,
        "active_at": STR,
        "role": t("string", enum=["administrator", "agent"]),
        "permissions": STRINGS,
        "availability": STR,
        "availability_status": STR,
        "auto_offline": BOOL,
        "custom_role_id": t("number", null=True),
        "custom_role": t("object", null=True),
    })),
})  # fmt: skip

# swagger/definitions/resource/team.yml @ 2d24ed01c93142a413a6d53dcc55f4a0a91381bb
TEAM = obj("team", {
    "id": NUM,
    "name": STR,
    "description": t("string", null=True),
    "allow_auto_assign": BOOL,
    "account_id": NUM,
    "is_member": BOOL,
})  # fmt: skip

# swagger/definitions/resource/inbox.yml @ 04a3695d836c7e016eca8b19461fa24e950789de
_NULLABLE_STRING = t("string", null=True)
INBOX = obj("inbox", {
    "id": NUM,
    "name": STR,
    "website_url": STR,
    **dict.fromkeys(
        ["page_id", "instagram_id", "business_id", "profile_id", "line_channel_id", "email", "bot_name",
         "inbox_identifier"], _NULLABLE_STRING),
    "channel_type": STR,
    "avatar_url": STR,
    "widget_color": STR,
    "website_token": STR,
    "enable_auto_assignment": BOOL,
    "web_widget_script": STR,
    "welcome_title": _NULLABLE_STRING,
    "welcome_tagline": _NULLABLE_STRING,
    "greeting_enabled": BOOL,
    "greeting_message": _NULLABLE_STRING,
    "channel_id": NUM,
    "working_hours_enabled": BOOL,
    "enable_email_collect": BOOL,
    "csat_survey_enabled": BOOL,
    "auto_assignment_config": OBJ,
    "out_of_office_message": _NULLABLE_STRING,
    "working_hours": arr(obj("inbox.working_hours", {
        "day_of_week": NUM,
        "closed_all_day": BOOL,
        "open_hour": t("number", null=True),
        "open_minutes": t("number", null=True),
        "close_hour": t("number", null=True),
        "close_minutes": t("number", null=True),
        "open_all_day": BOOL,
    })),
    "timezone": STR,
    "callback_webhook_url": _NULLABLE_STRING,
    "allow_messages_after_resolved": BOOL,
    "lock_to_single_conversation": BOOL,
    "sender_name_type": STR,
    "business_name": _NULLABLE_STRING,
    "branded_email_layout": _NULLABLE_STRING,
    "hmac_mandatory": BOOL,
    "selected_feature_flags": arr(STR, null=True),
    "reply_time": STR,
    "messaging_service_sid": _NULLABLE_STRING,
    "phone_number": _NULLABLE_STRING,
    "medium": STR,
    "provider": _NULLABLE_STRING,
})  # fmt: skip

# swagger/definitions/resource/webhook.yml @ 0a676d0bf76e0ed7d2051703dc257b1bc94c3275
WEBHOOK_EVENTS = [
    "conversation_created", "conversation_status_changed", "conversation_updated", "contact_created",
    "contact_updated", "contact_won", "message_created", "message_updated", "webwidget_triggered",
]  # fmt: skip
WEBHOOK = obj("webhook", {
    "id": NUM,
    "url": STR,
    "subscriptions": arr(t("string", enum=WEBHOOK_EVENTS)),
    "account_id": NUM,
})  # fmt: skip

# swagger/definitions/resource/contact_inbox.yml @ 2d24ed01c93142a413a6d53dcc55f4a0a91381bb
CONTACT_INBOX = obj("contact_inbox", {
    "source_id": STR,
    "inbox": obj("contact_inbox.inbox", {
        "id": INT,
        "avatar_url": STR,
        "channel_id": INT,
        "name": STR,
        "channel_type": STR,
        "provider": t("string", null=True),
    }),
})  # fmt: skip

# swagger/definitions/resource/contact_list_item.yml @ 06748372a0848cac49e3c927c849f3bdcc2c7ca0.
# Its additional_attributes lists city/country/country_code/created_at_ip: keys of a free-form bag
# that only a widget visitor's browser fills, so the bag itself is checked, not those keys.
_CONTACT_FIELDS = {
    "additional_attributes": OBJ,
    "availability_status": t("string", enum=["online", "offline"]),
    "email": t("string", null=True),
    "id": INT,
    "name": STR,
    "phone_number": t("string", null=True),
    "blocked": BOOL,
    "identifier": t("string", null=True),
    "thumbnail": STR,
    "custom_attributes": OBJ,
    "last_activity_at": t("integer", null=True),
    "created_at": INT,
}
CONTACT = obj("contact", {**_CONTACT_FIELDS, "contact_inboxes": arr(CONTACT_INBOX)})

# swagger/definitions/resource/contact_create_response.yml @ 256bcd96b2fcb2ba9b54b7ed55179294a00643ef
# (POST contacts, swagger/paths/application/contacts/list_create.yml @ 256bcd96…)
CONTACT_CREATE_RESPONSE = obj("contact_create_response", {
    "payload": obj("contact_create_response.payload", {"contact": CONTACT, "contact_inbox": CONTACT_INBOX}),
})  # fmt: skip
# contact_show_response.yml @ f771df85b196faab4f4db7778f406ed89a369442 and contact_update_response.yml
# @ ebc5fca2706a8505dfd92c757262f10a1a3588f7 (GET/PUT contacts/{id}, paths/application/contacts/crud.yml
# @ 256bcd96…): both {payload: contact_list_item}.
CONTACT_SHOW_RESPONSE = obj("contact_show_response", {"payload": CONTACT})
# contacts_list_response.yml @ f771df85… with contact_meta.yml @ 2488970abbc91ea739f624641fd1734cddea034c
# (GET contacts/search, paths/application/contacts/search.yml @ 2d26a54682694b1a4eab91d76bcc7f2a374c30b4).
CONTACTS_LIST_RESPONSE = obj("contacts_list_response", {
    "meta": obj("contact_meta", {"count": INT, "current_page": STR}),
    "payload": arr(CONTACT),
})  # fmt: skip

# The issue: a message's sender carries id, name, thumbnail and type; the sender of Chatwoot's
# contact_conversation_message (application_swagger.json @ 199f6d0f…) lists them too.
SENDER_TYPES = ["contact", "user", "agent_bot"]
MESSAGE_SENDER = obj("message.sender", {
    "id": INT,
    "name": STR,
    "thumbnail": STR,
    "type": t("string", enum=SENDER_TYPES),
})  # fmt: skip

# What the polymorphic sender_type says about sender.type, and which message types need a sender.
_SENDER_TYPE_OF = {"Contact": "contact", "User": "user", "AgentBot": "agent_bot"}
_INCOMING, _ACTIVITY = (0, "incoming"), (2, "activity")


def _sender_matches(message: dict, path: str) -> list[str]:
    """A message other than an activity line has a sender; an incoming one is the contact's; the
    sender object agrees with sender_type / sender_id."""
    kind, sender = message.get("message_type"), message.get("sender")
    if kind in _ACTIVITY:
        return []
    if not isinstance(sender, dict):
        return [f"{path}.sender: {_short(sender)}, but a {kind!r} message has a sender"]
    errors = []
    if kind in _INCOMING and sender.get("type") != "contact":
        errors.append(f"{path}.sender.type: {sender.get('type')!r}, but an incoming message is the contact's")
    if "sender_type" in message and _SENDER_TYPE_OF.get(message["sender_type"]) != sender.get("type"):
        errors.append(f"{path}.sender.type: {sender.get('type')!r} disagrees with sender_type "
                      f"{message['sender_type']!r}")  # fmt: skip
    if "sender_id" in message and message["sender_id"] != sender.get("id"):
        errors.append(f"{path}.sender.id: {sender.get('id')!r} disagrees with sender_id {message['sender_id']!r}")
    return errors


# swagger/definitions/resource/message.yml @ 06748372a0848cac49e3c927c849f3bdcc2c7ca0 (the revision
# with sender_type as Chatwoot's model names and the nullable fields marked; the bundled
# application_swagger.json @ 199f6d0f… has the same fields). The API says message_type as a number.
MESSAGE = obj("message", {
    "id": NUM,
    "content": STR,
    "account_id": NUM,
    "inbox_id": NUM,
    "conversation_id": NUM,
    "message_type": t("integer", enum=[0, 1, 2]),
    "created_at": INT,
    "updated_at": t(("integer", "string")),
    "private": BOOL,
    "status": t("string", null=True, enum=["sent", "delivered", "read", "failed"]),
    "source_id": t("string", null=True),
    "content_type": t("string", null=True, enum=["text", "input_select", "cards", "form"]),
    "content_attributes": OBJ,
    "sender_type": t("string", enum=["Contact", "User", "AgentBot"]),
    "sender_id": NUM,
    "external_source_ids": OBJ,
    "additional_attributes": OBJ,
    "processed_message_content": t("string", null=True),
    "sentiment": t("object", null=True),
    "conversation": t("object", null=True),
    "attachment": t("object", null=True),
    "sender": MESSAGE_SENDER,
}, check=_sender_matches)  # fmt: skip

# application_swagger.json @ 199f6d0f… components.schemas.conversation + the meta of
# conversation_list / conversation_show. Two deliberate readings:
# - meta.assignee: swagger points at `user` (the profile, with access_token and pubsub_token);
#   the agent resource is used, as for the messages' meta.assignee (paths/.../messages/index.yml).
# - meta.team and meta.assignee_type are not in swagger; chatwoot.md (Application API) lists them.
#   meta.team is the team resource (team.yml), which is what Chatwoot's conversation view renders
#   there (app/views/api/v1/conversations/partials/_conversation.json.jbuilder @ 0288fc44fb1b…).
CONVERSATION_SENDER = obj("conversation.meta.sender", {
    "additional_attributes": OBJ,
    "availability_status": STR,
    "email": STR,
    "id": NUM,
    "name": STR,
    "phone_number": STR,
    "blocked": BOOL,
    "identifier": STR,
    "thumbnail": STR,
    "custom_attributes": OBJ,
    "last_activity_at": NUM,
    "created_at": NUM,
})  # fmt: skip
_CONVERSATION_META = obj("conversation.meta", {
    "sender": CONVERSATION_SENDER,
    "channel": STR,
    "assignee": AGENT,
    "assignee_type": STR,
    "team": TEAM,
    "hmac_verified": BOOL,
})  # fmt: skip
_CONVERSATION_FIELDS = {
    "id": NUM,
    "messages": arr(MESSAGE),
    "account_id": NUM,
    "uuid": STR,
    "additional_attributes": OBJ,
    "agent_last_seen_at": NUM,
    "assignee_last_seen_at": NUM,
    "can_reply": BOOL,
    "contact_last_seen_at": NUM,
    "custom_attributes": OBJ,
    "inbox_id": NUM,
    "labels": STRINGS,
    "muted": BOOL,
    "snoozed_until": NUM,
    "status": t("string", enum=["open", "resolved", "pending"]),
    "created_at": NUM,
    "updated_at": NUM,
    # DEVIATION from swagger (string): Chatwoot's server sends the last activity as unix seconds
    # (_conversation.json.jbuilder), and so does Kiko; a client reading Chatwoot reads it as a number.
    "timestamp": INT,
    "first_reply_created_at": NUM,
    "unread_count": NUM,
    "last_non_activity_message": MESSAGE,
    "last_activity_at": NUM,
    "priority": STR,
    "waiting_since": NUM,
    "sla_policy_id": NUM,
    "applied_sla": OBJ,
    "sla_events": arr(OBJ),
}
CONVERSATION = obj("conversation", {**_CONVERSATION_FIELDS, "meta": _CONVERSATION_META})

# conversation_list (paths/application/conversation/index.yml @ 0193afb8…, GET).
_COUNTS = {"mine_count": NUM, "unassigned_count": NUM, "assigned_count": NUM, "all_count": NUM}
CONVERSATION_LIST = obj("conversation_list", {
    "data": obj("conversation_list.data", {"meta": obj("conversation_list.meta", _COUNTS),
                                           "payload": arr(CONVERSATION)}),
})  # fmt: skip
# paths/application/conversation/meta.yml @ 444668c646931e026a56bfe14c54a5b3d1661b94
CONVERSATION_META_RESPONSE = obj("conversation_meta_response", {"meta": obj("counts", _COUNTS)})
# POST conversations (paths/application/conversation/index.yml @ 0193afb8…): only these three.
CONVERSATION_CREATED = obj("conversation_created", {"id": NUM, "account_id": NUM, "inbox_id": NUM})
# paths/application/conversation/toggle_status.yml @ 0193afb8…
STATUS_TOGGLE = obj("conversation_status_toggle", {
    "meta": OBJ,
    "payload": obj("conversation_status_toggle.payload", {
        "success": BOOL,
        "current_status": t("string", enum=["open", "resolved", "pending", "snoozed"]),
        "conversation_id": NUM,
    }),
})  # fmt: skip
# swagger/definitions/resource/extension/conversation/labels.yml @ c772c0af038041907ab30abdc61c35b8581f5974
CONVERSATION_LABELS = obj("conversation_labels", {"payload": STRINGS})

# GET messages: paths/application/conversation/messages/index.yml @ 0d2cc75ac1464f817b072e1358da937abfbabfe6.
# Its meta.contact points at `contact`, which is a {payload: [...]} list wrapper; the contact_detail
# of conversation_meta.yml @ 182b0d26137940f0bf30b441dd02935e0efee4e2 (the meta of
# conversation_messages) is used instead, with that file's nullable marks.
CONTACT_DETAIL = obj("contact_detail", {
    "additional_attributes": OBJ,
    "custom_attributes": OBJ,
    "email": STR,
    "id": INT,
    "identifier": t("string", null=True),
    "name": STR,
    "phone_number": t("string", null=True),
    "thumbnail": STR,
    "blocked": BOOL,
    "type": t("string", enum=["contact"]),
})  # fmt: skip
MESSAGES_RESPONSE = obj("messages_response", {
    "meta": obj("messages_response.meta", {
        "labels": STRINGS,
        "additional_attributes": OBJ,
        "contact": CONTACT_DETAIL,
        "assignee": {**AGENT, "nullable": True},
        "agent_last_seen_at": t("string", null=True),
        "assignee_last_seen_at": t("string", null=True),
    }),
    "payload": arr(MESSAGE),
})  # fmt: skip

# GET inboxes: application_swagger.json @ 199f6d0f… ({payload: [inbox]}).
INBOX_LIST = obj("inbox_list", {"payload": arr(INBOX)})
# GET agents / GET teams: top-level arrays (application_swagger.json @ 199f6d0f…).
AGENT_LIST = arr(AGENT)
TEAM_LIST = arr(TEAM)
# GET webhooks: swagger says a top-level array (paths/application/webhooks/index.yml @ 444668c6…) and
# POST the webhook itself (webhooks/create.yml @ 0193afb8…). DEVIATION: Chatwoot's server answers
# {payload: {webhooks: [...]}} and {payload: {webhook: {...}}} (webhooks/index.json.jbuilder and
# create.json.jbuilder @ f771df85…); Kiko answers as the server does, so clients written against a
# running Chatwoot keep working. DELETE answers 200 without a body.
# swagger/definitions/resource/label.yml @ 8c4161a4b80d1da24c158aa47e4b18383d204b14; GET labels answers
# {payload: [label]} (paths/application/labels/index.yml @ 0193afb8…), POST/GET/PATCH the label itself
# (create.yml, show.yml, update.yml); DELETE answers 200 without a body.
LABEL = obj("label", {"id": NUM, "title": STR, "description": STR, "color": STR, "show_on_sidebar": BOOL})
LABEL_LIST = obj("label_list", {"payload": arr(LABEL)})
WEBHOOK_LIST = obj("webhook_list", {"payload": obj("webhook_list.payload", {"webhooks": arr(WEBHOOK)})})
WEBHOOK_CREATED = obj("webhook_created", {"payload": obj("webhook_created.payload", {"webhook": WEBHOOK})})

# GET /api/v1/profile with a bot token: swagger offers the profile to users only; Kiko answers the
# bot as Chatwoot's agent bot (swagger/definitions/resource/agent_bot.yml @ 49e318b0…): a Kiko bot is
# its API inbox.
AGENT_BOT = obj("agent_bot", {
    "id": NUM,
    "name": STR,
    "description": STR,
    "account_id": NUM,
    "outgoing_url": STR,
})  # fmt: skip


# --- webhook bodies (chatwoot.md, "Webhooks") -----------------------------------------------

_ACCOUNT_BRIEF = obj("account_brief", {"id": INT, "name": STR})
# chatwoot.md names meta.team without its fields: at least the team's id and name.
TEAM_BRIEF = obj("conversation.meta.team", {"id": INT, "name": STR})
_INBOX_BRIEF = obj("inbox_brief", {"id": INT, "name": STR})

# "Conversation payload (push_data)": the listed fields; timestamps as the API's (unix seconds).
WEBHOOK_CONVERSATION = obj("conversation", {
    "additional_attributes": OBJ,
    "can_reply": BOOL,
    "channel": STR,
    "contact_inbox": OBJ,
    "id": INT,
    "inbox_id": INT,
    "messages": arr(MESSAGE),
    "labels": STRINGS,
    "meta": obj("conversation.meta", {
        "sender": CONVERSATION_SENDER,
        "assignee": AGENT,
        "assignee_type": STR,
        "team": TEAM_BRIEF,
        "hmac_verified": BOOL,
    }),
    "status": t("string", enum=["open", "resolved", "pending", "snoozed"]),
    "custom_attributes": OBJ,
    "snoozed_until": NUM,
    "unread_count": INT,
    "first_reply_created_at": NUM,
    "priority": STR,
    "waiting_since": NUM,
    **dict.fromkeys(["agent_last_seen_at", "contact_last_seen_at", "last_activity_at", "timestamp", "created_at"],
                    NUM),
})  # fmt: skip


def webhook_conversation_event(event: str, *, changed: bool) -> dict:
    """conversation_created / _status_changed / _updated: the push data plus `event`, and for the
    last two `changed_attributes`."""
    props = {**WEBHOOK_CONVERSATION["props"], "event": t("string", enum=[event])}
    return obj("conversation", {**props, "changed_attributes": arr(OBJ)} if changed else props)


# "Message payload (webhook_data)": message_type a word here, unlike the API's number.
WEBHOOK_MESSAGE_CREATED = obj("message", {
    "event": t("string", enum=["message_created"]),
    "account": _ACCOUNT_BRIEF,
    "inbox": _INBOX_BRIEF,
    "conversation": WEBHOOK_CONVERSATION,
    "sender": MESSAGE_SENDER,
    "id": INT,
    "content": STR,
    "content_type": STR,
    "content_attributes": OBJ,
    "additional_attributes": OBJ,
    "message_type": t("string", enum=["incoming", "outgoing", "activity", "template"]),
    "private": BOOL,
    "source_id": t("string", null=True),
    "created_at": t(("integer", "string")),  # chatwoot.md gives no type for it
    "attachments": arr(OBJ),
}, check=_sender_matches)  # fmt: skip


def webhook_contact_event(event: str) -> dict:
    """contact_created / contact_updated: chatwoot.md names the events but not the body; the contact
    resource (contact_list_item) with `event` and the account, as every Chatwoot webhook carries."""
    return obj("contact", {**_CONTACT_FIELDS, "event": t("string", enum=[event]), "account": _ACCOUNT_BRIEF})


WEBHOOK_EVENTS_CONTRACTS = {
    "message_created": WEBHOOK_MESSAGE_CREATED,
    "conversation_created": webhook_conversation_event("conversation_created", changed=False),
    "conversation_status_changed": webhook_conversation_event("conversation_status_changed", changed=True),
    "conversation_updated": webhook_conversation_event("conversation_updated", changed=True),
    "contact_created": webhook_contact_event("contact_created"),
    "contact_updated": webhook_contact_event("contact_updated"),
}


# --- errors ---------------------------------------------------------------------------------


def error_problems(status: int, body: object) -> list[str]:
    """Chatwoot answers refusals with a 4xx and {"error": "..."} or {"message": "...",
    "attributes": [...]} (chatwoot.md; the 422 of paths/.../toggle_priority.yml @ 05e9e186…
    declares `error` as the required string)."""
    errors = [] if 400 <= status < 500 else [f"status {status}, expected 4xx"]
    if not isinstance(body, dict):
        return [*errors, f"$: {_short(body)}, expected an object"]
    has_error = isinstance(body.get("error"), str)
    has_message = isinstance(body.get("message"), str) and isinstance(body.get("attributes"), list)
    if not (has_error or has_message):
        errors.append(f"$: {_short(body)} has neither error nor message+attributes")
    return errors
