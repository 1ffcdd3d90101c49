"""Issue 13.5: the API's parsers take any input and either accept it or refuse it with a 4xx
the catalogs can explain; nothing else escapes them (property-based, hypothesis)."""

import asyncio
import json
from urllib.parse import quote_from_bytes

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from kiko_livechat.api import request_bodies as bodies
from kiko_livechat.api.body import BODY_MAX_BYTES, check_values, read_json_body, shaped
from kiko_livechat.api.errors import ApiError
from kiko_livechat.api.params import int_param
from kiko_livechat.i18n import catalog

TEXT = st.text() | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | TEXT
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20
)


def nested(most: int) -> st.SearchStrategy[str]:
    """JSON text of lists or objects nested up to `most` deep (far deeper than any Chatwoot payload)."""
    return st.integers(1, most).flatmap(lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n]))


# The parsers are cheap: many more examples than the suite's default.
MANY = settings(max_examples=200)


def _refused_clearly(error: ApiError) -> None:
    assert 400 <= error.status < 500
    assert error.code in catalog("en") and error.code in catalog("de")


def _request(headers: dict[str, str], chunks: list[bytes], query: bytes = b"") -> Request:
    pending = list(chunks)

    async def receive():
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": raw, "query_string": query}
    return Request(scope, receive)


@MANY
@given(JSON_VALUES | nested(900).map(json.loads))
def test_check_values_accepts_or_refuses_with_a_4xx(value):
    try:
        check_values(value)
    except ApiError as error:
        _refused_clearly(error)


@MANY
@given(
    st.one_of(
        st.builds(lambda v: json.dumps(v, allow_nan=True).encode(), JSON_VALUES),
        nested(50_000).map(str.encode),
        st.binary(max_size=64),
        st.just(b"{" + b" " * BODY_MAX_BYTES + b"}"),
    ),
    st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", ""]),
    st.booleans(),
    st.integers(1, 7),
)
def test_the_body_parser_gives_an_object_or_a_4xx(raw, content_type, declare_length, pieces):
    headers = {"content-type": content_type} if content_type else {}
    if declare_length:
        headers["content-length"] = str(len(raw))
    step = max(1, len(raw) // pieces)
    request = _request(headers, [raw[i : i + step] for i in range(0, len(raw), step)])
    try:
        body = asyncio.run(read_json_body(request))
    except ApiError as error:
        _refused_clearly(error)
    else:
        assert isinstance(body, dict)


@MANY
@given(
    st.dictionaries(st.sampled_from(["inbox_id", "contact", "transcript", "reason"]) | TEXT, JSON_VALUES, max_size=6)
)
def test_shaped_keeps_a_body_of_the_routes_shape_or_names_what_is_wrong(body):
    """The handoff's schema: nested objects, a list of objects, required and nullable fields."""
    try:
        assert shaped(body, bodies.HANDOFF) is body
    except ApiError as error:
        _refused_clearly(error)
        assert error.field is not None  # "" for a field named ""


@MANY
@given(st.binary(max_size=24) | st.builds(lambda t: t.encode("utf-8", "surrogatepass"), TEXT))
def test_int_param_gives_a_whole_number_or_a_4xx(raw):
    request = _request({}, [], b"page=" + quote_from_bytes(raw).encode())
    try:
        page = int_param(request, "page", 1)
    except ApiError as error:
        _refused_clearly(error)
    else:
        assert isinstance(page, int) and 0 <= page < 10**10
