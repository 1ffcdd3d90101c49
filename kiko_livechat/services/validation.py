"""Input checks shared by services; each raises ValidationFailed with a catalog key."""

import re
import unicodedata
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from kiko_livechat.i18n.locales import SUPPORTED_LOCALES
from kiko_livechat.services.errors import ValidationFailed

NAME_MAX = 100
PASSWORD_MIN = 10
PASSWORD_MAX = 128


def refuse_nul(text: str, *, field: str) -> str:
    """Text with a NUL character cannot be stored (PostgreSQL refuses it): a validation error."""
    if "\x00" in text:
        raise ValidationFailed("api.error.nul_character", field=field)
    return text


# Control characters (line breaks, tabs, C1 codes) and the Unicode line separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A name or header value on one line: control characters such as line breaks become one
    space (a name "Evil\nBcc: x" must never start a new e-mail header)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def clean_name(value: object, *, field: str = "name", max_length: int = NAME_MAX) -> str:
    """A trimmed, non-empty name of at most `max_length` characters, on one line."""
    text = one_line(refuse_nul(value, field=field)) if isinstance(value, str) else ""
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
    # Only strings can be a choice; a list or object from a JSON body is refused, not a crash.
    if not isinstance(value, str) or value not in {member.value for member in allowed}:
        raise ValidationFailed("error.invalid_choice", field=field)
    return str(value)


def clean_text(value: object, *, field: str, max_length: int) -> str:
    """Optional free text (greeting, description): trimmed, may be empty, at most `max_length`."""
    text = refuse_nul(value.strip(), field=field) if isinstance(value, str) else ""
    if len(text) > max_length:
        raise ValidationFailed("error.too_long", field=field, max=max_length)
    return text


def clean_whole_number(value: object, *, field: str, minimum: int, maximum: int) -> int:
    """A whole number in a range, from a form (text) or JSON (int)."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.isascii() and text.isdigit():
        text = int(text)
    if not isinstance(text, int) or isinstance(text, bool) or not minimum <= text <= maximum:
        raise ValidationFailed("error.number_range", field=field, min=minimum, max=maximum)
    return text


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def clean_color(value: object, *, field: str = "widget_color") -> str:
    """A colour as #rrggbb."""
    text = value.strip() if isinstance(value, str) else ""
    if not _COLOR.match(text):
        raise ValidationFailed("error.color_invalid", field=field)
    return text.lower()


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
DOMAINS_MAX = 20


def clean_domains(value: object, *, field: str = "allowed_domains") -> list[str]:
    """Website hosts allowed to embed the chat, from text with one per line or comma-separated.

    Accepts `shop.example.com`, `*.example.com` (any subdomain), `localhost:8080`, and pasted
    addresses like `https://shop.example.com/path` (reduced to their host).
    """
    if isinstance(value, str):
        items = re.split(r"[\s,]+", value)
    elif isinstance(value, list | tuple):
        items = [item for item in value if isinstance(item, str)]
    else:
        items = []
    hosts: list[str] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if "://" in item:
            item = urlsplit(item).netloc
        item = item.split("/")[0]
        host, _, port = item.partition(":")
        labels = host.removeprefix("*.").split(".")
        if not all(_HOST_LABEL.match(label) for label in labels) or (port and not port.isdigit()):
            raise ValidationFailed("error.domain_invalid", field=field, domain=item)
        if item not in hosts:
            hosts.append(item)
    if len(hosts) > DOMAINS_MAX:
        raise ValidationFailed("error.too_many", field=field, max=DOMAINS_MAX)
    return hosts


URL_MAX = 2000


def clean_url(value: object, *, field: str, required: bool = False) -> str | None:
    """An http(s) address with a host; None when empty and not required."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise ValidationFailed("error.required", field=field)
        return None
    if len(text) > URL_MAX:
        raise ValidationFailed("error.too_long", field=field, max=URL_MAX)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("error.url_invalid", field=field)
    return text


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character \\) that finds `text` anywhere, its own % and _ taken
    literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


FILE_NAME_MAX = 255


def clean_file_name(value: object, *, default: str = "file") -> str:
    """A file name someone sent, as it may be shown and offered for download: its last path part
    only, without control, format (right-to-left override, zero width) or NUL characters, at
    most FILE_NAME_MAX characters with its extension kept; `default` when nothing is left."""
    text = unicodedata.normalize("NFC", value) if isinstance(value, str) else ""
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip().strip(".").strip()
    if len(text) > FILE_NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        extension = extension[:20] if dot and stem else ""
        text = (stem if extension else text)[: FILE_NAME_MAX - len(extension) - 1].rstrip() + (
            "." + extension if extension else ""
        )
    return text or default
