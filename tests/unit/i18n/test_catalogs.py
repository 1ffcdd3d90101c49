"""Every user-visible text comes from complete catalogs."""

import ast
import json
import re
import string
from pathlib import Path

import pytest

from kiko_livechat.i18n import SUPPORTED_LOCALES, catalog, negotiate, translate
from kiko_livechat.models import (
    Availability,
    ChannelType,
    ConversationStatus,
    Plan,
    Role,
)

PACKAGE = Path(__file__).resolve().parents[3] / "kiko_livechat"
KEY_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# Calls whose string arguments are names, not text (icons, routes, colours).
# rx.el.style holds CSS, not words a person reads.
NON_TEXT_CALLS = {
    "cond", "icon", "redirect", "color", "set_value", "breakpoints", "spinner", "meta", "LocalStorage", "style",
}  # fmt: skip
TEXT_KEYWORDS = {"placeholder", "title", "aria_label", "label", "alt"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_all_catalogs_have_the_same_keys_and_placeholders():
    reference = catalog("en")
    for locale in SUPPORTED_LOCALES:
        other = catalog(locale)
        assert set(other) == set(reference), (
            f"{locale}: missing {set(reference) - set(other)}, extra {set(other) - set(reference)}"
        )
        for key, text in reference.items():
            assert _placeholders(other[key]) == _placeholders(text), f"{locale}:{key}"
            assert other[key].strip(), f"{locale}:{key} is empty"


def test_each_key_lives_in_the_same_area_file_in_every_language():
    folder = PACKAGE / "i18n" / "catalogs"
    reference = {path.name: set(json.loads(path.read_text())) for path in (folder / "en").glob("*.json")}
    for locale in SUPPORTED_LOCALES:
        files = {path.name: set(json.loads(path.read_text())) for path in (folder / locale).glob("*.json")}
        assert files == reference, locale


def _string_constants():
    for path in PACKAGE.rglob("*.py"):
        if "models" in path.parts:  # table definitions: "contacts.id" is a foreign key, not text
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path, node


def test_every_key_used_in_code_exists():
    prefixes = {key.split(".")[0] for key in catalog("en")}
    missing = sorted(
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value}"
        for path, node in _string_constants()
        if KEY_PATTERN.match(node.value) and node.value.split(".")[0] in prefixes and node.value not in catalog("en")
    )
    assert not missing, missing


@pytest.mark.parametrize(
    "prefix,enum",
    [
        ("role", Role),
        ("availability", Availability),
        ("status", ConversationStatus),
        ("channel", ChannelType),
        ("plan", Plan),
    ],
)
def test_every_choice_has_a_label(prefix, enum):
    for member in enum:
        assert f"{prefix}.{member.value}" in catalog("en")
    for locale in SUPPORTED_LOCALES:
        assert f"language.{locale}" in catalog("en")


def _call_name(func: ast.expr) -> tuple[str, bool]:
    """The called name and whether it is reached through `rx` (rx.text, rx.table.cell ...)."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    return (parts[0] if parts else getattr(func, "id", "")), isinstance(func, ast.Name) and func.id == "rx"


def test_pages_and_components_contain_no_literal_text():
    offenders = []
    for folder in ("pages", "components"):
        for path in (PACKAGE / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name, via_rx = _call_name(node.func)
                candidates = []
                if via_rx and name not in NON_TEXT_CALLS:
                    candidates += node.args
                candidates += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
                for arg in candidates:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and re.search(r"[A-Za-zÄÖÜäöü]", arg.value)
                    ):
                        offenders.append(f"{path.relative_to(PACKAGE)}:{arg.lineno} {arg.value!r}")
    assert not offenders, offenders


def test_translate_fills_placeholders_in_each_language():
    assert translate("de", "error.too_long", max=100) == "Höchstens 100 Zeichen."
    assert translate("en", "error.too_long", max=100) == "At most 100 characters."
    assert translate("fr", "login.title") == "Sign in"  # unknown locale falls back to English


@pytest.mark.parametrize(
    "header,expected",
    [("de-DE,de;q=0.9,en;q=0.8", "de"), ("en-US", "en"), ("fr-FR,en;q=0.5", "en"), ("", "de"), (None, "de")],
)
def test_negotiate_picks_a_supported_language(header, expected):
    assert negotiate(header, "de") == expected
