"""Numbers on the dashboard are written the way the tab's language writes them."""

from reflex.state import State

from kiko_livechat.state.overview import ReportsState


def _state(cls):
    return State().get_substate(cls.get_full_name().split(".")[1:])


def test_report_counts_follow_the_locale():
    reports = _state(ReportsState)
    reports._counts = {"open": 1234, "pending": 0}
    reports.locale = "de"
    assert reports.counts == [{"status": "open", "count": "1.234"}, {"status": "pending", "count": "0"}]
    reports.locale = "en"
    assert reports.counts[0]["count"] == "1,234"
