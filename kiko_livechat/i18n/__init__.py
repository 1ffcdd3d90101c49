"""Translations and locale-aware formatting.

Each language is a folder of flat JSON files, one per area of the product (core, admin, ...);
they are merged, and a key defined twice is an error rather than a silent override.
"""

import json
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_time as _babel_time
from babel.numbers import format_decimal

from kiko_livechat.i18n.locales import FALLBACK_LOCALE, SUPPORTED_LOCALES, negotiate

__all__ = [
    "SUPPORTED_LOCALES",
    "catalog",
    "catalog_section",
    "format_date",
    "format_datetime",
    "format_time",
    "format_number",
    "negotiate",
    "translate",
]

_CATALOG_DIR = Path(__file__).parent / "catalogs"


@cache
def catalog(locale: str) -> dict[str, str]:
    """Every key of one language; unknown locales get the fallback language."""
    if locale not in SUPPORTED_LOCALES:
        locale = FALLBACK_LOCALE
    merged: dict[str, str] = {}
    for path in sorted((_CATALOG_DIR / locale).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"{path}: keys already defined in another file: {sorted(twice)}")
        merged.update(part)
    return merged


@cache
def catalog_section(locale: str, prefix: str) -> dict[str, str]:
    """The keys of one language that start with `prefix`: what a page that shows only those
    (the visitor's chat page: "widget.") needs in the browser, not the whole catalog."""
    return {key: text for key, text in catalog(locale).items() if key.startswith(prefix)}


def translate(locale: str, key: str, **params: object) -> str:
    """The text of `key` in `locale` with `{param}` placeholders filled.

    A missing key shows as the key itself (the catalog test keeps that from shipping).
    """
    text = catalog(locale).get(key, key)
    return text.format(**params) if params else text


# Live lists render the same times again and again (every tab, every update); Babel's
# formatting is the costly part of building their rows.
@lru_cache(maxsize=8192)
def format_datetime(value: datetime, locale: str, timezone: str = "Europe/Berlin") -> str:
    """A date and time the way people of `locale` write it, in `timezone`."""
    return _babel_datetime(value.astimezone(ZoneInfo(timezone)), format="medium", locale=locale)


def format_date(value: datetime, locale: str, timezone: str = "Europe/Berlin") -> str:
    """A calendar date (no time) the way people of `locale` write it, in `timezone`."""
    return _babel_date(value.astimezone(ZoneInfo(timezone)), format="medium", locale=locale)


@lru_cache(maxsize=8192)
def format_time(value: datetime, locale: str, timezone: str = "Europe/Berlin") -> str:
    """A clock time (hours and minutes) the way people of `locale` write it, in `timezone`."""
    return _babel_time(value.astimezone(ZoneInfo(timezone)), format="short", locale=locale)


def format_number(value: float, locale: str) -> str:
    return format_decimal(value, locale=locale)
