"""The JSON the API answers, as OpenAPI 3.0 schemas (components.schemas of /api/openapi.json).

They follow services/chatwoot_json.py, which shapes every answer; the suite runs schemathesis
against the document, so an answer that leaves its schema fails a test. Answers may carry more
properties than listed (as Chatwoot's do); the listed ones are there with these types."""

from kiko_livechat.api.request_bodies import PRIORITIES
from kiko_livechat.services.conversations import STATUS_FILTERS
from kiko_livechat.services.webhooks import EVENTS as WEBHOOK_EVENTS

STATUSES = [s for s in STATUS_FILTERS if s != "all"]

INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
OBJ = {"type": "object"}
TIME = {"type": "integer", "description": "unix seconds"}


def ref(name: str, *, nullable: bool = False) -> dict:
    # OpenAPI 3.0 ignores siblings of $ref: a nullable reference is an allOf of one.
    return {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "nullable": True} if nullable else {"$ref": _at(name)}


def _at(name: str) -> str:
    return f"#/components/schemas/{name}"


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def obj(properties: dict, *, required: tuple[str, ...] | None = None) -> dict:
    """An object with these properties (all of them required unless `required` names fewer)."""
    return {"type": "object", "properties": properties, "required": list(required or properties)}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


ERROR = obj({"error": STR, "message": STR, "field": STR}, required=("error", "message"))
AGENT = obj(
    {
        "id": INT,
        "account_id": INT,
        "name": STR,
        "available_name": STR,
        # A bot token sees agents without their e-mail addresses: null then (the field stays,
        # as client libraries written for Chatwoot expect it).
        "email": nullable(STR),
        "role": nullable({"type": "string", "enum": ["agent", "administrator", None]}),
        "availability_status": {"type": "string", "enum": ["available", "busy", "offline"]},
        "auto_offline": BOOL,
        "confirmed": BOOL,
        "thumbnail": STR,
        "custom_role_id": nullable(INT),
    },
    required=("id", "account_id", "name", "available_name", "email", "role", "availability_status"),
)
PROFILE = {
    "allOf": [
        ref("Agent"),
        obj(
            {
                "access_token": STR,
                "accounts": array(
                    obj(
                        {
                            "id": INT,
                            "name": STR,
                            "status": {"type": "string", "enum": ["active", "inactive"]},
                            "role": STR,
                        }
                    )
                ),
            }
        ),
    ]
}
AGENT_BOT = obj(
    {
        "id": INT,
        "type": {"type": "string", "enum": ["agent_bot"]},
        "name": STR,
        "description": STR,
        "account_id": INT,
        "inbox_id": INT,
        "outgoing_url": STR,
    }
)
TEAM = obj(
    {
        "id": INT,
        "name": STR,
        "description": nullable(STR),
        "allow_auto_assign": BOOL,
        "account_id": INT,
        "is_member": BOOL,
    }
)
INBOX_BRIEF = obj(
    {
        "id": INT,
        "name": STR,
        "channel_id": INT,
        "channel_type": {"type": "string", "enum": ["Channel::Api", "Channel::WebWidget"]},
        "avatar_url": STR,
        "provider": nullable(STR),
    }
)
INBOX = {
    "allOf": [
        ref("InboxBrief"),
        obj(
            {
                "greeting_message": nullable(STR),
                "greeting_enabled": BOOL,
                "website_token": STR,
                "webhook_url": nullable(STR),
                "enable_auto_assignment": BOOL,
                "inbox_identifier": STR,
            }
        ),
    ]
}
CONTACT_INBOX = obj({"source_id": STR, "inbox": ref("InboxBrief")})
CONTACT = obj(
    {
        "id": INT,
        "name": STR,
        "email": nullable(STR),
        "phone_number": nullable(STR),
        "identifier": nullable(STR),
        "blocked": BOOL,
        "availability_status": {"type": "string", "enum": ["online", "offline"]},
        "additional_attributes": OBJ,
        "custom_attributes": OBJ,
        "created_at": TIME,
        "last_activity_at": nullable(TIME),
        "thumbnail": STR,
        "contact_inboxes": array(ref("ContactInbox")),
    },
    required=("id", "name", "email", "phone_number", "identifier", "custom_attributes", "created_at"),
)
MESSAGE = obj(
    {
        "id": INT,
        "content": nullable(STR),
        "account_id": INT,
        "inbox_id": INT,
        "conversation_id": INT,
        "message_type": {"type": "integer", "enum": [0, 1, 2], "description": "0 incoming, 1 outgoing, 2 activity"},
        "content_type": STR,
        "content_attributes": OBJ,
        "private": BOOL,
        "echo_id": nullable(STR),
        "created_at": TIME,
        "sender_type": nullable({"type": "string", "enum": ["Contact", "User", "AgentBot", None]}),
        "sender_id": nullable(INT),
        "sender": nullable(OBJ),
        "attachments": array(OBJ),
    }
)
COUNTS = obj({"mine_count": INT, "assigned_count": INT, "unassigned_count": INT, "all_count": INT})
CONVERSATION = obj(
    {
        "id": {"type": "integer", "description": "the conversation's number in the account"},
        "uuid": STR,
        "account_id": INT,
        "inbox_id": INT,
        "status": {"type": "string", "enum": STATUSES},
        "priority": nullable({"type": "string", "enum": [*PRIORITIES, None]}),
        "snoozed_until": nullable(TIME),
        "labels": array(STR),
        "unread_count": INT,
        "last_activity_at": nullable(TIME),
        "created_at": TIME,
        "contact_inbox": nullable(obj({"source_id": STR, "inbox_id": INT})),
        "meta": obj(
            {
                "sender": ref("Contact"),
                "channel": STR,
                "assignee": ref("Agent", nullable=True),
                "team": ref("Team", nullable=True),
            }
        ),
        "messages": array(ref("Message")),
        "last_non_activity_message": ref("Message", nullable=True),
    }
)
WEBHOOK = obj(
    {
        "id": INT,
        "account_id": INT,
        "url": STR,
        "subscriptions": array({"type": "string", "enum": list(WEBHOOK_EVENTS)}),
        "inbox_id": nullable(INT),
        "secret": {"type": "string", "description": "only in the answer that creates the webhook"},
    },
    required=("id", "account_id", "url", "subscriptions", "inbox_id"),
)
CANNED_RESPONSE = obj(
    {
        "id": INT,
        "account_id": INT,
        "short_code": STR,
        "content": STR,
        "personal": {"type": "boolean", "description": "Kiko's: only its author sees it"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    }
)

LABEL = obj({"id": INT, "title": STR, "description": STR, "color": STR, "show_on_sidebar": BOOL})

COMPONENTS = {
    "Error": ERROR,
    "Agent": AGENT,
    "Profile": PROFILE,
    "AgentBot": AGENT_BOT,
    "Team": TEAM,
    "InboxBrief": INBOX_BRIEF,
    "Inbox": INBOX,
    "ContactInbox": CONTACT_INBOX,
    "Contact": CONTACT,
    "Message": MESSAGE,
    "Counts": COUNTS,
    "Conversation": CONVERSATION,
    "Webhook": WEBHOOK,
    "Label": LABEL,
    "CannedResponse": CANNED_RESPONSE,
}

# What each route answers on success.
ANSWERS = {
    "health": obj({"status": {"type": "string", "enum": ["ok", "database_unavailable"]}}),
    "openapi": obj({"openapi": STR, "info": OBJ, "paths": OBJ}),
    "profile": {"anyOf": [ref("Profile"), ref("AgentBot")]},
    "contact_created": obj(
        {"payload": obj({"contact": ref("Contact"), "contact_inbox": ref("ContactInbox", nullable=True)})}
    ),
    "contact": obj({"payload": ref("Contact")}),
    "contacts": obj(
        {
            "meta": obj({"count": INT, "current_page": {"type": "string", "description": "the page, as Chatwoot's"}}),
            "payload": array(ref("Contact")),
        }
    ),
    "conversations": obj({"data": obj({"meta": ref("Counts"), "payload": array(ref("Conversation"))})}),
    "conversation_meta": obj({"meta": ref("Counts")}),
    "contact_import": obj({"id": INT, "status": STR, "total_rows": INT}),
    "conversation_search": obj(
        {
            "data": obj(
                {
                    "meta": obj(
                        {
                            **COUNTS["properties"],
                            "current_page": INT,
                            "has_more": BOOL,
                            "counts_capped": {
                                "type": "boolean",
                                "description": "more matched than the counts count (what 40 pages show)",
                            },
                        }
                    ),
                    "payload": array(ref("Conversation")),
                }
            )
        }
    ),
    "conversation": ref("Conversation"),
    "status_toggled": obj(
        {
            "meta": OBJ,
            "payload": obj(
                {
                    "success": BOOL,
                    "conversation_id": INT,
                    "current_status": {"type": "string", "enum": STATUSES},
                    "snoozed_until": nullable(TIME),
                }
            ),
        }
    ),
    "priority_toggled": obj(
        {
            "payload": obj(
                {
                    "success": BOOL,
                    "conversation_id": INT,
                    "priority": nullable({"type": "string", "enum": [*PRIORITIES, None]}),
                }
            )
        }
    ),
    "assignee": {**ref("Agent", nullable=True), "description": "the assignee now; null when nobody is"},
    "labels": obj({"payload": array(STR)}),
    "account_labels": obj({"payload": array(ref("Label"))}),
    "label": ref("Label"),
    "messages": obj({"meta": OBJ, "payload": array(ref("Message"))}),
    "message": ref("Message"),
    "webhooks": obj({"payload": obj({"webhooks": array(ref("Webhook"))})}),
    "webhook": obj({"payload": obj({"webhook": ref("Webhook")})}),
    "nothing": {"type": "object", "maxProperties": 0},
    "agents": array(ref("Agent")),
    "teams": array(ref("Team")),
    "inboxes": obj({"payload": array(ref("Inbox"))}),
    "canned_responses": array(ref("CannedResponse")),
    "canned_response": ref("CannedResponse"),
}
