"""GET /api/v1/accounts/{id}/conversations/search?q=&page=&status=&assignee_type=&inbox_id=&team_id=:
conversations by the words of their messages, their contact, alias or number, in Chatwoot's
search shape (its conversations/search.json.jbuilder): `data.meta` with the counts mine /
unassigned / all, `data.payload` the conversations, each as the list shows it with `messages`
the ones that matched (here the newest one; none when the contact, alias or number did).
Like Chatwoot's, it searches open conversations unless `status` says otherwise.

The counts count the matches up to what the pages can show (services/search.py: reading every
match of a common word is what this search avoids); meta's `counts_capped` says when there were
more, `has_more` whether a next page exists."""

from sqlmodel import select
from starlette.routing import Route

from kiko_livechat.api.http import endpoint
from kiko_livechat.api.params import choice_param, int_param, text_param
from kiko_livechat.api.v1 import ASSIGNEE_TYPES
from kiko_livechat.models import Message
from kiko_livechat.services import api_rows, search
from kiko_livechat.services import chatwoot_json as presenters
from kiko_livechat.services.conversations import STATUS_FILTERS

PATH = "/api/v1/accounts/{account_id:int}/conversations/search"


def _filters(request) -> search.SearchFilters:
    return search.SearchFilters(
        status=choice_param(request, "status", STATUS_FILTERS, "open"),
        assignee=ASSIGNEE_TYPES[choice_param(request, "assignee_type", list(ASSIGNEE_TYPES), "all")],
        inbox_id=int_param(request, "inbox_id", minimum=1),
        team_id=int_param(request, "team_id", minimum=1),
    )


def _payload(db, actor, found: search.Found) -> list[dict]:
    rows = api_rows.conversations(db, [c for c, _ in found.shown], actor.user_id)
    matched_ids = [m for _, m in found.shown if m is not None]
    matched = db.exec(select(Message).where(Message.id.in_(matched_ids))).all() if matched_ids else []
    message_rows = {row.message.id: row for row in api_rows.messages(db, list(matched), actor.account_id)}
    matched_in = {c: message_rows.get(m) for c, m in found.shown}
    payload = []
    for row in rows:
        shaped = presenters.conversation(row, agent_emails=actor.sees_agent_emails)
        hit = matched_in.get(row.conversation.id)
        shaped["messages"] = (
            [presenters.message(hit, row.conversation, row.contact, row.inbox, agent_emails=actor.sees_agent_emails)]
            if hit
            else []
        )
        payload.append(shaped)
    return payload


@endpoint
def search_conversations(request, actor, body):
    db = request.state.db
    page = int_param(request, "page", 1, minimum=1)
    found = search.find_conversations(db, actor=actor, q=text_param(request, "q"), page=page, filters=_filters(request))
    counts = found.counts
    meta = {
        "mine_count": counts.mine,
        "assigned_count": counts.assigned,
        "unassigned_count": counts.unassigned,
        "all_count": counts.all,
        "current_page": found.page,
        "has_more": found.has_next,
        "counts_capped": found.capped,
    }
    return 200, {"data": {"meta": meta, "payload": _payload(db, actor, found)}}


def routes() -> list[Route]:
    return [Route(PATH, search_conversations, methods=["GET"])]
