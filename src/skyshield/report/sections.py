"""The report's sections after the answer: assumptions, the sample night's map, hits per asset,
kills by layer, cost (the night defined, and reconciled with the plan's day), sizing, glossary,
limits, provenance and the appendices.  :data:`SECTIONS` is their order; a new section is one
more entry."""

from __future__ import annotations

from html import escape

from skyshield.engine.names import FATES
from skyshield.report.answer import answer_section, stations_section
from skyshield.report.assumptions import AssumptionGroup
from skyshield.report.charts import plain_name
from skyshield.report.counterfactual import recent_record_section
from skyshield.report.figures import FATE_LABELS
from skyshield.report.markup import Context, Section, figure, markdown_inline, section, table
from skyshield.report.sources import cited_sources, group_notes, sources_section

M = 1e-6


def _assumption_table(group: AssumptionGroup, key_only: bool) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in (14, 16, 24, 46))
    rows = [r for r in group.rows if r.key or not key_only]
    body = "".join(
        f"<tr><td>{escape(r.item)}</td><td>{escape(r.parameter)}</td><td>{escape(r.value)}</td>"
        f'<td class="src">{escape(r.source)}</td></tr>'
        for r in rows
    )
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr><th>item</th><th>figure</th><th>value</th>"
        f"<th>source</th></tr></thead><tbody>{body}</tbody></table>"
    )


def assumptions_section(ctx: Context) -> str:
    """The figures that drive the result, with their source notes."""
    s = ctx.summary
    parts = [
        f"<p>Scenario <code>{escape(s['origin'])}</code>. The main figures that drive the result,"
        " each with its source note (<em>source:</em> the keys of the public sources that state"
        ' it, listed under <a href="#sources">sources</a>; <em>assumption:</em> no source states'
        " it, the project's choice and its reason). Every figure used is listed in the"
        ' <a href="#appendix">appendix</a>.</p>'
    ]
    for g in ctx.groups:
        if any(r.key for r in g.rows):
            parts += [f"<h3>{escape(g.title)}</h3>", _assumption_table(g, key_only=True)]
    return section("assumptions", "Scenario and assumptions", *parts)


def map_section(ctx: Context) -> str:
    """The sample night on the map, and its fates (whole counts: one night)."""
    s, n = ctx.summary, ctx.n
    sn = s["sample_night"]
    fate_rows = [
        [escape(FATE_LABELS[f])]
        + [n.num(f"sample_night/fates/{d}/{f}", "count") for d in ("baseline", "shield")]
        for f in FATES
    ]
    weapons = ", ".join(
        f"{n.num(f'sample_night/weapons/{w}', 'count')} {escape(w)}" for w in sn["weapons"]
    )
    return section(
        "map",
        "Map: a sample night",
        f"<p>Replication {escape(str(sn['rep']))} of the Monte Carlo run (its seed is under"
        ' <a href="#provenance">provenance</a>), flown with the shield: every threat\'s track up'
        " to where it ended, coloured by its fate; the fighters' legs; host bases, CAP stations"
        " (aircraft on station held / required), AEW orbits and the tanker track; the patrol and"
        " engagement zones, hostile areas and protected assets. One night of many: the figures"
        " below are means over all replications.</p>",
        figure(ctx.figures["night_map"]),
        table(["fate, this night", "Ukraine's defences alone", "with the shield"], fate_rows),
        f"<p class='note'>This night: {n.num('sample_night/sorties', 'count')} sorties,"
        f" {n.num('sample_night/shots', 'count')} shots ({weapons or 'none'}).</p>",
    )


def assets_section(ctx: Context) -> str:
    """Hits a night per protected asset, with and without the shield, and avoided."""
    s, n = ctx.summary, ctx.n
    rows = [
        [
            escape(a["name"]),
            escape(a["kind"]),
            n.num(f"hits_by_asset/{i}/value", "exact"),
            n.ci(f"hits_by_asset/{i}/baseline"),
            n.ci(f"hits_by_asset/{i}/shield"),
            n.ci(f"hits_by_asset/{i}/avoided"),
        ]
        for i, a in enumerate(s["hits_by_asset"])
    ]
    return section(
        "assets",
        "Hits per protected asset",
        figure(ctx.figures["hits_by_asset"]),
        table(
            [
                "asset",
                "kind",
                "value weight",
                "hits a night, Ukraine's defences alone",
                "with the shield",
                "avoided (paired)",
            ],
            rows,
            num_from=2,
        ),
        "<p class='note'>Means over the replications with 95 % intervals; the hits avoided are"
        " the paired differences (same seeds for both defences).</p>",
    )


def layers_section(ctx: Context) -> str:
    """How the threats of a night end, by layer."""
    n = ctx.n
    rows = [
        [escape(FATE_LABELS[f])] + [n.ci(f"kills_by_layer/{d}/{f}") for d in ("baseline", "shield")]
        for f in FATES
    ]
    return section(
        "layers",
        "Kills by layer",
        figure(ctx.figures["kills_by_layer"]),
        table(["how threats ended, a night", "Ukraine's defences alone", "with the shield"], rows),
        "<p class='note'>Ground defences: area defences (mobile fire groups, interceptor drones,"
        " SAM belts) and terminal defences at the assets, calibrated on the 2025 record; EW:"
        " threats the record reports as not having reached their target. With the shield the"
        ' ground layers stop fewer: the fighters took those threats first (<a href="#reconcile">'
        "from fighter kills to hits avoided</a>).</p>",
    )


def cost_section(ctx: Context) -> str:
    """The night's sorties, weapons and cost; what a night is and how its cost compares with
    the force plan's daily cost; cost per kill and the exchange ratio with their caveat; the
    force plan's steady state."""
    s, n = ctx.summary, ctx.n
    m, h, nd, t = "metrics", "headline", "night_and_day", "totals"
    night_rows = [
        ("sorties flown in the night", n.ci(f"{m}/shield.sorties")),
        ("flight hours in the night", n.ci(f"{m}/shield.flight_hours")),
        ("threats engaged", n.ci(f"{m}/shield.threats_engaged")),
        ("shots (weapons fired)", n.ci(f"{m}/shield.shots")),
        *(
            (f"shots of {escape(w)}", n.ci(f"{m}/shield.weapons.{w}"))
            for w in sorted(
                k.removeprefix("shield.weapons.") for k in s[m] if k.startswith("shield.weapons.")
            )
        ),
    ]
    money = [
        (
            "length of the night, h",
            n.ci(f"{h}/night_h"),
            n.num(f"{nd}/day_h", "count"),
            n.num(f"{nd}/night_h"),
        ),
        (
            "fighters' flight hours",
            n.ci(f"{h}/flight_hours"),
            n.num(f"{nd}/flight_hours_day"),
            n.num(f"{nd}/flight_hours_pro_rata"),
        ),
        (
            "fighters' flying, M USD",
            n.ci(f"{h}/flight_cost_usd", M),
            n.num(f"{nd}/fighter_cost_day_usd", scale=M),
            n.num(f"{nd}/fighter_cost_pro_rata_usd", scale=M),
        ),
        (
            "AEW and tankers, M USD",
            n.ci(f"{h}/support_cost_usd", M),
            n.num(f"{nd}/support_cost_day_usd", scale=M),
            n.num(f"{nd}/support_cost_pro_rata_usd", scale=M),
        ),
        ("weapons fired, M USD", n.ci(f"{h}/weapon_cost_usd", M), "not counted", "not counted"),
        (
            "<strong>total, M USD</strong>",
            f"<strong>{n.ci(f'{h}/cost_per_night_usd', M)}</strong>",
            n.num(f"{nd}/plan_cost_day_usd", scale=M),
            n.num(f"{nd}/plan_cost_pro_rata_usd", scale=M),
        ),
    ]
    plan_rows = [
        (
            "CAP stations held 24/7",
            f"{n.num(f'{t}/stations_held', 'count')} of {n.num(f'{t}/stations', 'count')}",
        ),
        (
            "aircraft on station (held / required)",
            f"{n.num(f'{t}/on_station_held', 'aircraft')} / {n.num(f'{t}/on_station_required', 'count')}",
        ),
        (
            "jets pledged / committed / spare",
            f"{n.num(f'{t}/aircraft_pledged', 'count')} / {n.num(f'{t}/aircraft_committed', 'aircraft')} / {n.num(f'{t}/aircraft_spare', 'aircraft')}",
        ),
        ("fighter sorties a day", n.num(f"{t}/fighter_sorties_per_day")),
        ("fighter flight hours a day", n.num(f"{t}/fighter_flight_hours_per_day")),
        ("fighter cost a day, M USD", n.num(f"{t}/fighter_cost_per_day_usd", scale=M)),
        ("AEW and tanker cost a day, M USD", n.num(f"{t}/support_cost_per_day_usd", scale=M)),
        (
            "closest planned transit to hostile territory, km",
            n.num(f"{t}/pilot_exposure_min_km", "count"),
        ),
    ]
    short = "".join(f"<li>{escape(x)}</li>" for x in s["shortfalls"])
    return section(
        "cost",
        "Sorties, weapons and cost",
        "<h3>A night</h3><p>The model's night is the raid's window: from its first launch to"
        " the last threat's arrival, here"
        f" {n.ci(f'{h}/night_h')} hours. Flight hours and their cost are counted inside that"
        " window only; the AEW and tanker cost is the plan's daily cost pro rata for the"
        " night's length; the weapons fired are counted at their unit cost. The force plan's"
        " daily cost is 24 hours of the planned flying and support, and no weapons. So a night"
        " can cost more than the plan's day: the weapons come on top. The night's flying differs"
        " from the plan's, pro rata, because fighters dash to intercepts (burning fuel faster)"
        " and fly home early when out of weapons, which calls unplanned reliefs.</p>",
        table(
            [
                "cost",
                "the night (mean, 95 % interval)",
                "the force plan, a day",
                "the plan, pro rata for the night",
            ],
            [list(r) for r in money],
        ),
        '<h3 id="cost-per-kill">Cost per hit avoided, and why not per kill</h3>'
        "<p>The figure to quote is the cost per hit on a protected asset avoided:"
        f" <strong>{n.ci(f'{h}/cost_per_hit_avoided_usd', M)} M USD</strong> (the shield's cost"
        " a night over the hits it avoids a night, a ratio of means). The cost per fighter kill"
        f" ({n.ci(f'{h}/cost_per_fighter_kill_usd', M)} M USD) and the cost-exchange ratio (the"
        " value of the threats the fighters kill over the shield's cost,"
        f" {n.ci(f'{h}/cost_exchange_ratio')}) count every kill as if it saved a target, but"
        f" {n.ci(f'{h}/stopped_anyway')} of the {n.ci(f'{h}/killed_by_fighters')} kills a night"
        " are of threats Ukraine's defences would have stopped anyway"
        ' (<a href="#reconcile">above</a>). They describe the fighters\' work, not what the'
        " shield buys, and should not be quoted as its return.</p>",
        "<h3>The night's sorties and shots (with the shield)</h3>",
        table(["figure", "a night"], night_rows),
        "<h3>The force plan (sortie generation, steady state)</h3>",
        table(["figure", "value"], plan_rows),
        f"<p><strong>What is short:</strong></p><ul>{short}</ul>"
        if short
        else "<p><strong>What is short:</strong> nothing, every station is held.</p>",
    )


def sizing_section(ctx: Context) -> str:
    """Hits and cost against the coalition's size; the main run's point marked."""
    s, n = ctx.summary, ctx.n
    sweep = s["sweep"]
    if sweep is None or "sizing" not in ctx.figures:
        return section(
            "sizing", "Sizing curve", "<p>No sizing sweep was run (<code>--no-sweep</code>).</p>"
        )
    k = "sweep/points"
    rows = []
    main = None
    for i, p in enumerate(sweep["points"]):
        value = (
            n.num(f"{k}/{i}/value", "count")
            if isinstance(p["value"], int | float)
            else escape(str(p["value"]))
        )
        if p.get("main_run"):
            main = i
            value = f"<strong>{value}</strong>"
        rows.append(
            [
                value,
                n.ci(f"{k}/{i}/metrics/baseline.hits_on_assets"),
                n.ci(f"{k}/{i}/metrics/shield.hits_on_assets"),
                n.ci(f"{k}/{i}/metrics/marginal.hits_on_assets_avoided"),
                n.ci(f"{k}/{i}/metrics/shield.shield_cost_usd", M),
                n.num(f"{k}/{i}/runs", "count") + (" (the main run)" if p.get("main_run") else ""),
                f"<code>{escape(p['run_id'])}</code>",
            ]
        )
    if main is not None:
        counts = (
            f" The point at {n.num(f'{k}/{main}/value', 'count')} jets, the coalition as pledged,"
            f" is the main run itself ({n.num(f'{k}/{main}/runs', 'count')} replications), so it"
            " shows the headline's figures; the other points have"
            f" {n.num('sweep/runs', 'count')} replications each, on the same seeds as the main"
            " run's first ones, so their intervals are wider."
        )
    else:
        counts = (
            f" Each point has {n.num('sweep/runs', 'count')} replications against the headline's"
            f" {n.num('replications', 'count')}, so a point's figures can differ from the"
            " headline's by chance within their intervals."
        )
    return section(
        "sizing",
        "Sizing curve",
        f"<p>The same night and the same seeds with the coalition scaled: {escape(plain_name(sweep['path']))}"
        f" (<code>{escape(sweep['path'])}</code>).{counts}</p>",
        figure(ctx.figures["sizing"]),
        table(
            [
                escape(plain_name(sweep["path"])),
                "hits, Ukraine's defences alone",
                "hits, with the shield",
                "hits avoided",
                "shield cost a night, M USD",
                "replications",
                "run",
            ],
            rows,
        ),
    )


def glossary_section(ctx: Context) -> str:
    """Every abbreviation and term the report uses, and the host bases' ICAO codes."""
    items = "".join(
        f"<dt>{escape(g['term'])}</dt><dd>{escape(g['meaning'])}</dd>"
        for g in ctx.summary["glossary"]
    )
    return section("glossary", "Glossary", f'<dl class="glossary">{items}</dl>')


def limits_section(ctx: Context) -> str:
    """What the model does not represent."""
    parts = [
        "<p>What the model does not represent (from <code>skyshield/data/limits.md</code>, the"
        " list the documentation shares).</p>"
    ]
    for sec in ctx.limits:
        items = "".join(f"<li>{markdown_inline(i)}</li>" for i in sec.items)
        parts.append(f"<h3>{escape(sec.title)}</h3><ul>{items}</ul>")
    return section("limits", "The model's limits", *parts)


def provenance_section(ctx: Context) -> str:
    """Version, scenario, seeds, runs and the commands that reproduce them."""
    s, n = ctx.summary, ctx.n
    raid, sweep, sn = s["raid"], s["sweep"], s["sample_night"]
    sweep_runs = ", ".join(p["run_id"] for p in sweep["points"]) if sweep else "none"
    rows = [
        ("Sky Shield version", escape(s["version"])),
        ("made", escape(s["created_at"])),
        ("scenario", f"{escape(s['scenario'])} (<code>{escape(s['origin'])}</code>)"),
        ("scenario SHA-256", f"<code>{escape(s['scenario_sha256'])}</code>"),
        (
            "raid",
            f"{escape(raid['ref'])}: night {escape(raid['night'])} ({escape(raid['source'])})",
        ),
        (
            "base seed; replications; workers",
            f"{escape(str(s['seed']))}; {n.num('replications', 'count')}; {escape(str(s['workers']))}",
        ),
        (
            "sample night",
            f"replication {escape(str(sn['rep']))}, seed <code>{escape(str(sn['seed']))}</code>",
        ),
        (
            "Monte Carlo run",
            f"<code>{escape(str(s['run_id']))}</code> in <code>{escape(str(s['store']))}</code>",
        ),
        ("sizing sweep runs", escape(sweep_runs)),
        ("command", f"<code>{escape(s['command'])}</code>"),
        ("reproduce the Monte Carlo run", f"<code>{escape(str(s['rerun']))}</code>"),
        ("intervals", escape(s["interval_method"])),
        ("time", ", ".join(f"{escape(k)} {v:.1f} s" for k, v in s["timings_s"].items())),
    ]
    return section("provenance", "Provenance", table(["", ""], [list(r) for r in rows], num_from=2))


def appendix_section(ctx: Context) -> str:
    """Every figure the scenario uses, with its source note."""
    parts = []
    for g in ctx.groups:
        parts += [f"<h3>{escape(g.title)}</h3>", _assumption_table(g, key_only=False)]
    return section("appendix", "Appendix: every figure used, with its source", *parts)


def sources_of(ctx: Context) -> str:
    """The bibliography entries the figures cite."""
    return sources_section(cited_sources(group_notes(ctx.groups)))


#: The report's sections in order (anchor, name in the navigation bar, writer).
SECTIONS: tuple[Section, ...] = (
    Section("answer", "answer", answer_section),
    Section("stations", "stations", stations_section),
    Section("assumptions", "assumptions", assumptions_section),
    Section("map", "map", map_section),
    Section("assets", "hits per asset", assets_section),
    Section("layers", "kills by layer", layers_section),
    Section("cost", "sorties, weapons, cost", cost_section),
    Section("sizing", "sizing", sizing_section),
    Section("recent", "the record", recent_record_section),
    Section("glossary", "glossary", glossary_section),
    Section("limits", "limits", limits_section),
    Section("provenance", "provenance", provenance_section),
    Section("appendix", "appendix", appendix_section),
    Section("sources", "sources", sources_of),
)
