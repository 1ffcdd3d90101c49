"""GET /api/health: answers 200 once the database is reachable and migrated."""

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.db import get_engine


def _database_ready() -> bool:
    with get_engine().connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


async def health(request: Request) -> JSONResponse:
    try:
        ready = await run_in_threadpool(_database_ready)
    except sa.exc.SQLAlchemyError:
        ready = False
    return JSONResponse({"status": "ok" if ready else "database_unavailable"}, status_code=200 if ready else 503)
