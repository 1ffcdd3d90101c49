"""Route arguments come from the address the tab shows."""

from reflex.istate.data import RouterData

from kiko_livechat import routes
from kiko_livechat.state.routing import route_arg


def _router(pattern: str, address: str) -> RouterData:
    return RouterData.from_router_data(
        {"pathname": pattern, "asPath": address, "headers": {"origin": "https://chat.example.net"}}
    )


def test_the_named_segment_of_the_route():
    router = _router(routes.CONVERSATION, "/app/conversations/42")
    assert route_arg(router, "conversation_number") == "42"
    assert route_arg(_router(routes.WIDGET, "/widget/abc%2Ddef/?locale=en"), "inbox_token") == "abc-def"


def test_nothing_for_another_page_or_name():
    assert route_arg(_router(routes.CONVERSATION, "/app/inbox"), "conversation_number") == ""
    assert route_arg(_router(routes.CONVERSATION, "/app/conversations/42"), "inbox_token") == ""
    assert route_arg(RouterData(), "conversation_number") == ""
