"""The contact pages' HTTP routes for files, behind the administrator's login cookie: the import's
upload and rejected rows, and the export.

POST /app-data/contact-imports takes the CSV file as the raw body (the page's script sends it
with a progress bar: assets/contact-import.js), its name in `X-File-Name`; it is read and mapped
(services/contact_import.upload) and the answer names the import, whose page shows the preview.
A body declared larger than the limit is refused before it is read, one that grows past it as
soon as it does. GET .../{id}/rejected downloads the rows an import rejected, with the reasons.
GET /app-data/contacts/export?q= streams the contacts (services/contact_export.py).
"""

from urllib.parse import quote, unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kiko_livechat.api.errors import error_response
from kiko_livechat.api.multipart import MemorySink
from kiko_livechat.api.session_cookie import agent_token, same_origin
from kiko_livechat.db import session_scope
from kiko_livechat.routes import CONTACT_EXPORT, CONTACT_IMPORT_UPLOADS, contact_import_page
from kiko_livechat.services import auth, contact_csv, contact_export, contact_import
from kiko_livechat.services.errors import AuthFailed, NotFound, PermissionDenied, ValidationFailed

TOO_LARGE = "contacts.import.error.too_large"


def _actor(db, request: Request):
    actor = auth.resolve_session(db, token=agent_token(request))
    actor.require_admin()
    return actor


def _check_admin(request: Request) -> None:
    with session_scope() as db:
        _actor(db, request)


def _upload(request: Request, data: bytes, name: str) -> int:
    with session_scope() as db:
        return contact_import.upload(db, actor=_actor(db, request), data=data, file_name=name).view.import_id


async def upload(request: Request) -> Response:
    if not same_origin(request):
        return error_response(request, 403, "attachments.error.cross_origin")
    try:
        await run_in_threadpool(_check_admin, request)
    except AuthFailed:
        return error_response(request, 401, "api.unauthorized")
    except PermissionDenied as error:
        return error_response(request, 403, error.code)
    limit = contact_csv.MAX_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return error_response(request, 413, TOO_LARGE, "file", max_mb=limit // 2**20)
    name = unquote(request.headers.get("x-file-name", "")[:2048])
    sink = MemorySink(name, limit, TOO_LARGE)
    try:
        async for chunk in request.stream():
            sink.write(chunk)
        import_id = await run_in_threadpool(_upload, request, sink.data(), name)
    except ValidationFailed as error:
        status = 413 if error.code == TOO_LARGE else 422
        return error_response(request, status, error.code, error.field, **error.params)
    return JSONResponse({"id": import_id, "url": contact_import_page(import_id)}, status_code=201)


def _rejected(request: Request, import_id: int):
    with session_scope() as db:
        return contact_import.rejected_file(db, actor=_actor(db, request), import_id=import_id)


async def rejected(request: Request) -> Response:
    try:
        name, source = await run_in_threadpool(_rejected, request, request.path_params["import_id"])
    except (AuthFailed, PermissionDenied, NotFound):
        return Response("not found", status_code=404, media_type="text/plain")

    async def chunks():
        try:
            while chunk := await run_in_threadpool(source.read, 256 * 1024):
                yield chunk
        finally:
            source.close()

    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(chunks(), media_type="text/csv; charset=utf-8", headers=headers)


def _export_chunks(request: Request, q: str | None):
    """The CSV, read and written while it is sent (the session stays open until the end)."""
    with session_scope() as db:
        _, chunks = contact_export.export_contacts(db, actor=_actor(db, request), q=q)
        yield from chunks


def _check_export(request: Request, q: str | None) -> None:
    with session_scope() as db:
        contact_export.export_contacts(db, actor=_actor(db, request), q=q)  # refuses before a byte is sent


async def export(request: Request) -> Response:
    q = request.query_params.get("q")
    try:
        await run_in_threadpool(_check_export, request, q)
    except (AuthFailed, PermissionDenied):
        return Response("not found", status_code=404, media_type="text/plain")
    except ValidationFailed as error:
        return error_response(request, 422, error.code, error.field, **error.params)
    headers = {
        "Content-Disposition": "attachment; filename*=UTF-8''contacts.csv",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_export_chunks(request, q), media_type="text/csv; charset=utf-8", headers=headers)


def routes() -> list[Route]:
    return [
        Route(CONTACT_EXPORT, export, methods=["GET"]),
        Route(CONTACT_IMPORT_UPLOADS, upload, methods=["POST"]),
        Route(CONTACT_IMPORT_UPLOADS + "/{import_id:int}/rejected", rejected, methods=["GET"]),
    ]
