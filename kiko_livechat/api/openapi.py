"""The OpenAPI 3.0 document of the bot API, served at /api/openapi.json (public).

Every route with every method, parameter and answer it has: the suite runs schemathesis with
all its checks against the real app, so a route, a status or a field the document does not
state (or states wrongly) fails a test."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.api import request_bodies as bodies
from kiko_livechat.api.body import BODY_MAX_BYTES, MAX_DEPTH
from kiko_livechat.api.openapi_schemas import ANSWERS, COMPONENTS
from kiko_livechat.api.params import ID_MAX
from kiko_livechat.api.request_bodies import ID
from kiko_livechat.api.v1 import ASSIGNEE_TYPES
from kiko_livechat.services.contacts import ATTRIBUTES_MAX_BYTES
from kiko_livechat.services.conversations import STATUS_FILTERS
from kiko_livechat.services.search import Q_MAX

PATH = "/api/openapi.json"
BASE = "/api/v1/accounts/{account_id}"
CONVERSATION = BASE + "/conversations/{conversation_id}"

_ERRORS = {
    401: "no token, or not a valid one",
    403: "the account is blocked, or the token's role may not do this",
    404: "not found in this account (also: an id of another account, or a path no route has)",
    405: "the path has no such method (the Allow header names those it has)",
    422: "a parameter or field is refused (`field` names it), or a rule forbids the change",
    429: "too many requests from this token, or from this address without a valid token",
}
_BODY_ERRORS = {
    400: "the body is not a JSON object (or its text holds unpaired surrogates)",
    413: f"the body is larger than {BODY_MAX_BYTES} bytes",
    415: "the body is not sent as application/json",
}


def _error(code: int, text: str) -> dict:
    answer = {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if code == 405:
        answer["headers"] = {"Allow": {"required": True, "schema": {"type": "string"}}}
    return answer


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict, *, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def _operation(
    summary: str, answer: str, path: tuple[str, ...] = ("account_id",), *, body=None, query=(), ok=200
) -> dict:
    errors = {**_ERRORS, **(_BODY_ERRORS if body else {})}
    operation = {
        "summary": summary,
        "parameters": [{"name": p, "in": "path", "required": True, "schema": ID} for p in path] + list(query),
        "responses": {
            str(ok): {"description": "OK", "content": {"application/json": {"schema": ANSWERS[answer]}}},
            **{str(code): _error(code, text) for code, text in sorted(errors.items())},
        },
    }
    if body is not None:
        operation["requestBody"] = _body(body)
    return operation


def _with_files(operation: dict) -> dict:
    """A message's body may also come as Chatwoot's multipart form: its fields as text, its
    files in attachments[]."""
    json_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    fields = {name: {"type": "string"} for name in json_schema["properties"]}
    form = {
        "type": "object",
        "properties": {**fields, "attachments[]": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    }
    operation["requestBody"]["content"]["multipart/form-data"] = {"schema": form}
    return operation


def _import_operation() -> dict:
    """Chatwoot's contacts import: a CSV in the multipart field import_file (administrators)."""
    operation = _operation(
        "Import contacts from a CSV file (administrators; runs as a background job: identifier, then e-mail,"
        " then phone find existing contacts, which are updated, never emptied)",
        "contact_import",
        body={"type": "object"},  # replaced below: the answers of a request with a body
    )
    form = {"type": "object", "properties": {"import_file": {"type": "string", "format": "binary"}},
            "required": ["import_file"]}  # fmt: skip
    operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    return operation


def spec() -> dict:
    conversation = ("account_id", "conversation_id")
    page = _query("page", ID)
    status_query = _query("status", {"type": "string", "enum": list(STATUS_FILTERS), "default": "open"})
    ids = (_query("inbox_id", ID), _query("team_id", ID))
    update_contact = _operation(
        "Update a contact (attributes are merged)", "contact", ("account_id", "contact_id"), body=bodies.UPDATE_CONTACT
    )
    canned_update = _operation(
        "Change a canned response's short code and/or content",
        "canned_response",
        ("account_id", "canned_id"),
        body=bodies.CANNED_RESPONSE,
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Kiko Livechat bot API",
            "version": "1.0.0",
            "description": (
                "Chatwoot-compatible Application API: a bot switches over by changing its base URL and token. "
                "`{conversation_id}` is the conversation's number in the account. Errors answer "
                '{"error": code, "message": text in the Accept-Language asked for, "field": the field refused}. '
                "Beyond the schemas: text anywhere in a body may not hold NUL (U+0000) or unpaired surrogates, "
                f"JSON nests at most {MAX_DEPTH} levels, custom_attributes take at most {ATTRIBUTES_MAX_BYTES} "
                "bytes as JSON, e-mail addresses at reserved domains (.test, .local, ...) are refused, and a 422 "
                "also names rules such as a source_id taken or a status change not allowed. Query parameters a "
                "route does not know are ignored, as Chatwoot does. "
                "Webhooks are signed: X-Kiko-Signature = sha256=HMAC-SHA256(secret, '<X-Kiko-Timestamp>.<body>')."
            ),
        },
        "security": [{"api_access_token": []}],
        "components": {
            "securitySchemes": {"api_access_token": {"type": "apiKey", "in": "header", "name": "api_access_token"}},
            "schemas": COMPONENTS,
        },
        "paths": {
            "/api/health": {
                "get": {
                    "summary": "Whether the database is reachable and migrated",
                    "security": [],
                    "responses": {
                        code: {"description": text, "content": {"application/json": {"schema": ANSWERS["health"]}}}
                        for code, text in (("200", "ready"), ("503", "database unavailable"))
                    },
                }
            },
            PATH: {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": ANSWERS["openapi"]}}}
                    },
                }
            },
            "/api/v1/profile": {"get": _operation("Who the token is", "profile", ())},
            f"{BASE}/contacts": {
                "post": _operation(
                    "Create a contact (with inbox_id + source_id also its identity in that inbox)",
                    "contact_created",
                    body=bodies.CREATE_CONTACT,
                )
            },
            f"{BASE}/contacts/search": {
                "get": _operation(
                    "Search contacts by name, e-mail, phone or identifier",
                    "contacts",
                    query=(_query("q", {"type": "string", "maxLength": 200, "pattern": "\\S"}, required=True), page),
                )
            },
            f"{BASE}/contacts/import": {"post": _import_operation()},
            f"{BASE}/contacts/{{contact_id}}": {
                "get": _operation("Show a contact", "contact", ("account_id", "contact_id")),
                "put": update_contact,
                "patch": update_contact,
            },
            f"{BASE}/conversations": {
                "get": _operation(
                    "List conversations (newest activity first, 25 a page)",
                    "conversations",
                    query=(
                        status_query,
                        _query("assignee_type", {"type": "string", "enum": list(ASSIGNEE_TYPES), "default": "all"}),
                        *ids,
                        page,
                        *(
                            _query(name, {"type": "array", "items": {"type": "string"}, "description": "any of"})
                            for name in ("labels[]", "labels")
                        ),
                        _query("q", {"type": "string", "description": "name or e-mail (its first 200 characters)"}),
                    ),
                ),
                "post": _operation(
                    "Create a conversation (a bot's starts pending)", "conversation", body=bodies.CREATE_CONVERSATION
                ),
            },
            f"{BASE}/conversations/search": {
                "get": _operation(
                    "Search conversations (open ones unless status says otherwise, as Chatwoot's): every word"
                    " of q as a word prefix in a message (all of them), or q in the contact's name, e-mail or"
                    " phone, the alias, or the number; 25 a page, at most 40 pages; `messages` holds the"
                    " newest message that matched",
                    "conversation_search",
                    query=(
                        _query("q", {"type": "string", "maxLength": Q_MAX, "pattern": "\\S"}, required=True),
                        status_query,
                        _query("assignee_type", {"type": "string", "enum": list(ASSIGNEE_TYPES), "default": "all"}),
                        *ids,
                        page,
                    ),
                )
            },
            f"{BASE}/conversations/meta": {
                "get": _operation("Counts by assignee", "conversation_meta", query=(status_query, *ids))
            },
            CONVERSATION: {"get": _operation("Show a conversation", "conversation", conversation)},
            f"{CONVERSATION}/toggle_status": {
                "post": _operation(
                    "Change the status; pending -> open is the handoff",
                    "status_toggled",
                    conversation,
                    body=bodies.TOGGLE_STATUS,
                )
            },
            f"{CONVERSATION}/toggle_priority": {
                "post": _operation(
                    "Set or clear the priority", "priority_toggled", conversation, body=bodies.TOGGLE_PRIORITY
                )
            },
            f"{CONVERSATION}/assignments": {
                "post": _operation("Assign to an agent or a team", "assignee", conversation, body=bodies.ASSIGNMENTS)
            },
            f"{CONVERSATION}/labels": {
                "get": _operation("The conversation's labels", "labels", conversation),
                "post": _operation("Replace the conversation's labels", "labels", conversation, body=bodies.SET_LABELS),
            },
            f"{CONVERSATION}/messages": {
                "get": _operation(
                    "Messages (after=<message id> for the newer ones)",
                    "messages",
                    conversation,
                    query=(_query("after", {"type": "integer", "minimum": 0, "maximum": ID_MAX}),),
                ),
                "post": _with_files(
                    _operation(
                        "Add a message (incoming only in API inboxes); as multipart/form-data with files in"
                        " attachments[] (at most 10, each up to KIKO_ATTACHMENT_MAX_MB; types checked by content)",
                        "message",
                        conversation,
                        body=bodies.CREATE_MESSAGE,
                    )
                ),
            },
            f"{BASE}/handoffs": {
                "post": _operation(
                    "Kiko's one-call handoff: contact, transcript and reason; the conversation opens for agents",
                    "conversation",
                    body=bodies.HANDOFF,
                    ok=201,
                )
            },
            f"{BASE}/webhooks": {
                "get": _operation("Account webhooks (administrators)", "webhooks"),
                "post": _operation(
                    "Create an account webhook to a public http(s) address (private, loopback and cloud"
                    " metadata addresses are refused with 422); the answer carries its signing secret once",
                    "webhook",
                    body=bodies.CREATE_WEBHOOK,
                ),
            },
            f"{BASE}/webhooks/{{webhook_id}}": {
                "delete": _operation("Delete an account webhook", "nothing", ("account_id", "webhook_id"))
            },
            f"{BASE}/labels": {
                "get": _operation("Labels of the account", "account_labels"),
                "post": _operation("Create a label (administrators)", "label", body=bodies.CREATE_LABEL),
            },
            f"{BASE}/labels/{{label_id}}": {
                "get": _operation("One label", "label", ("account_id", "label_id")),
                "patch": _operation(
                    "Change a label (administrators); fields left out keep their value",
                    "label",
                    ("account_id", "label_id"),
                    body=bodies.UPDATE_LABEL,
                ),
                "delete": _operation(
                    "Delete a label (administrators); conversations keep their other labels",
                    "nothing",
                    ("account_id", "label_id"),
                ),
            },
            f"{BASE}/agents": {"get": _operation("Agents of the account", "agents")},
            f"{BASE}/teams": {"get": _operation("Teams of the account", "teams")},
            f"{BASE}/inboxes": {"get": _operation("Inboxes the token may see", "inboxes")},
            f"{BASE}/canned_responses": {
                "get": _operation(
                    "Canned responses the token's user may use (account-wide and their own), by short code;"
                    " with search: short-code prefix, then short-code contains, then content contains",
                    "canned_responses",
                    query=(_query("search", {"type": "string"}),),
                ),
                "post": _operation(
                    "Create a canned response (account-wide: administrators; personal: anyone)",
                    "canned_response",
                    body=bodies.CANNED_RESPONSE,
                ),
            },
            f"{BASE}/canned_responses/{{canned_id}}": {
                "put": canned_update,
                "patch": canned_update,
                "delete": _operation("Delete a canned response", "nothing", ("account_id", "canned_id")),
            },
        },
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(spec())
