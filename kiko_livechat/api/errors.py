"""Refusals at the HTTP edge and the one JSON shape every API error answers in (Chatwoot's:
{"error": code, "message": text in the caller's language[, "field": name]})."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.i18n import negotiate, translate


class ApiError(Exception):
    """A refusal at the HTTP edge (before any service runs)."""

    def __init__(self, status: int, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.status, self.code, self.field, self.params = status, code, field, params


def error_response(request: Request, status: int, code: str, field: str | None = None, **params) -> JSONResponse:
    locale = negotiate(request.headers.get("accept-language"), "en")
    body = {"error": code, "message": translate(locale, code, **params)}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status)
