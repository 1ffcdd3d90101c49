"""Input checks for the administration forms."""

import pytest

from kiko_livechat.models import Role
from kiko_livechat.services import validation
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.validation import DOMAINS_MAX, choice, clean_color, clean_domains, clean_url


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", []),
        ("shop.example.com", ["shop.example.com"]),
        ("https://Shop.Example.com/cart?x=1", ["shop.example.com"]),
        (
            "*.example.org, localhost:8080\nshop.example.com shop.example.com",
            [
                "*.example.org",
                "localhost:8080",
                "shop.example.com",
            ],
        ),
        (["a.example", "b.example"], ["a.example", "b.example"]),
    ],
)
def test_domains_are_reduced_to_hosts(text, expected):
    assert clean_domains(text) == expected


@pytest.mark.parametrize("text", ["exa mple..com", "-bad.com", "bad-.com", "a_b.com", "host:port", "*.*.com"])
def test_bad_domains_are_named(text):
    with pytest.raises(ValidationFailed) as refused:
        clean_domains(text)
    assert refused.value.code == "error.domain_invalid" and refused.value.field == "allowed_domains"


def test_too_many_domains():
    with pytest.raises(ValidationFailed) as refused:
        clean_domains(" ".join(f"d{i}.example" for i in range(DOMAINS_MAX + 1)))
    assert refused.value.code == "error.too_many"


@pytest.mark.parametrize("value,ok", [("#1F6FEB", "#1f6feb"), ("1f6feb", None), ("#12345", None), ("red", None)])
def test_colours(value, ok):
    if ok:
        assert clean_color(value) == ok
    else:
        with pytest.raises(ValidationFailed):
            clean_color(value)


@pytest.mark.parametrize(
    "value,result",
    [
        ("", None),
        ("https://bot.example.com/hook", "https://bot.example.com/hook"),
        ("javascript:alert(1)", "error"),
        ("ftp://x.example", "error"),
        ("https://", "error"),
        ("x" * 2001, "error"),
    ],
)
def test_urls(value, result):
    if result == "error":
        with pytest.raises(ValidationFailed):
            clean_url(value, field="webhook_url")
    else:
        assert clean_url(value, field="webhook_url") == result


@pytest.mark.parametrize("value", [{}, [], ["agent"], 1, None, True])
def test_a_choice_of_the_wrong_type_is_refused_not_a_crash(value):
    # Found by schemathesis: {"status": {}} in a JSON body raised TypeError (a 500).
    with pytest.raises(ValidationFailed):
        choice(value, Role, field="role")


def test_text_with_a_nul_character_is_refused():
    # Found by schemathesis: PostgreSQL refuses NUL in text, which was a 500.
    from kiko_livechat.services.messages import clean_content
    from kiko_livechat.services.validation import clean_name

    for clean in (lambda v: clean_name(v), lambda v: clean_content(v)):
        with pytest.raises(ValidationFailed) as refused:
            clean("a\x00b")
        assert refused.value.code == "api.error.nul_character"


def test_file_names_lose_paths_controls_and_direction_overrides():
    clean = validation.clean_file_name
    assert clean("../../etc/passwd") == "passwd"
    assert clean("C:\\Users\\x\\Rechnung.pdf") == "Rechnung.pdf"
    assert clean("rechnung\u202efdp.exe") == "rechnungfdp.exe"
    assert clean("a\x00b.txt") == "ab.txt"
    assert clean("..") == "file" and clean(None) == "file"
    long = clean("x" * 300 + ".pdf")
    assert len(long) == validation.FILE_NAME_MAX and long.endswith(".pdf")
