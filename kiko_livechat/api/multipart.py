"""A multipart/form-data body read as a stream: its files go straight into the storage through
services/attachments.Upload (cut off at the size limit, never held in memory or in a temporary
file), its text fields are kept up to a cap. Chatwoot's bots send a message with files this
way (`attachments[]`).

Starlette's own form parser spools every file into a temporary file of unbounded size before
the route sees it; this one refuses an 11th file or an oversized one while it arrives.
"""

from collections.abc import Callable

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kiko_livechat.api.errors import ApiError
from kiko_livechat.db import session_scope
from kiko_livechat.services import attachments
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.staged_files import FILES_PER_MESSAGE

FILE_FIELDS = ("attachments[]", "attachments")
FIELDS_MAX_BYTES = 256 * 1024


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == "multipart/form-data"


class _Reader:
    """The parser's callbacks (run in a worker thread: they write files)."""

    def __init__(self, open_upload: Callable[[str], attachments.Upload], stage: Callable) -> None:
        self._open_upload, self._stage = open_upload, stage
        self.fields: dict[str, str] = {}
        self.staged: list[int] = []
        self._field_bytes = 0
        self._header_name, self._header_value = b"", b""
        self._headers: dict[bytes, bytes] = {}
        self._name: str | None = None
        self._buffer = bytearray()
        self.upload: attachments.Upload | None = None

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._add("_header_name", data[start:end]),
            "on_header_value": lambda data, start, end: self._add("_header_value", data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _add(self, attribute: str, data: bytes) -> None:
        setattr(self, attribute, getattr(self, attribute) + data)

    def _begin(self) -> None:
        self._headers, self._name, self._buffer, self.upload = {}, None, bytearray(), None

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        if b"filename" not in options and b"filename*" not in options:
            return
        if name not in FILE_FIELDS:
            raise ApiError(422, "api.error.unknown_field", field=name, name=name)
        if len(self.staged) >= FILES_PER_MESSAGE:
            raise ValidationFailed("attachments.error.too_many", field="attachments", max=FILES_PER_MESSAGE)
        self.upload = self._open_upload(options.get(b"filename", b"").decode("utf-8", "replace"))

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.upload is not None:
            self.upload.write(data[start:end])
            return
        self._field_bytes += end - start
        if self._field_bytes > FIELDS_MAX_BYTES:
            raise ApiError(413, "api.error.too_large", max=FIELDS_MAX_BYTES)
        self._buffer += data[start:end]

    def _end(self) -> None:
        if self.upload is not None:
            upload, self.upload = self.upload, None
            self.staged.append(self._stage(upload))
        elif self._name:
            try:
                self.fields[self._name] = self._buffer.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, "api.error.malformed_form") from exc


def _discard(attachment_ids: list[int]) -> None:
    with session_scope() as db:
        attachments.discard_staged(db, attachment_ids)


async def read_form_with_files(
    request: Request, open_upload: Callable[[str], attachments.Upload], stage: Callable[[attachments.Upload], int]
) -> tuple[dict[str, str], list[int]]:
    """(text fields, ids of the staged files in their order). On any refusal or a broken
    connection, the file being written is dropped and those staged already are discarded."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "api.error.malformed_form")
    reader = _Reader(open_upload, stage)
    try:
        parser = MultipartParser(boundary, reader.callbacks())
        async for chunk in request.stream():
            if chunk:
                await run_in_threadpool(parser.write, chunk)
        await run_in_threadpool(parser.finalize)
    except BaseException as error:
        if reader.upload is not None:
            await run_in_threadpool(reader.upload.abort)
        if reader.staged:
            await run_in_threadpool(_discard, reader.staged)
        if isinstance(error, ApiError | ValidationFailed):
            raise
        if isinstance(error, Exception) and not isinstance(error, OSError):
            raise ApiError(400, "api.error.malformed_form") from error
        raise
    return reader.fields, reader.staged
