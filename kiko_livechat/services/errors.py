"""Errors that services raise. They carry an i18n key; the edges translate it."""


class ServiceError(Exception):
    """A refusal with a catalog key, its parameters and optionally the form field it is about."""

    def __init__(self, code: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class ValidationFailed(ServiceError):
    """The input is not acceptable; nothing was changed."""


class NotFound(ServiceError):
    """No such object in the caller's account (also said for objects of other accounts)."""

    def __init__(self, code: str = "error.not_found", **kwargs: object) -> None:
        super().__init__(code, **kwargs)


class PermissionDenied(ServiceError):
    """The caller's role does not allow this."""

    def __init__(self, code: str = "error.permission_denied", **kwargs: object) -> None:
        super().__init__(code, **kwargs)


class AuthFailed(ServiceError):
    """Login refused, or the session is missing, expired or revoked."""
