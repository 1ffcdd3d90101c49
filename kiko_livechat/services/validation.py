"""Input checks shared by services; each raises ValidationFailed with a catalog key."""

from email_validator import EmailNotValidError, validate_email

from kiko_livechat.i18n.locales import SUPPORTED_LOCALES
from kiko_livechat.services.errors import ValidationFailed

NAME_MAX = 100
PASSWORD_MIN = 10
PASSWORD_MAX = 128


def clean_name(value: object, *, field: str = "name", max_length: int = NAME_MAX) -> str:
    """A trimmed, non-empty name of at most `max_length` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed("error.required", field=field)
    if len(text) > max_length:
        raise ValidationFailed("error.too_long", field=field, max=max_length)
    return text


def clean_email(value: object, *, field: str = "email") -> str:
    """A syntactically valid e-mail address, lower-cased."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed("error.required", field=field)
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed("error.email_invalid", field=field) from exc


def clean_locale(value: object, *, field: str = "locale", allow_empty: bool = False) -> str | None:
    """One of the supported locales; with `allow_empty`, "" means "follow the account"."""
    if allow_empty and value in ("", None):
        return None
    if value not in SUPPORTED_LOCALES:
        raise ValidationFailed("error.locale_unsupported", field=field)
    return value


def clean_new_password(value: object, *, field: str = "new_password") -> str:
    """A new password of acceptable length (spaces count; nothing is trimmed)."""
    text = value if isinstance(value, str) else ""
    if len(text) < PASSWORD_MIN:
        raise ValidationFailed("error.password_too_short", field=field, min=PASSWORD_MIN)
    if len(text) > PASSWORD_MAX:
        raise ValidationFailed("error.too_long", field=field, max=PASSWORD_MAX)
    return text


def choice(value: object, allowed: type, *, field: str) -> str:
    """`value` if it is one of the StrEnum `allowed`, else a validation error."""
    if value not in {member.value for member in allowed}:
        raise ValidationFailed("error.invalid_choice", field=field)
    return str(value)
