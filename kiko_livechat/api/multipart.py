"""A multipart/form-data body read as a stream: its files go straight where the route wants them
(a message's attachments into the storage through services/attachments.Upload, an import's
file into memory), cut off at their size limit while they arrive, never spooled to a temporary
file; its text fields are kept up to a cap. Chatwoot's bots send a message with files this way
(`attachments[]`), and a contacts file to import (`import_file`).

Starlette's own form parser spools every file into a temporary file of unbounded size before
the route sees it; this one refuses an 11th file or an oversized one while it arrives.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kiko_livechat.api.errors import ApiError
from kiko_livechat.db import session_scope
from kiko_livechat.services import attachments
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.staged_files import FILES_PER_MESSAGE

ATTACHMENT_FIELDS = ("attachments[]", "attachments")
FIELDS_MAX_BYTES = 256 * 1024


class FileSink(Protocol):
    """Where one file of the form goes: written in chunks (refusing past its limit), or dropped."""

    def write(self, chunk: bytes) -> None: ...

    def abort(self) -> None: ...


@dataclass(frozen=True)
class FormFiles:
    """How a route takes the files of a multipart body (api/http.endpoint): `prepare(db, actor,
    request)` checks the caller and gives a context, `open_file(context, name)` a sink for each
    file, `finish(context, sink)` what the handler gets for it; at most `most` files in
    `fields`; `discard(finished)` undoes the finished ones when the form fails."""

    prepare: Callable
    open_file: Callable
    finish: Callable
    fields: tuple[str, ...]
    most: int
    discard: Callable | None = None
    # The route takes nothing but such a form (a JSON body is refused as of the wrong type).
    form_only: bool = False


class MemorySink:
    """A file kept in memory up to `limit` bytes (an import's CSV: read whole anyway)."""

    def __init__(self, name: str, limit: int, code: str) -> None:
        self.name, self._limit, self._code = name, limit, code
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            self._parts = []
            raise ValidationFailed(self._code, field="file", max_mb=self._limit // 2**20)
        self._parts.append(chunk)

    def abort(self) -> None:
        self._parts = []

    def data(self) -> bytes:
        return b"".join(self._parts)


def _stage_attachment(uploader: attachments.Uploader, upload: attachments.Upload) -> int:
    stored = upload.finish()
    with session_scope() as db:
        return attachments.stage(db, uploader, stored).attachment_id


def message_attachments(prepare: Callable) -> FormFiles:
    """A message's files (Chatwoot's attachments[]): streamed into the storage and staged for the
    uploader `prepare` names; an 11th refuses the message, and a failed form keeps none."""
    return FormFiles(
        prepare=prepare,
        open_file=lambda uploader, name: attachments.Upload(uploader, name),
        finish=_stage_attachment,
        fields=ATTACHMENT_FIELDS,
        most=FILES_PER_MESSAGE,
        discard=discard_staged,
    )


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == "multipart/form-data"


class _Reader:
    """The parser's callbacks (run in a worker thread: they write files)."""

    def __init__(self, open_file: Callable[[str], FileSink], finish: Callable, fields: tuple, most: int) -> None:
        self._open_file, self._finish, self._file_fields, self._most = open_file, finish, fields, most
        self.fields: dict[str, str] = {}
        self.finished: list = []
        self._field_bytes = 0
        self._header_name, self._header_value = b"", b""
        self._headers: dict[bytes, bytes] = {}
        self._name: str | None = None
        self._buffer = bytearray()
        self.upload: FileSink | None = None

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
        if name not in self._file_fields:
            raise ApiError(422, "api.error.unknown_field", field=name, name=name)
        if len(self.finished) >= self._most:
            raise ValidationFailed("attachments.error.too_many", field=name, max=self._most)
        self.upload = self._open_file(options.get(b"filename", b"").decode("utf-8", "replace"))

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
            self.finished.append(self._finish(upload))
        elif self._name:
            try:
                self.fields[self._name] = self._buffer.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, "api.error.malformed_form") from exc


def discard_staged(attachment_ids: list[int]) -> None:
    """A message's files staged before its form failed: gone at once."""
    with session_scope() as db:
        attachments.discard_staged(db, attachment_ids)


async def read_form_with_files(
    request: Request,
    open_file: Callable[[str], FileSink],
    finish: Callable[[FileSink], object],
    *,
    file_fields: tuple[str, ...] = ATTACHMENT_FIELDS,
    most: int = FILES_PER_MESSAGE,
    discard: Callable[[list], None] | None = discard_staged,
) -> tuple[dict[str, str], list]:
    """(text fields, what `finish` made of each file, in their order). On any refusal or a
    broken connection, the file being written is dropped and `discard` gets those finished."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "api.error.malformed_form")
    reader = _Reader(open_file, finish, file_fields, most)
    try:
        parser = MultipartParser(boundary, reader.callbacks())
        async for chunk in request.stream():
            if chunk:
                await run_in_threadpool(parser.write, chunk)
        await run_in_threadpool(parser.finalize)
    except BaseException as error:
        if reader.upload is not None:
            await run_in_threadpool(reader.upload.abort)
        if reader.finished and discard is not None:
            await run_in_threadpool(discard, reader.finished)
        if isinstance(error, ApiError | ValidationFailed):
            raise
        if isinstance(error, Exception) and not isinstance(error, OSError):
            raise ApiError(400, "api.error.malformed_form") from error
        raise
    return reader.fields, reader.finished
