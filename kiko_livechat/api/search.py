"""GET /api/v1/accounts/{id}/conversations/search?q=&page=: conversations by the words of their
messages, their contact, alias or number, in Chatwoot's search shape (its
conversations/search.json.jbuilder: each conversation with its contact, inbox and the messages
that matched; here the newest one that matched, none when the contact, alias or number did).

Chatwoot's meta counts every match; reading every match of a common word is what this search
avoids (services/search.py), so meta says the page and whether there is a next one instead."""

from starlette.routing import Route

from kiko_livechat.api.http import endpoint
from kiko_livechat.api.params import int_param, text_param
from kiko_livechat.services import search
from kiko_livechat.services.chatwoot_json import MESSAGE_TYPE_NUMBERS, channel, ts
from kiko_livechat.services.search import SearchHit

PATH = "/api/v1/accounts/{account_id:int}/conversations/search"


def _sender_name(hit: SearchHit) -> str:
    kind = hit.message.sender_type
    if kind == "agent":
        return hit.message.sender_name
    if kind == "bot":
        return hit.inbox_name
    return hit.contact_name


def shaped(hit: SearchHit) -> dict:
    messages = []
    if hit.message is not None:
        messages.append(
            {
                "id": hit.message.message_id,
                "content": hit.message.content,
                "sender_name": _sender_name(hit),
                "message_type": MESSAGE_TYPE_NUMBERS[hit.message.message_type],
                "private": hit.message.private,
                "created_at": ts(hit.message.created_at),
            }
        )
    return {
        "id": hit.display_id,
        "account_id": hit.account_id,
        "status": hit.status,
        "created_at": ts(hit.created_at),
        "last_activity_at": ts(hit.last_activity_at),
        "snoozed_until": ts(hit.snoozed_until),
        "contact": {"id": hit.contact_id, "name": hit.contact_name},
        "inbox": {"id": hit.inbox_id, "name": hit.inbox_name, "channel_type": channel(hit.channel_type)},
        "messages": messages,
    }


@endpoint
def search_conversations(request, actor, body):
    page = int_param(request, "page", 1, minimum=1)
    found = search.search_conversations(request.state.db, actor=actor, q=text_param(request, "q"), page=page)
    meta = {"current_page": found.page, "has_more": found.has_next, "count": len(found.hits)}
    return 200, {"meta": meta, "payload": [shaped(hit) for hit in found.hits]}


def routes() -> list[Route]:
    return [Route(PATH, search_conversations, methods=["GET"])]
