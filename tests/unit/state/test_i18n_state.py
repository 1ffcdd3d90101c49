"""The translation catalog (about 30 KB) goes to the browser only when the language changes."""

from reflex.state import State

from kiko_livechat.state.i18n import AppState


def _app_state() -> AppState:
    root = State()
    state = root.get_substate(AppState.get_full_name().split(".")[1:])
    state._clean()
    root._clean()
    return state


def test_the_same_language_again_sends_no_catalog():
    state = _app_state()
    state._use_locale(state.locale)
    assert "t_rx_state_" not in state.get_delta().get(AppState.get_full_name(), {})


def test_another_language_sends_the_catalog():
    state = _app_state()
    state._use_locale("en" if state.locale == "de" else "de")
    assert "t_rx_state_" in state.get_delta()[AppState.get_full_name()]
