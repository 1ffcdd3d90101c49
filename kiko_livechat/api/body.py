"""A request's JSON body: refused by its declared length before a byte is read, read in pieces
up to a cap otherwise (a body of unknown length costs at most the cap), then parsed and walked
for what no service can store."""

import json

from starlette.requests import Request

from kiko_livechat.api.errors import ApiError

BODY_MAX_BYTES = 256 * 1024
# Deeper JSON than any Chatwoot payload is refused (walking it must not exhaust the stack).
MAX_DEPTH = 32


async def read_json_body(request: Request) -> dict:
    """The body as a JSON object, or a clear 4xx (415 not JSON, 413 too large, 400 malformed)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "api.error.content_type")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > BODY_MAX_BYTES:
        raise ApiError(413, "api.error.too_large", max=BODY_MAX_BYTES)
    raw = await _read_capped(request)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError) as exc:  # nesting too deep for the parser: malformed too
        raise ApiError(400, "api.error.malformed_json") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "api.error.malformed_json")
    return body


async def _read_capped(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > BODY_MAX_BYTES:  # a chunked body (no length) that goes on: stop reading here
            raise ApiError(413, "api.error.too_large", max=BODY_MAX_BYTES)
        chunks.append(chunk)
    return b"".join(chunks)


def check_values(value: object) -> None:
    """Refuse at the door what no service can store, walking the body without recursion:
    nesting deeper than MAX_DEPTH, NUL characters (PostgreSQL cannot store them) and lone
    surrogates (not Unicode text; "\\ud800" is valid JSON)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ApiError(422, "api.error.too_deep", max=MAX_DEPTH)
        if isinstance(item, str):
            if "\x00" in item:
                raise ApiError(422, "api.error.nul_character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ApiError(400, "api.error.malformed_json") from exc
        elif isinstance(item, dict):
            pending.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            pending.extend((part, depth + 1) for part in item)


_JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def shaped(body: dict | None, schema: dict) -> dict:
    """The body if it has the shape of the route's schema (api/request_bodies.py): no unknown
    field, the required ones, each of its JSON type (null only where the schema allows it);
    else a clear 422 naming the field. A whole number sent as 3.0 is taken as 3, as JSON
    Schema counts it an integer. Lengths, patterns and choices are the services' to check."""
    body = {} if body is None else body
    _check(body, schema, "")
    return body


def _check(value: object, schema: dict, path: str) -> None:
    # Recursion follows the schema (a few levels), not the value: objects without properties
    # in the schema (custom_attributes) are not walked.
    kinds = (
        [schema["type"]]
        if "type" in schema
        else [branch["type"] for branch in schema.get("anyOf", ()) if "type" in branch]
    )
    if value is None:
        if schema.get("nullable") or not kinds:
            return
        raise ApiError(422, f"api.error.type.{kinds[0]}", field=path, name=path)
    if kinds and not any(_JSON_TYPES[kind](value) for kind in kinds):
        raise ApiError(422, f"api.error.type.{kinds[0]}", field=path, name=path)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            unknown = sorted(set(value) - set(properties))
            if unknown:
                raise ApiError(422, "api.error.unknown_field", field=_join(path, unknown[0]), name=unknown[0])
        for name in schema.get("required", ()):
            if name not in value:
                raise ApiError(422, "error.required", field=_join(path, name))
        for name, part in properties.items():
            if name in value:
                value[name] = _whole(value[name], part)
                _check(value[name], part, _join(path, name))
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            value[index] = _whole(item, schema["items"])
            _check(value[index], schema["items"], f"{path}[{index}]")


def _whole(value: object, schema: dict) -> object:
    if schema.get("type") == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
