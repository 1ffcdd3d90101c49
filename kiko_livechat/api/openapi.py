"""The OpenAPI 3.0 document of the bot API, served at /api/openapi.json (public)."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.services.handoff import REASON_MAX, TRANSCRIPT_MAX
from kiko_livechat.services.messages import CONTENT_MAX
from kiko_livechat.services.webhooks import EVENTS as WEBHOOK_EVENTS

PATH = "/api/openapi.json"
BASE = "/api/v1/accounts/{account_id}"

_INT = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_TEXT = {"type": "string", "maxLength": 255}
_CONTACT_FIELDS = {
    "name": _TEXT,
    "email": {"type": "string", "format": "email", "maxLength": 254},
    "phone_number": {"type": "string", "maxLength": 20, "pattern": "^[0-9+ ()-]*$"},
    "identifier": _TEXT,
    "custom_attributes": {"type": "object"},
}
_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}},
}


def _body(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, params: tuple[str, ...], body: dict | None = None, ok: int = 200, query=()) -> dict:
    operation = {
        "summary": summary,
        "security": [{"api_access_token": []}],
        "parameters": [{"name": p, "in": "path", "required": True, "schema": _INT} for p in params]
        + [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in query],
        "responses": {
            str(ok): {"description": "OK", "content": {"application/json": {"schema": {}}}},
            **{
                str(code): {"description": text, "content": {"application/json": {"schema": _ERROR}}}
                for code, text in (
                    (401, "missing or invalid token"),
                    (404, "not found in this account"),
                    (422, "invalid input"),
                    (429, "rate limited"),
                )
            },
        },
    }
    if body is not None:
        operation["requestBody"] = body
        operation["responses"].update(
            {
                "400": {"description": "malformed JSON", "content": {"application/json": {"schema": _ERROR}}},
                "403": {"description": "account blocked", "content": {"application/json": {"schema": _ERROR}}},
                "413": {"description": "body too large", "content": {"application/json": {"schema": _ERROR}}},
                "415": {"description": "not JSON", "content": {"application/json": {"schema": _ERROR}}},
            }
        )
    return operation


def spec() -> dict:
    account = ("account_id",)
    conversation = ("account_id", "conversation_id")
    message = {
        "content": {"type": "string", "minLength": 1, "maxLength": CONTENT_MAX},
        "message_type": {"type": "string", "enum": ["incoming", "outgoing"]},
        "private": {"type": "boolean"},
        "content_attributes": {"type": "object"},
        "echo_id": {"type": "string", "maxLength": 64},
        "content_type": {"type": "string", "enum": ["text"]},
    }
    status_query = (("status", {"type": "string", "enum": ["open", "pending", "resolved", "snoozed", "all"]}),)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Kiko Livechat bot API",
            "version": "1.0.0",
            "description": (
                "Chatwoot-compatible Application API: a bot switches over by changing its base URL and token. "
                "`{conversation_id}` is the conversation's number in the account. Webhooks are signed: "
                "X-Kiko-Signature = sha256=HMAC-SHA256(secret, '<X-Kiko-Timestamp>.<body>')."
            ),
        },
        "components": {
            "securitySchemes": {"api_access_token": {"type": "apiKey", "in": "header", "name": "api_access_token"}}
        },
        "paths": {
            "/api/v1/profile": {"get": _operation("Who the token is", ())},
            f"{BASE}/contacts": {
                "post": _operation(
                    "Create a contact (with inbox_id + source_id also its identity in that inbox)",
                    account,
                    _body({**_CONTACT_FIELDS, "inbox_id": _INT, "source_id": _TEXT}),
                )
            },
            f"{BASE}/contacts/search": {
                "get": _operation("Search contacts", account, query=(("q", {"type": "string", "minLength": 1}),))
            },
            f"{BASE}/contacts/{{contact_id}}": {
                "get": _operation("Show a contact", ("account_id", "contact_id")),
                "put": _operation(
                    "Update a contact (attributes are merged)", ("account_id", "contact_id"), _body(_CONTACT_FIELDS)
                ),
            },
            f"{BASE}/conversations": {
                "get": _operation(
                    "List conversations",
                    account,
                    query=(
                        *status_query,
                        ("assignee_type", {"type": "string", "enum": ["me", "unassigned", "assigned", "all"]}),
                        ("inbox_id", _INT),
                        ("team_id", _INT),
                        ("page", _INT),
                    ),
                ),
                "post": _operation(
                    "Create a conversation (a bot's starts pending)",
                    account,
                    _body(
                        {
                            "source_id": _TEXT,
                            "inbox_id": _INT,
                            "contact_id": _INT,
                            "status": {"type": "string", "enum": ["open", "pending"]},
                            "message": {
                                "type": "object",
                                "properties": {"content": message["content"], "message_type": message["message_type"]},
                                "additionalProperties": False,
                            },
                            "additional_attributes": {"type": "object"},
                            "custom_attributes": {"type": "object"},
                        },
                        ("inbox_id",),
                    ),
                ),
            },
            f"{BASE}/conversations/meta": {"get": _operation("Counts by assignee", account, query=status_query)},
            f"{BASE}/conversations/{{conversation_id}}": {"get": _operation("Show a conversation", conversation)},
            f"{BASE}/conversations/{{conversation_id}}/toggle_status": {
                "post": _operation(
                    "Change the status; pending -> open is the handoff",
                    conversation,
                    _body(
                        {
                            "status": {"type": "string", "enum": ["open", "pending", "resolved", "snoozed"]},
                            "snoozed_until": {"type": "integer"},
                        },
                        ("status",),
                    ),
                )
            },
            f"{BASE}/conversations/{{conversation_id}}/toggle_priority": {
                "post": _operation(
                    "Set or clear the priority",
                    conversation,
                    _body(
                        {"priority": {"type": "string", "enum": ["low", "medium", "high", "urgent"], "nullable": True}}
                    ),
                )
            },
            f"{BASE}/conversations/{{conversation_id}}/assignments": {
                "post": _operation(
                    "Assign to an agent or a team",
                    conversation,
                    _body({"assignee_id": {**_INT, "nullable": True}, "team_id": _INT}),
                )
            },
            f"{BASE}/conversations/{{conversation_id}}/labels": {
                "get": _operation("The conversation's labels", conversation),
                "post": _operation(
                    "Replace the conversation's labels",
                    conversation,
                    _body(
                        {
                            "labels": {
                                "type": "array",
                                "maxItems": 50,
                                "items": {"type": "string", "pattern": "^[\\w-]{1,50}$"},
                            }
                        },
                        ("labels",),
                    ),
                ),
            },
            f"{BASE}/conversations/{{conversation_id}}/messages": {
                "get": _operation(
                    "Messages (after=<message id> for the newer ones)",
                    conversation,
                    query=(("after", {"type": "integer", "minimum": 0}),),
                ),
                "post": _operation(
                    "Add a message (incoming only in API inboxes)", conversation, _body(message, ("content",))
                ),
            },
            f"{BASE}/handoffs": {
                "post": _operation(
                    "Kiko's one-call handoff: contact, transcript and reason; the conversation opens for agents",
                    account,
                    _body(
                        {
                            "inbox_id": _INT,
                            "contact": {
                                "type": "object",
                                "properties": {**_CONTACT_FIELDS, "source_id": _TEXT},
                                "additionalProperties": False,
                            },
                            "transcript": {
                                "type": "array",
                                "maxItems": TRANSCRIPT_MAX,
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "content": message["content"],
                                        "message_type": message["message_type"],
                                    },
                                    "required": ["content"],
                                    "additionalProperties": False,
                                },
                            },
                            "reason": {"type": "string", "maxLength": REASON_MAX},
                        },
                        ("inbox_id", "contact"),
                    ),
                    ok=201,
                )
            },
            f"{BASE}/webhooks": {
                "get": _operation("Account webhooks (administrators)", account),
                "post": _operation(
                    "Create an account webhook to a public http(s) address (private, loopback and cloud"
                    " metadata addresses are refused with 422); the answer carries its signing secret once",
                    account,
                    _body(
                        {
                            "url": {"type": "string", "format": "uri", "maxLength": 2000},
                            "subscriptions": {
                                "type": "array",
                                "items": {"type": "string", "enum": list(WEBHOOK_EVENTS)},
                            },
                            "inbox_id": _INT,
                        },
                        ("url",),
                    ),
                ),
            },
            f"{BASE}/webhooks/{{webhook_id}}": {
                "delete": _operation("Delete an account webhook", ("account_id", "webhook_id"))
            },
            f"{BASE}/agents": {"get": _operation("Agents of the account", account)},
            f"{BASE}/teams": {"get": _operation("Teams of the account", account)},
            f"{BASE}/inboxes": {"get": _operation("Inboxes the token may see", account)},
        },
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(spec())
