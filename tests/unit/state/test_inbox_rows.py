"""How a list row's preview reads."""

from kiko_livechat.state.inbox import _preview_text


def test_a_message_of_files_only_shows_a_paperclip_in_the_tabs_language():
    assert _preview_text({"preview": "", "preview_files": True}, "de") == "📎 Datei"
    assert _preview_text({"preview": "", "preview_files": True}, "en") == "📎 File"
    assert _preview_text({"preview": "Hallo", "preview_files": True}, "de") == "Hallo"
    assert _preview_text({"preview": "", "preview_files": False}, "de") == ""
