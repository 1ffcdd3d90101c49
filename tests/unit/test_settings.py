"""Settings read from the environment."""

from kiko_livechat.settings import Settings


def test_base_url_follows_the_port_unless_set(monkeypatch):
    monkeypatch.setenv("KIKO_PORT", "3111")
    assert Settings().base_url == "http://localhost:3111"
    monkeypatch.setenv("KIKO_BASE_URL", "https://chat.example.com")
    assert Settings().base_url == "https://chat.example.com"
