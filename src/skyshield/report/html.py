"""The briefing report: one self-contained HTML file (styles inline, figures as PNG data URIs).

Every number shown comes from the assessment summary (``summary.json``); a number is wrapped
in an element whose ``data-metric`` attribute is its path in the summary (keys joined by ``/``)
and, when it is shown scaled (M USD, %), whose ``data-scale`` is the factor, so a reader or a
test can check the page against the summary.  No script, no external address: the file opens
offline and can be handed on as it is.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from skyshield.engine.names import FATES
from skyshield.report.assumptions import AssumptionGroup
from skyshield.report.counterfactual import recent_record_section
from skyshield.report.figures import FATE_LABELS
from skyshield.report.limits import LimitSection
from skyshield.report.sources import cited_sources, group_notes, sources_section


@dataclass(frozen=True)
class FigureImage:
    """A figure for the report: its anchor id, PNG bytes, alternative text and caption."""

    id: str
    png: bytes
    alt: str
    caption: str


_CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1c1c1c; margin: 0;
       background: #fff; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 1.2em 1.6em 3em; }
header { background: #1f3b73; color: #fff; padding: 1.2em 1.6em; }
header h1 { margin: 0 0 0.2em; font-size: 1.6em; }
header p { margin: 0; color: #d6e0f5; }
nav { font-size: 0.9em; margin: 0.8em 0 0; }
nav a { color: #fff; margin-right: 1em; }
section:first-child h2 { margin-top: 0.6em; }
h2 { border-bottom: 2px solid #1f3b73; padding-bottom: 0.15em; margin-top: 2em; color: #1f3b73; }
h3 { margin-bottom: 0.3em; }
.question { font-size: 1.05em; background: #f3f6fb; border-left: 4px solid #1f3b73;
            padding: 0.6em 1em; }
.answer { font-size: 1.05em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 0.7em; }
.card { border: 1px solid #cfd8e6; border-radius: 6px; padding: 0.6em 0.8em; background: #fafcff; }
.card .label { font-size: 0.82em; color: #555; }
.card .value { font-size: 1.55em; font-weight: bold; color: #1f3b73; }
.card .ci { font-size: 0.8em; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.86em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #d5d5d5; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.num { text-align: right; white-space: nowrap; }
td.src { font-size: 0.9em; color: #444; }
.ci { color: #555; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
figcaption { font-size: 0.88em; color: #444; }
.note { font-size: 0.9em; color: #444; }
code { background: #f2f2f2; padding: 0 0.25em; }
footer { font-size: 0.8em; color: #666; margin-top: 3em; }
"""


def lookup(summary: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` (keys or list indices joined by ``/``) in the summary; None where
    the path names nothing (a metric no replication defined)."""
    node: Any = summary
    for step in path.split("/"):
        if isinstance(node, list):
            node = node[int(step)] if int(step) < len(node) else None
        else:
            node = node.get(step) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


class _Numbers:
    """Formats numbers of the summary as tagged elements."""

    def __init__(self, summary: Mapping[str, Any]) -> None:
        self.summary = summary

    def num(self, path: str, fmt: str = "{:,.1f}", scale: float = 1.0) -> str:
        """The number at ``path``, formatted, in a ``data-metric`` element; "n/a" if undefined."""
        value = lookup(self.summary, path)
        if value is None:
            return '<span class="na">n/a</span>'
        attrs = f' data-scale="{scale:g}"' if scale != 1.0 else ""
        return f'<span data-metric="{escape(path)}"{attrs}>{fmt.format(value * scale)}</span>'

    def ci(self, path: str, fmt: str = "{:,.1f}", scale: float = 1.0) -> str:
        """Mean and 95 % interval of the interval at ``path``: ``m [low-high]``."""
        iv = lookup(self.summary, path)
        mean = self.num(f"{path}/mean", fmt, scale)
        if iv is None or iv["low"] is None or iv["high"] is None or iv["low"] == iv["high"]:
            return mean
        low, high = self.num(f"{path}/low", fmt, scale), self.num(f"{path}/high", fmt, scale)
        return f'{mean} <span class="ci">[{low}&ndash;{high}]</span>'


def _figure(f: FigureImage) -> str:
    data = base64.b64encode(f.png).decode("ascii")
    return (
        f'<figure id="fig-{escape(f.id)}"><img src="data:image/png;base64,{data}" '
        f'alt="{escape(f.alt)}"><figcaption>{escape(f.caption)}</figcaption></figure>'
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], num_from: int = 1) -> str:
    """A table of already-escaped cells; columns from ``num_from`` on are right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i >= num_from else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _assumption_table(group: AssumptionGroup, key_only: bool) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in (14, 16, 24, 46))
    rows = [r for r in group.rows if r.key or not key_only]
    body = "".join(
        f"<tr><td>{escape(r.item)}</td><td>{escape(r.parameter)}</td><td>{escape(r.value)}</td>"
        f'<td class="src">{escape(r.source)}</td></tr>'
        for r in rows
    )
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr><th>item</th><th>figure</th><th>value</th><th>source</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _markdown_inline(text: str) -> str:
    """Escaped text with ``**bold**`` and `` `code` `` rendered."""
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def render_report(
    summary: Mapping[str, Any],
    groups: Sequence[AssumptionGroup],
    limits: Sequence[LimitSection],
    figures: Mapping[str, FigureImage],
) -> str:
    """The report as one HTML document.  ``figures`` by id: ``night_map``, ``hits_by_asset``,
    ``kills_by_layer`` and, with a sweep, ``sizing``."""
    n = _Numbers(summary)
    s = summary
    raid = s["raid"]
    title = f"Sky Shield assessment: {s['scenario']}"
    usd_m = ("{:,.2f}", 1e-6)
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f"<p>{escape(s['description'] or '')} Raid: {escape(raid['night'])}"
        f" ({n.num('raid/weapons', '{:,.0f}')} weapons). {n.num('replications', '{:,.0f}')}"
        f" replications, seed {escape(str(s['seed']))}; Sky Shield {escape(s['version'])},"
        f" {escape(s['created_at'])}.</p>",
        '<nav><a href="#answer">answer</a><a href="#assumptions">assumptions</a>'
        '<a href="#map">map</a><a href="#assets">hits per asset</a><a href="#layers">kills by'
        ' layer</a><a href="#cost">sorties, weapons, cost</a><a href="#sizing">sizing</a>'
        '<a href="#recent">the record</a>'
        '<a href="#limits">limits</a><a href="#provenance">provenance</a>'
        '<a href="#appendix">appendix</a><a href="#sources">sources</a></nav></header><main>',
    ]
    # the question and the answer
    h = "headline"
    parts += [
        '<section id="answer"><h2>The question and the answer</h2>',
        '<p class="question"><strong>Question.</strong> Against a night like'
        f" <em>{escape(raid['night'])}</em> ({n.num('raid/weapons', '{:,.0f}')} drones and"
        " missiles), what do the coalition's fighters on combat air patrol add to Ukraine's own"
        " air defences over the protected assets, and at what cost?</p>",
        '<p class="answer"><strong>Answer.</strong> With Ukraine\'s defences alone, about'
        f" {n.ci(f'{h}/hits_on_assets_baseline')} weapons a night hit protected assets. With the"
        f" shield ({n.num(f'{h}/jets_committed')} of {n.num(f'{h}/jets_pledged', '{:,.0f}')}"
        f" pledged jets committed, holding {n.num(f'{h}/stations_held', '{:,.0f}')} of"
        f" {n.num(f'{h}/stations', '{:,.0f}')} CAP stations around the clock) that falls to"
        f" {n.ci(f'{h}/hits_on_assets_shield')}: {n.ci(f'{h}/hits_on_assets_avoided')} hits"
        f" avoided a night. The fighters kill {n.ci(f'{h}/killed_by_fighters')} threats a night"
        f" in {n.ci(f'{h}/sorties')} sorties with {n.ci(f'{h}/shots', '{:,.0f}')} shots. The"
        f" shield costs {n.ci(f'{h}/cost_per_night_usd', *usd_m)} M USD a night, about"
        f" {n.ci(f'{h}/cost_per_hit_avoided_usd', '{:,.0f}')} USD per hit avoided. The closest"
        " a fighter comes to hostile territory in a night is"
        f" {n.num(f'{h}/pilot_exposure_min_km/mean', '{:,.0f}')} km. Means over the"
        " replications, 95 % intervals in brackets.</p>",
        '<div class="cards">',
    ]
    cards = [
        ("hits on protected assets a night, Ukraine's defences alone", f"{h}/hits_on_assets_baseline", "{:,.1f}", 1.0, ""),
        ("hits on protected assets a night, with the shield", f"{h}/hits_on_assets_shield", "{:,.1f}", 1.0, ""),
        ("hits avoided a night by the shield", f"{h}/hits_on_assets_avoided", "{:,.1f}", 1.0, ""),
        ("threats killed a night by the shield's fighters", f"{h}/killed_by_fighters", "{:,.1f}", 1.0, ""),
        ("shield cost a night", f"{h}/cost_per_night_usd", *usd_m, " M USD"),
        ("cost per hit avoided", f"{h}/cost_per_hit_avoided_usd", "{:,.0f}", 1.0, " USD"),
        ("protected share of weapons aimed at assets, with the shield", f"{h}/protection_ratio_shield", "{:.0f}", 100.0, " %"),
        ("closest a fighter comes to hostile territory", f"{h}/pilot_exposure_min_km", "{:,.0f}", 1.0, " km"),
    ]  # fmt: skip
    for label, path, fmt, scale, unit in cards:
        iv = lookup(s, path)
        ci = (
            f'<div class="ci">95 % interval {n.num(f"{path}/low", fmt, scale)}&ndash;'
            f"{n.num(f'{path}/high', fmt, scale)}{escape(unit)}</div>"
            if iv["low"] is not None and iv["low"] != iv["high"]
            else ""
        )
        parts.append(
            f'<div class="card"><div class="label">{escape(label)}</div><div class="value">'
            f"{n.num(f'{path}/mean', fmt, scale)}{escape(unit)}</div>{ci}</div>"
        )
    parts.append(
        '<div class="card"><div class="label">CAP stations held 24/7</div><div class="value">'
        f"{n.num(f'{h}/stations_held', '{:,.0f}')} of {n.num(f'{h}/stations', '{:,.0f}')}</div>"
        f'<div class="ci">{n.num(f"{h}/jets_committed")} of'
        f" {n.num(f'{h}/jets_pledged', '{:,.0f}')} jets committed</div></div></div></section>"
    )
    # assumptions
    parts += [
        '<section id="assumptions"><h2>Scenario and assumptions</h2>',
        f"<p>Scenario <code>{escape(s['origin'])}</code>. The main figures that drive the result,"
        " each with its source note (<em>source:</em> the keys of the public sources that state"
        ' it, listed under <a href="#sources">sources</a>; <em>assumption:</em> no source states'
        " it, the project's choice and its reason). Every figure used is listed in the"
        ' <a href="#appendix">appendix</a>.</p>',
    ]
    for g in groups:
        if any(r.key for r in g.rows):
            parts += [f"<h3>{escape(g.title)}</h3>", _assumption_table(g, key_only=True)]
    parts.append("</section>")
    # map
    sn = s["sample_night"]
    fate_rows = [
        [escape(FATE_LABELS[f])]
        + [n.num(f"sample_night/fates/{d}/{f}", "{:,.0f}") for d in ("baseline", "shield")]
        for f in FATES
    ]
    weapons = ", ".join(
        f"{n.num(f'sample_night/weapons/{w}', '{:,.0f}')} {escape(w)}" for w in sn["weapons"]
    )
    parts += [
        '<section id="map"><h2>Map: a sample night</h2>',
        f"<p>Replication {escape(str(sn['rep']))} of the Monte Carlo run (seed"
        f" {escape(str(sn['seed']))}), flown with the shield: every threat's track up to where it"
        " ended, coloured by its fate; the fighters' legs; bases, CAP stations, AEW orbits and"
        " tanker tracks; the patrol and engagement zones, hostile areas and protected assets."
        " One night of many: the figures below are means over all replications.</p>",
        _figure(figures["night_map"]),
        _table(["fate, this night", "Ukraine's defences alone", "with the shield"], fate_rows),
        f"<p class='note'>This night: {n.num('sample_night/sorties', '{:,.0f}')} sorties,"
        f" {n.num('sample_night/shots', '{:,.0f}')} shots ({weapons or 'none'}).</p>",
        "</section>",
    ]
    # hits per asset
    asset_rows = [
        [escape(a["name"]), escape(a["kind"]), n.num(f"hits_by_asset/{i}/value", "{:g}"),
         n.ci(f"hits_by_asset/{i}/baseline"), n.ci(f"hits_by_asset/{i}/shield"),
         n.ci(f"hits_by_asset/{i}/avoided")]
        for i, a in enumerate(s["hits_by_asset"])
    ]  # fmt: skip
    parts += [
        '<section id="assets"><h2>Hits per protected asset</h2>',
        _figure(figures["hits_by_asset"]),
        _table(
            [
                "asset",
                "kind",
                "value weight",
                "hits a night, Ukraine's defences alone",
                "with the shield",
                "avoided (paired)",
            ],
            asset_rows,
            num_from=2,
        ),
        "<p class='note'>Means over the replications with 95 % Student-t intervals; the hits"
        " avoided are the paired differences (same seeds, common random numbers).</p></section>",
    ]
    # kills by layer
    layer_rows = [
        [escape(FATE_LABELS[f])] + [n.ci(f"kills_by_layer/{d}/{f}") for d in ("baseline", "shield")]
        for f in FATES
    ]
    parts += [
        '<section id="layers"><h2>Kills by layer</h2>',
        _figure(figures["kills_by_layer"]),
        _table(
            ["how threats ended, a night", "Ukraine's defences alone", "with the shield"],
            layer_rows,
        ),
        "<p class='note'>Ground defences: area defences (mobile fire groups, interceptor drones,"
        " SAM belts) and terminal defences at the assets, calibrated on the 2025 record; EW:"
        " threats the record reports as not having reached their target.</p></section>",
    ]
    # sorties, weapons, cost
    m = "metrics"
    cost_rows = [
        ("sorties flown in the night", n.ci(f"{m}/shield.sorties")),
        ("flight hours in the night", n.ci(f"{m}/shield.flight_hours")),
        ("threats engaged", n.ci(f"{m}/shield.threats_engaged")),
        ("shots (weapons fired)", n.ci(f"{m}/shield.shots")),
        *((f"shots of {w}", n.ci(f"{m}/shield.weapons.{w}"))
          for w in sorted(k.removeprefix("shield.weapons.") for k in s[m]
                          if k.startswith("shield.weapons."))),
        ("weapons cost, M USD", n.ci(f"{m}/shield.weapon_cost_usd", *usd_m)),
        ("flight cost, M USD", n.ci(f"{m}/shield.flight_cost_usd", *usd_m)),
        ("AEW and tanker cost, M USD", n.ci(f"{m}/shield.support_cost_usd", *usd_m)),
        ("shield cost a night, M USD", n.ci(f"{m}/shield.shield_cost_usd", *usd_m)),
        ("cost per fighter kill, USD", n.ci(f"{m}/shield.cost_per_fighter_kill_usd", "{:,.0f}")),
        ("cost per hit avoided, USD", n.ci(f"{m}/marginal.cost_per_hit_avoided_usd", "{:,.0f}")),
        ("cost-exchange ratio (value of threats killed by fighters / shield cost)",
         n.ci(f"{m}/shield.cost_exchange_ratio", "{:,.2f}")),
    ]  # fmt: skip
    t = "totals"
    plan_rows = [
        ("CAP stations held 24/7", f"{n.num(f'{t}/stations_held', '{:,.0f}')} of {n.num(f'{t}/stations', '{:,.0f}')}"),
        ("aircraft on station (held / required)", f"{n.num(f'{t}/on_station_held')} / {n.num(f'{t}/on_station_required', '{:,.0f}')}"),
        ("jets pledged / committed / spare", f"{n.num(f'{t}/aircraft_pledged', '{:,.0f}')} / {n.num(f'{t}/aircraft_committed')} / {n.num(f'{t}/aircraft_spare')}"),
        ("fighter sorties a day", n.num(f"{t}/fighter_sorties_per_day", "{:,.0f}")),
        ("fighter flight hours a day", n.num(f"{t}/fighter_flight_hours_per_day", "{:,.0f}")),
        ("fighter cost a day, M USD", n.num(f"{t}/fighter_cost_per_day_usd", *usd_m)),
        ("AEW and tanker cost a day, M USD", n.num(f"{t}/support_cost_per_day_usd", *usd_m)),
        ("closest transit to hostile territory, km", n.num(f"{t}/pilot_exposure_min_km", "{:,.0f}")),
    ]  # fmt: skip
    short = "".join(f"<li>{escape(x)}</li>" for x in s["shortfalls"])
    parts += [
        '<section id="cost"><h2>Sorties, weapons and cost</h2>',
        "<h3>The night (with the shield; means and 95 % intervals)</h3>",
        _table(["figure", "a night"], cost_rows),
        "<h3>The force plan (sortie generation, steady state)</h3>",
        _table(["figure", "value"], plan_rows),
        f"<p><strong>What is short:</strong></p><ul>{short}</ul>"
        if short
        else "<p><strong>What is short:</strong> nothing, every station is held.</p>",
        "</section>",
    ]
    # sizing curve
    parts.append('<section id="sizing"><h2>Sizing curve</h2>')
    sweep = s["sweep"]
    if sweep is None or "sizing" not in figures:
        parts.append("<p>No sizing sweep was run (<code>--no-sweep</code>).</p>")
    else:
        k = "sweep/points"
        sweep_rows = [
            [n.num(f"{k}/{i}/value", "{:,.0f}") if isinstance(p["value"], int | float) else escape(str(p["value"])),
             n.ci(f"{k}/{i}/metrics/baseline.hits_on_assets"), n.ci(f"{k}/{i}/metrics/shield.hits_on_assets"),
             n.ci(f"{k}/{i}/metrics/marginal.hits_on_assets_avoided"),
             n.ci(f"{k}/{i}/metrics/shield.shield_cost_usd", *usd_m),
             escape(p["run_id"])]
            for i, p in enumerate(sweep["points"])
        ]  # fmt: skip
        parts += [
            f"<p>The same night and the same seeds at each value of <code>{escape(sweep['path'])}</code>"
            " (every pledge scaled, the coalition's mix kept),"
            f" {n.num('sweep/runs', '{:,.0f}')} replications a point.</p>",
            _figure(figures["sizing"]),
            _table(
                [
                    escape(sweep["path"]),
                    "hits, Ukraine's defences alone",
                    "hits, with the shield",
                    "hits avoided",
                    "shield cost a night, M USD",
                    "run",
                ],
                sweep_rows,
            ),
        ]
    parts.append("</section>")
    if "recent_record" in figures:
        parts.append(recent_record_section(s, _figure(figures["recent_record"])))
    # limits
    parts += [
        '<section id="limits"><h2>The model\'s limits</h2>',
        "<p>What the model does not represent (from <code>skyshield/data/limits.md</code>, the"
        " list the documentation shares).</p>",
    ]
    for sec in limits:
        items = "".join(f"<li>{_markdown_inline(i)}</li>" for i in sec.items)
        parts.append(f"<h3>{escape(sec.title)}</h3><ul>{items}</ul>")
    parts.append("</section>")
    # provenance
    sweep_runs = ", ".join(p["run_id"] for p in sweep["points"]) if sweep else "none"
    prov = [
        ("Sky Shield version", escape(s["version"])),
        ("made", escape(s["created_at"])),
        ("scenario", f"{escape(s['scenario'])} (<code>{escape(s['origin'])}</code>)"),
        ("scenario SHA-256", f"<code>{escape(s['scenario_sha256'])}</code>"),
        ("raid", f"{escape(raid['ref'])}: night {escape(raid['night'])} ({escape(raid['source'])})"),
        ("base seed; replications; workers",
         f"{escape(str(s['seed']))}; {n.num('replications', '{:,.0f}')}; {escape(str(s['workers']))}"),
        ("Monte Carlo run", f"<code>{escape(s['run_id'])}</code> in <code>{escape(s['store'])}</code>"),
        ("sizing sweep runs", escape(sweep_runs)),
        ("command", f"<code>{escape(s['command'])}</code>"),
        ("reproduce the Monte Carlo run", f"<code>{escape(s['rerun'])}</code>"),
        ("time", ", ".join(f"{escape(k)} {v:.1f} s" for k, v in s["timings_s"].items())),
    ]  # fmt: skip
    parts += [
        '<section id="provenance"><h2>Provenance</h2>',
        _table(["", ""], prov, num_from=2),
        "</section>",
        '<section id="appendix"><h2>Appendix: every figure used, with its source</h2>',
    ]
    for g in groups:
        parts += [f"<h3>{escape(g.title)}</h3>", _assumption_table(g, key_only=False)]
    parts += [
        "</section>",
        sources_section(cited_sources(group_notes(groups))),
        f"<footer>Sky Shield {escape(s['version'])}. Figures made with matplotlib. Borders:"
        " Natural Earth (public domain). Attack record: “Massive Missile Attacks on Ukraine”,"
        " Petro Ivaniuk (Kaggle).</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)
