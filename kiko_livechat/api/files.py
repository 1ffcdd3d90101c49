"""Attachments over HTTP: uploads from the dashboard and the widget, and the one file route.

Uploads are one file per request, its bytes the raw body (the page's script sends each file on
its own XMLHttpRequest: a progress bar and a cancel button per file), its name in the
`X-File-Name` header (percent-encoded UTF-8). The body is streamed into the storage through
services/attachments.Upload, which cuts it off at the size limit; a body declared larger is
refused before a byte is read. Who uploads is checked before the body is read too: an agent by
the tab's login cookie (HttpOnly, SameSite=Lax, as the websocket), a visitor by the widget's
own credential (the visitor token its page keeps, in `X-Kiko-Visitor`).

GET /files/{id}/{name} serves a file to an agent who may see its conversation (cookie), or to
whoever holds a signed link (`?expires=&signature=`, services/attachment_links.py); anything
else is 404, whether the file exists or not. Only images and media of the allowed kinds are
shown inline; everything else (PDF, SVG, HTML, office files ...) is a download
(`Content-Disposition: attachment`, `application/octet-stream`), under a CSP that lets nothing
run. Range requests are answered for audio and video.
"""

from urllib.parse import quote, unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kiko_livechat.api.errors import error_response
from kiko_livechat.api.session_cookie import agent_token, same_origin
from kiko_livechat.db import session_scope
from kiko_livechat.routes import FILES, UPLOADS, WIDGET_UPLOADS
from kiko_livechat.services import attachments, auth
from kiko_livechat.services.attachment_links import FILE, THUMB, file_path
from kiko_livechat.services.errors import AuthFailed, NotFound, ValidationFailed
from kiko_livechat.services.storage import get_storage

# Downloads are read and sent in pieces of this size; uploads written in pieces of WRITE_BYTES.
CHUNK = 1024 * 1024
WRITE_BYTES = 1024 * 1024
# The file route's own policy: nothing in a served file may run, load or be framed elsewhere.
FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
_NAME_HEADER_MAX = 2048


def _declared_too_large(request: Request) -> bool:
    declared = request.headers.get("content-length", "")
    return declared.isascii() and declared.isdigit() and int(declared) > attachments.max_bytes()


def _name(request: Request) -> str:
    return unquote(request.headers.get("x-file-name", "")[:_NAME_HEADER_MAX])


def _refused(request: Request, error: ValidationFailed) -> JSONResponse:
    status = 413 if error.code == "attachments.error.too_large" else 422
    return error_response(request, status, error.code, error.field, **error.params)


def _agent_uploader(token: str | None, number: str) -> attachments.Uploader:
    with session_scope() as db:
        actor = auth.resolve_session(db, token=token)
        return attachments.agent_uploader(db, actor=actor, display_id=int(number) if number.isdigit() else None)


def _visitor_uploader(public_token: str, visitor_token: str) -> attachments.Uploader:
    with session_scope() as db:
        return attachments.visitor_uploader(db, public_token=public_token, visitor_token=visitor_token)


async def upload_for_agent(request: Request) -> Response:
    if not same_origin(request):
        return error_response(request, 403, "attachments.error.cross_origin")
    number = request.query_params.get("conversation", "")
    try:
        uploader = await run_in_threadpool(_agent_uploader, agent_token(request), number[:12])
    except AuthFailed:
        return error_response(request, 401, "api.unauthorized")
    except NotFound:
        return error_response(request, 404, "attachments.error.not_found")
    return await _receive(request, uploader, signed=False)


async def upload_for_visitor(request: Request) -> Response:
    if not same_origin(request):
        return error_response(request, 403, "attachments.error.cross_origin")
    try:
        uploader = await run_in_threadpool(
            _visitor_uploader, request.path_params["inbox_token"], request.headers.get("x-kiko-visitor", "")
        )
    except NotFound:
        return error_response(request, 404, "attachments.error.not_found")
    return await _receive(request, uploader, signed=True)


async def _receive(request: Request, uploader: attachments.Uploader, *, signed: bool) -> Response:
    """Stream the body into an Upload and stage it; 201 with the staged file, or a clear refusal
    (nothing of the file stays)."""
    if _declared_too_large(request):
        error = ValidationFailed(
            "attachments.error.too_large", field="attachments", max_mb=attachments.max_bytes() // 2**20
        )
        return _refused(request, error)
    upload = await run_in_threadpool(attachments.Upload, uploader, _name(request))
    try:
        # The body arrives in pieces of tens of KiB; handing each to a thread cost more than
        # writing it, so pieces are gathered up to WRITE_BYTES (the size check comes with them).
        pending = bytearray()
        async for chunk in request.stream():
            pending += chunk
            if len(pending) >= WRITE_BYTES:
                await run_in_threadpool(upload.write, bytes(pending))
                pending.clear()
        if pending:
            await run_in_threadpool(upload.write, bytes(pending))
        staged = await run_in_threadpool(_finish_and_stage, upload)
    except ValidationFailed as error:
        return _refused(request, error)
    except BaseException:  # the client went away or the server stops: nothing half-stored stays
        await run_in_threadpool(upload.abort)
        raise
    return JSONResponse(_staged_json(staged, signed), status_code=201, headers={"Cache-Control": "no-store"})


def _finish_and_stage(upload: attachments.Upload) -> attachments.AttachmentView:
    stored = upload.finish()
    with session_scope() as db:
        return attachments.stage(db, upload.uploader, stored)


def _staged_json(view: attachments.AttachmentView, signed: bool) -> dict:
    """What the page needs to show the staged file; a visitor's page gets no link (its own
    preview is the file it picked), an agent's the cookie-checked one."""
    return {
        "id": view.attachment_id,
        "name": view.file_name,
        "size": view.byte_size,
        "file_type": view.file_type,
        "content_type": view.content_type,
        "thumb_url": "" if signed or not view.has_thumb else file_path(view, THUMB),
    }


# --- the file route -------------------------------------------------------------------------


def _lookup(request: Request, attachment_id: int, variant: str) -> attachments.ServedFile:
    query = request.query_params
    with session_scope() as db:
        if "signature" in query:
            return attachments.file_for_link(
                db,
                attachment_id=attachment_id,
                variant=variant,
                expires=query.get("expires"),
                signature=query.get("signature"),
            )
        actor = auth.resolve_session(db, token=agent_token(request))
        return attachments.file_for_agent(db, actor=actor, attachment_id=attachment_id, variant=variant)


async def serve_file(request: Request) -> Response:
    variant = THUMB if request.path_params["name"] == "thumb" else FILE
    try:
        served = await run_in_threadpool(_lookup, request, request.path_params["attachment_id"], variant)
    except (AuthFailed, NotFound):
        return Response("not found", status_code=404, media_type="text/plain", headers={"Cache-Control": "no-store"})
    return _file_response(request, served)


def _file_response(request: Request, served: attachments.ServedFile) -> Response:
    disposition = "inline" if served.inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(served.file_name, safe='')}",
        "Content-Security-Policy": FILE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
        # Signed links differ per expiry; an agent's plain link is checked again after a minute.
        "Cache-Control": "private, max-age=3600" if "signature" in request.query_params else "private, max-age=60",
        "Accept-Ranges": "bytes",
    }
    media_type = served.content_type if served.inline else "application/octet-stream"
    path = get_storage().local_path(served.storage_key)
    if path is not None:
        # A file on this machine: the web server sends it by itself (and answers a range), the
        # app's event loop stays free for the chats.
        return FileResponse(path, media_type=media_type, headers=headers)
    start, end = 0, served.byte_size - 1
    status = 200
    wanted = _range(request.headers.get("range", ""), served.byte_size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={"Content-Range": f"bytes */{served.byte_size}"})
    if wanted is not None:
        start, end = wanted
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{served.byte_size}"
    headers["Content-Length"] = str(end - start + 1)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(_chunks(served.storage_key, start, end), status_code=status, headers=headers,
                             media_type=media_type)  # fmt: skip


def _range(header: str, size: int):
    """One byte range of `bytes=a-b`, `bytes=a-` or `bytes=-n` (None: the whole file; several
    ranges are answered with the whole file, as RFC 9110 allows)."""
    if not header.startswith("bytes=") or "," in header or size == 0:
        return None
    first, _, last = header[6:].strip().partition("-")
    if not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or first == last == "":
        return None
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(size - 1, int(last)) if last else size - 1
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


async def _chunks(key: str, start: int, end: int):
    storage = get_storage()
    source = await run_in_threadpool(storage.open, key)
    try:
        await run_in_threadpool(source.seek, start)
        left = end - start + 1
        while left > 0:
            chunk = await run_in_threadpool(source.read, min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        source.close()


def routes() -> list[Route]:
    return [
        Route(UPLOADS, upload_for_agent, methods=["POST"]),
        Route(WIDGET_UPLOADS, upload_for_visitor, methods=["POST"]),
        Route(FILES + "/{attachment_id:int}/{name}", serve_file, methods=["GET", "HEAD"]),
    ]
