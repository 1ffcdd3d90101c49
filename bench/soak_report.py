"""The soak's figures: raw samples into per-minute rows, the summary against its targets, and the
files (CSV, JSON, a standalone plotly HTML page). Pure apart from the writing; bench/soak.py
collects the samples.

Times are seconds since the load started; latencies are seconds; a sample belongs to the minute
in which its message (or handoff) was sent.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import quantiles

# The directions timed, with the handoff request itself and the alert it raises in every agent tab.
SERIES = {
    "to_agent": "visitor -> agent",
    "to_visitor": "agent -> visitor",
    "handoff": "handoff request",
    "alert": "handoff -> tab alert",
}
RSS_TARGET = 1.10  # RSS at the end within 10 % of RSS after warm-up
P99_TARGET = 1.2  # p99 of the last 5 minutes within 1.2x of the first 5


@dataclass
class Samples:
    """What a soak collected: (sent at, latency) per series, (sent at) of what was lost per
    series, when each message was sent, and (at, RSS KiB, server CPU s, client CPU s, load)
    taken at each minute's end (plus one at the start)."""

    timed: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {name: [] for name in SERIES})
    lost: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in SERIES})
    sent: list[float] = field(default_factory=list)
    handoffs: list[float] = field(default_factory=list)
    gauges: list[tuple[float, int, float, float, float]] = field(default_factory=list)


def minute(at: float, minutes: int) -> int:
    """The minute `at` falls in; what comes after the end (the last stragglers) counts in the last."""
    return min(max(0, int(at // 60)), minutes - 1)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def _p50_p99(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    p50, p99 = quantiles(values)
    return _ms(p50), _ms(p99)


def per_minute(samples: Samples, minutes: int) -> list[dict]:
    """One row a minute: latencies p50/p99 (ms) and losses per series, messages and handoffs sent,
    server RSS (MB) at the minute's end, server and bench client CPU as % of a core over it."""
    rows = [{"minute": m + 1} for m in range(minutes)]
    for name in SERIES:
        values: list[list[float]] = [[] for _ in range(minutes)]
        for at, latency in samples.timed[name]:
            values[minute(at, minutes)].append(latency)
        lost = [0] * minutes
        for at in samples.lost[name]:
            lost[minute(at, minutes)] += 1
        for m, row in enumerate(rows):
            row[f"{name}_p50_ms"], row[f"{name}_p99_ms"] = _p50_p99(values[m])
            row[f"{name}_n"], row[f"{name}_lost"] = len(values[m]), lost[m]
    for key, times in (("messages_sent", samples.sent), ("handoffs_sent", samples.handoffs)):
        counts = [0] * minutes
        for at in times:
            counts[minute(at, minutes)] += 1
        for m, row in enumerate(rows):
            row[key] = counts[m]
    # The gauges are taken at the start and at each minute's end: the k-th pair spans minute k.
    for m, (before, after) in enumerate(zip(samples.gauges, samples.gauges[1 : minutes + 1], strict=False)):
        span = after[0] - before[0]
        rows[m]["rss_mb"] = round(after[1] / 1024, 1)
        rows[m]["server_cpu_pct"] = round((after[2] - before[2]) / span * 100, 1)
        rows[m]["client_cpu_pct"] = round((after[3] - before[3]) / span * 100, 1)
        rows[m]["load_avg"] = after[4]
    return rows


def _pooled(samples: Samples, name: str, first: int, last: int) -> list[float]:
    """Latencies of series `name` sent in minutes first..last (0-based, inclusive)."""
    return [latency for at, latency in samples.timed[name] if first * 60 <= at < (last + 1) * 60]


def summary(samples: Samples, rows: list[dict], warmup: int = 3, window: int = 5) -> dict:
    """The soak's verdicts: RSS at the end over RSS after `warmup` minutes, p99 of the last
    `window` minutes over the first `window`, messages and alerts lost."""
    minutes = len(rows)
    warm = min(warmup, max(1, minutes - 1))  # a run too short for the warm-up compares what it has
    rss_warm, rss_end = rows[warm - 1].get("rss_mb"), rows[-1].get("rss_mb")
    result = {
        "warmup_minute": warm,
        "rss_warm_mb": rss_warm,
        "rss_end_mb": rss_end,
        "rss_ratio": round(rss_end / rss_warm, 3) if rss_warm and rss_end else None,
        "window_minutes": min(window, minutes),
    }
    for name in ("to_agent", "to_visitor", "alert"):
        _, early = _p50_p99(_pooled(samples, name, 0, window - 1))
        _, late = _p50_p99(_pooled(samples, name, max(0, minutes - window), minutes - 1))
        result[f"{name}_p99_first_ms"], result[f"{name}_p99_last_ms"] = early, late
        result[f"{name}_p99_ratio"] = round(late / early, 2) if early and late else None
    result["messages_sent"] = len(samples.sent)
    result["messages_lost"] = len(samples.lost["to_agent"]) + len(samples.lost["to_visitor"])
    result["messages_timed"] = (
        len(samples.timed["to_agent"]) + len(samples.timed["to_visitor"]) + result["messages_lost"]
    )
    result["alerts_lost"] = len(samples.lost["alert"])
    result["handoffs_failed"] = len(samples.lost["handoff"])
    result["rss_ok"] = result["rss_ratio"] is not None and result["rss_ratio"] <= RSS_TARGET
    ratios = [result[f"{name}_p99_ratio"] for name in ("to_agent", "to_visitor")]
    # Windows that overlap (a run shorter than two of them) compare a minute with itself: no verdict.
    result["p99_ok"] = all(r is not None and r <= P99_TARGET for r in ratios) if minutes >= 2 * window else None
    result["lost_ok"] = result["messages_lost"] == 0
    return result


def write_files(stem: Path, rows: list[dict], result: dict, meta: dict) -> dict[str, Path]:
    """`stem`.csv (the rows), `stem`.json (meta, summary, rows) and `stem`.html (the plots)."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = {kind: stem.with_suffix(f".{kind}") for kind in ("csv", "json", "html")}
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with paths["csv"].open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    paths["json"].write_text(json.dumps({"meta": meta, "summary": result, "minutes": rows}, indent=1))
    _plot(rows, result, meta).write_html(paths["html"], include_plotlyjs=True, full_html=True)
    return paths


def _plot(rows: list[dict], result: dict, meta: dict):
    from plotly.subplots import make_subplots

    x = [row["minute"] for row in rows]
    figure = make_subplots(
        rows=4, cols=1, shared_xaxes=True, vertical_spacing=0.06, specs=[[{}], [{}], [{}], [{"secondary_y": True}]],
        subplot_titles=("Latency (ms, by minute sent)", "Server RSS (MB, all processes)",
                        "CPU (% of one core)", "Per minute: messages sent, handoffs (left), lost (right)"),
    )  # fmt: skip
    for name, colour in (("to_agent", "#1f77b4"), ("to_visitor", "#2ca02c"), ("alert", "#d62728")):
        for stat, dash in (("p50", "solid"), ("p99", "dot")):
            figure.add_scatter(
                x=x, y=[row.get(f"{name}_{stat}_ms") for row in rows], name=f"{SERIES[name]} {stat}",
                line={"color": colour, "dash": dash}, row=1, col=1,
            )  # fmt: skip
    figure.add_scatter(x=x, y=[row.get("rss_mb") for row in rows], name="server RSS", row=2, col=1,
                       line={"color": "#9467bd"})  # fmt: skip
    figure.add_scatter(x=x, y=[row.get("server_cpu_pct") for row in rows], name="server CPU", row=3, col=1,
                       line={"color": "#ff7f0e"})  # fmt: skip
    figure.add_scatter(x=x, y=[row.get("client_cpu_pct") for row in rows], name="bench client CPU", row=3, col=1,
                       line={"color": "#7f7f7f", "dash": "dot"})  # fmt: skip
    figure.add_bar(x=x, y=[row["messages_sent"] for row in rows], name="messages sent", row=4, col=1,
                   marker={"color": "#aec7e8"})  # fmt: skip
    figure.add_bar(x=x, y=[row["handoffs_sent"] for row in rows], name="handoffs", row=4, col=1,
                   marker={"color": "#c49c94"})  # fmt: skip
    for name, lost, colour in (
        ("messages lost", [row["to_agent_lost"] + row["to_visitor_lost"] for row in rows], "#d62728"),
        ("alerts lost", [row["alert_lost"] for row in rows], "#8c564b"),
    ):
        figure.add_scatter(
            x=x, y=lost, name=f"{name} (right axis)", mode="lines+markers+text", text=lost,
            textposition="top center", line={"color": colour}, row=4, col=1, secondary_y=True,
        )  # fmt: skip
    ticks = [m * 10**k for k in range(7) for m in (1, 2, 5)]  # 1 ms .. 5,000 s, labelled at any range
    figure.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:,}" for t in ticks], row=1, col=1)
    most_lost = max((row[f"{n}_lost"] for row in rows for n in ("to_agent", "to_visitor", "alert")), default=0)
    figure.update_yaxes(rangemode="tozero", dtick=max(1, -(-most_lost // 4)), row=4, col=1, secondary_y=True)
    figure.update_yaxes(rangemode="tozero", row=2, col=1)
    figure.update_yaxes(rangemode="tozero", row=3, col=1)
    figure.update_xaxes(title_text="minute", dtick=1 if len(rows) <= 15 else 5, row=4, col=1)
    title = (
        f"Kiko soak {meta['started']}: {meta['setup']}, {meta['visitors']} visitors, {meta['agents']} agents, "
        f"{meta['minutes']} min<br><sup>RSS end / minute {result['warmup_minute']}: {result['rss_ratio']} "
        f"(target <= {RSS_TARGET}); p99 last / first {result['window_minutes']} min: visitor -> agent "
        f"{result['to_agent_p99_ratio']}, agent -> visitor {result['to_visitor_p99_ratio']} (target <= {P99_TARGET}); "
        f"lost {result['messages_lost']} messages, {result['alerts_lost']} alerts; floor {meta['floor']}</sup>"
    )
    figure.update_layout(title=title, height=1000, barmode="group", legend={"orientation": "v"},
                         margin={"t": 110})  # fmt: skip
    return figure
