"""Every page builds its component tree (a missing state attribute fails here, not in the browser)."""

import pytest

import kiko_livechat.kiko_livechat as assembly


@pytest.mark.parametrize("route", sorted(assembly.app._unevaluated_pages))
def test_page_builds(route):
    page = assembly.app._unevaluated_pages[route]
    assert page.component() is not None
