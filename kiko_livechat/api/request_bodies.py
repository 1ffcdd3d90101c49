"""The JSON body of each route, as the schema the OpenAPI document shows and the route checks.

The route checks the shape here (body.shaped: which fields, their JSON types, null only where
it means "not given" or "clear it", the required ones); lengths, patterns and choices are the
services' to check, with their own messages, and the document states them too (schemathesis
runs against the real app in the suite, so a difference between the two fails a test)."""

from kiko_livechat.api.params import ID_MAX
from kiko_livechat.services.canned_responses import CONTENT_MAX as CANNED_CONTENT_MAX
from kiko_livechat.services.canned_responses import SHORT_CODE_MAX as CANNED_CODE_MAX
from kiko_livechat.services.contacts import SOURCE_ID_MAX
from kiko_livechat.services.handoff import REASON_MAX, TRANSCRIPT_MAX
from kiko_livechat.services.labels import DESCRIPTION_MAX as LABEL_DESCRIPTION_MAX
from kiko_livechat.services.labels import LABELS_MAX, TITLE_MAX
from kiko_livechat.services.messages import CONTENT_MAX, ECHO_ID_MAX
from kiko_livechat.services.webhooks import EVENTS as WEBHOOK_EVENTS

# Unix seconds up to the year 3000.
SNOOZE_MAX = 32_503_680_000
PRIORITIES = ["low", "medium", "high", "urgent"]

ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
_NULLABLE_ID = {**ID, "nullable": True}
_TEXT = {"type": "string", "maxLength": 255, "nullable": True}
# The contact's id in the bot's channel: text, or a number (taken as its digits).
_SOURCE_ID = {
    "anyOf": [
        {"type": "string", "minLength": 1, "maxLength": SOURCE_ID_MAX, "pattern": "\\S"},
        {"type": "integer"},
    ]
}
_ATTRIBUTES = {"type": "object", "nullable": True}
CONTACT_FIELDS = {
    "name": _TEXT,
    # "" is no address, as null is.
    "email": {"type": "string", "maxLength": 254, "anyOf": [{"format": "email"}, {"maxLength": 0}], "nullable": True},
    "phone_number": {"type": "string", "maxLength": 20, "pattern": "^[0-9+ ()-]*$", "nullable": True},
    "identifier": _TEXT,
    "custom_attributes": _ATTRIBUTES,
}
_CONTENT = {"type": "string", "minLength": 1, "maxLength": CONTENT_MAX, "pattern": "\\S"}
_MESSAGE_TYPE = {"type": "string", "enum": ["incoming", "outgoing"]}


def body(properties: dict, *required: str, **more) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False, **more}
    if required:
        schema["required"] = list(required)
    return schema


CREATE_CONTACT = body({**CONTACT_FIELDS, "inbox_id": _NULLABLE_ID, "source_id": {**_SOURCE_ID, "nullable": True}})
UPDATE_CONTACT = body(CONTACT_FIELDS)
CREATE_CONVERSATION = body(
    {
        "source_id": {**_SOURCE_ID, "nullable": True},
        "inbox_id": ID,
        "contact_id": _NULLABLE_ID,
        "status": {"type": "string", "enum": ["open", "pending", None], "nullable": True},
        "message": {**body({"content": _CONTENT, "message_type": _MESSAGE_TYPE}, "content"), "nullable": True},
        # Accepted as Chatwoot's bots send them; Kiko keeps no attributes on conversations.
        "additional_attributes": _ATTRIBUTES,
        "custom_attributes": _ATTRIBUTES,
    },
    "inbox_id",
    # The contact: by its source_id in the inbox, or by its id.
    anyOf=[
        {"required": ["source_id"], "properties": {"source_id": _SOURCE_ID}},
        {"required": ["contact_id"], "properties": {"contact_id": ID}},
    ],
)
TOGGLE_STATUS = body(
    {
        "status": {"type": "string", "enum": ["open", "pending", "resolved", "snoozed"]},
        "snoozed_until": {
            "type": "integer",
            "minimum": 0,
            "maximum": SNOOZE_MAX,
            "nullable": True,
            "description": "unix seconds; with status snoozed",
        },
    },
    "status",
)
TOGGLE_PRIORITY = body({"priority": {"type": "string", "enum": [*PRIORITIES, None], "nullable": True}})
ASSIGNMENTS = body(
    {"assignee_id": {**_NULLABLE_ID, "description": "null: nobody"}, "team_id": _NULLABLE_ID}, minProperties=1
)
SET_LABELS = body(
    {
        "labels": {
            "type": "array",
            "maxItems": LABELS_MAX,
            "items": {"type": "string", "pattern": "^[\\w-]{1,50}$"},
        }
    },
    "labels",
)
_LABEL_FIELDS = {
    "title": {
        "type": "string",
        "maxLength": TITLE_MAX,
        "pattern": "^[\\w-]{1,50}$",
        "description": "lower-case letters, digits, - and _ (upper case is lowered); unique in the account",
    },
    "description": {"type": "string", "maxLength": LABEL_DESCRIPTION_MAX, "nullable": True},
    "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "nullable": True},
    "show_on_sidebar": {"type": "boolean", "nullable": True},
}
CREATE_LABEL = body(_LABEL_FIELDS, "title")
UPDATE_LABEL = body(_LABEL_FIELDS)
CREATE_MESSAGE = body(
    {
        "content": _CONTENT,
        "message_type": _MESSAGE_TYPE,
        "private": {"type": "boolean"},
        "content_attributes": _ATTRIBUTES,
        "echo_id": {"type": "string", "maxLength": ECHO_ID_MAX, "nullable": True},
        "content_type": {"type": "string", "enum": ["text"]},
    },
    "content",
)
HANDOFF = body(
    {
        "inbox_id": ID,
        "contact": body({**CONTACT_FIELDS, "source_id": {**_SOURCE_ID, "nullable": True}}),
        "transcript": {
            "type": "array",
            "maxItems": TRANSCRIPT_MAX,
            "items": body({"content": _CONTENT, "message_type": _MESSAGE_TYPE}, "content"),
        },
        "reason": {"type": "string", "maxLength": REASON_MAX},
    },
    "inbox_id",
    "contact",
)
CREATE_WEBHOOK = body(
    {
        "url": {"type": "string", "format": "uri", "maxLength": 2000, "pattern": "^https?://[^/?#]"},
        "subscriptions": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(WEBHOOK_EVENTS)},
            "nullable": True,
        },
        "inbox_id": _NULLABLE_ID,
    },
    "url",
)
_CANNED_FIELDS = {
    # Stored without the slash; one typed in front is taken off.
    "short_code": {"type": "string", "pattern": f"^/?[\\w-]{{1,{CANNED_CODE_MAX}}}$"},
    "content": {"type": "string", "minLength": 1, "maxLength": CANNED_CONTENT_MAX, "pattern": "\\S"},
}
# POST needs both fields, PATCH either (the service says which is missing); Rails' wrapped form
# {canned_response: {...}} is taken too. `personal` (Kiko's): only its author sees it.
CANNED_RESPONSE = body(
    {
        **_CANNED_FIELDS,
        "personal": {"type": "boolean", "description": "only the token's user sees and manages it"},
        "canned_response": body(_CANNED_FIELDS),
    }
)
