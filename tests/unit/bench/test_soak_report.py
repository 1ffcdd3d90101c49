"""The soak's arithmetic: samples into minutes, and the verdicts against the targets."""

import json

from bench.soak_report import Samples, minute, per_minute, summary, write_files


def _samples(minutes: int, rss_mb: list[float], to_agent_ms: list[float]) -> Samples:
    """One message a second each way, latency by minute; RSS at each minute's end; a core half busy."""
    samples = Samples()
    for m in range(minutes):
        for s in range(60):
            at = m * 60 + s + 0.5
            samples.sent.append(at)
            samples.timed["to_agent"].append((at, to_agent_ms[m] / 1000))
            samples.timed["to_visitor"].append((at, 0.010))
    samples.gauges = [(0.0, 100 * 1024, 0.0, 0.0, 1.0)]
    samples.gauges += [
        ((m + 1) * 60.0, int(rss_mb[m] * 1024), (m + 1) * 30.0, (m + 1) * 6.0, 2.0) for m in range(minutes)
    ]
    return samples


def test_minute_counts_what_comes_after_the_end_in_the_last_minute():
    assert [minute(at, 3) for at in (0, 59.9, 60, 179.9, 184)] == [0, 0, 1, 2, 2]


def test_per_minute_buckets_latency_counts_and_gauges_by_minute():
    samples = _samples(3, [200, 210, 220], [10, 20, 30])
    samples.lost["to_visitor"] = [61.0, 62.0]
    samples.handoffs = [0.0, 1.0, 65.0]
    rows = per_minute(samples, 3)
    assert [r["to_agent_p50_ms"] for r in rows] == [10, 20, 30]
    assert [r["to_agent_n"] for r in rows] == [60, 60, 60]
    assert [r["to_visitor_lost"] for r in rows] == [0, 2, 0]
    assert [r["messages_sent"] for r in rows] == [60, 60, 60]
    assert [r["handoffs_sent"] for r in rows] == [2, 1, 0]
    assert [r["rss_mb"] for r in rows] == [200, 210, 220]
    assert [r["server_cpu_pct"] for r in rows] == [50, 50, 50]
    assert [r["client_cpu_pct"] for r in rows] == [10, 10, 10]
    assert rows[0]["alert_p50_ms"] is None and rows[0]["alert_n"] == 0  # nothing sent: no figure, not zero


def test_summary_compares_rss_after_warm_up_with_the_end_and_p99_of_first_and_last_windows():
    latencies = [10] * 5 + [13] * 5
    rows = per_minute(samples := _samples(10, [300, 310, 320] + [330] * 6 + [360], latencies), 10)
    result = summary(samples, rows, warmup=3, window=5)
    assert (result["warmup_minute"], result["rss_warm_mb"], result["rss_end_mb"]) == (3, 320, 360)
    assert result["rss_ratio"] == 1.125 and not result["rss_ok"]
    assert (result["to_agent_p99_first_ms"], result["to_agent_p99_last_ms"]) == (10, 13)
    assert result["to_agent_p99_ratio"] == 1.3 and not result["p99_ok"]
    assert result["messages_lost"] == 0 and result["lost_ok"] and result["messages_timed"] == 1200


def test_summary_of_a_steady_run_is_within_the_targets():
    rows = per_minute(samples := _samples(10, [300] * 10, [10] * 10), 10)
    result = summary(samples, rows)
    assert result["rss_ratio"] == 1.0 and result["rss_ok"]
    assert result["to_agent_p99_ratio"] == 1.0 and result["to_visitor_p99_ratio"] == 1.0 and result["p99_ok"]


def test_a_run_shorter_than_the_warm_up_compares_with_its_second_to_last_minute():
    rows = per_minute(samples := _samples(3, [200, 210, 231], [10] * 3), 3)
    result = summary(samples, rows, warmup=3)
    assert (result["warmup_minute"], result["rss_ratio"]) == (2, 1.1)


def test_write_files_writes_the_rows_the_summary_and_a_standalone_page(tmp_path):
    rows = per_minute(samples := _samples(2, [200, 200], [10, 10]), 2)
    result = summary(samples, rows)
    meta = {"started": "2026-12-04 10:00", "setup": "1 worker, SQLite", "minutes": 2, "visitors": 1, "agents": 1,
            "floor": "p50 0.1 ms  p99 0.2 ms"}  # fmt: skip
    paths = write_files(tmp_path / "soak", rows, result, meta)
    assert paths["csv"].read_text().splitlines()[0].startswith("minute,")
    assert json.loads(paths["json"].read_text())["summary"]["rss_ratio"] == 1.0
    page = paths["html"].read_text()
    assert len(page) > 1_000_000 and 'src="https://cdn' not in page  # plotly.js inside: works offline


def test_no_p99_verdict_when_the_first_and_last_windows_overlap():
    rows = per_minute(samples := _samples(6, [300] * 6, [10] * 3 + [50] * 3), 6)
    assert summary(samples, rows, window=5)["p99_ok"] is None
