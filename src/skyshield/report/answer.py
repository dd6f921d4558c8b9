"""The report's first sections: the question and the answer (with the fighter kills reconciled
with the hits avoided) and who holds each CAP station.

Each headline figure shows its mean and its 95 % interval over the replications (the chance in
the simulation).  Where ``summary.json`` also has ``headline_total[key]`` (an interval that
includes the uncertainty of the model's inputs), it is shown beside it: :func:`figure_text`
and the cards take it when it is there.
"""

from __future__ import annotations

from html import escape

from skyshield.report.markup import Context, section, table
from skyshield.report.stations import COVERS_KM

H = "headline"
#: Shown in M USD.
M = 1e-6

#: Words beside a total interval (model inputs varied as well as the dice).
TOTAL_WORDS = "with the inputs' uncertainty"


def figure_text(ctx: Context, key: str, scale: float = 1.0) -> str:
    """A headline figure: mean and its Monte Carlo interval in brackets, then the total interval
    (``headline_total[key]``) if the summary has one."""
    text = ctx.n.ci(f"{H}/{key}", scale)
    total = ctx.n.bounds(f"{H}_total/{key}", scale)
    if total:
        text += f' <span class="ci-total">[{total} {TOTAL_WORDS}]</span>'
    return text


def _card(
    ctx: Context, label: str, key: str, scale: float = 1.0, unit: str = "", note: str = ""
) -> str:
    """A card: a label, the mean, its interval(s) and a note (HTML)."""
    n = ctx.n
    path = f"{H}/{key}"
    if ctx.summary[H].get(key) is None or ctx.summary[H][key].get("mean") is None:
        value, lines = "n/a", []
    else:
        mean, bounds = n.mean_and_bounds(path, scale)
        value = f"{mean}{escape(unit)}"
        lines = [f"95 % interval {bounds}{escape(unit)}"] if bounds else []
        total = n.bounds(f"{H}_total/{key}", scale)
        if total:
            lines.append(f"{TOTAL_WORDS}: {total}{escape(unit)}")
    if note:
        lines.append(note)
    ci = "".join(f'<div class="ci">{x}</div>' for x in lines)
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{value}</div>{ci}</div>'
    )


def _short_stations(ctx: Context) -> str:
    """The stations not held around the clock, as text: ``kyiv-west empty, 0 of 4 aircraft``."""
    n, out = ctx.n, []
    for i, st in enumerate(ctx.summary["stations"]):
        if st["status"] != "held":
            out.append(
                f"<strong>{escape(st['station'])}</strong> {escape(st['status'])},"
                f" {n.num(f'stations/{i}/on_station', 'aircraft')} of"
                f" {n.num(f'stations/{i}/required', 'count')} aircraft"
            )
    return "; ".join(out)


def answer_section(ctx: Context) -> str:
    """The question, the answer in a paragraph, the cards, and the reconciliation of fighter
    kills with hits avoided."""
    s, n = ctx.summary, ctx.n
    raid = s["raid"]
    h = s[H]
    short = _short_stations(ctx)
    held = (
        f"holding {n.num(f'{H}/stations_held', 'count')} of {n.num(f'{H}/stations', 'count')}"
        f" CAP stations around the clock{'; ' + short if short else ''}"
    )
    question = (
        '<p class="question"><strong>Question.</strong> Against a night like'
        f" <em>{escape(raid['night'])}</em> ({n.num('raid/weapons', 'count')} drones and"
        " missiles), what do the coalition's fighters on combat air patrol (CAP) add to"
        " Ukraine's own air defences over the protected assets, and at what cost?</p>"
    )
    answer = (
        '<p class="answer"><strong>Answer.</strong> With Ukraine\'s defences alone, about'
        f" {figure_text(ctx, 'hits_on_assets_baseline')} weapons a night hit protected assets."
        f" With the shield ({n.num(f'{H}/jets_committed', 'aircraft')} of"
        f" {n.num(f'{H}/jets_pledged', 'count')} pledged jets committed, {held}) that falls to"
        f" {figure_text(ctx, 'hits_on_assets_shield')}: <strong>"
        f"{figure_text(ctx, 'hits_on_assets_avoided')} hits on protected assets avoided a"
        " night</strong>. The shield costs"
        f" {figure_text(ctx, 'cost_per_night_usd', M)} M USD a night, <strong>"
        f"{figure_text(ctx, 'cost_per_hit_avoided_usd', M)} M USD per hit avoided</strong>."
        f" The fighters kill {figure_text(ctx, 'killed_by_fighters')} threats a night, but"
        f" {figure_text(ctx, 'stopped_anyway')} of them Ukraine's own defences would have"
        " stopped later; the table below follows the kills down to the hits avoided. Fighters"
        f" never come closer than {n.num(f'{H}/engage_standoff_km', 'count')} km to hostile"
        " territory: that is the engagement standoff, a rule of the scenario, not a result."
        " Means over the replications, 95 % intervals in brackets; a night runs from the raid's"
        ' first launch to its last arrival (<a href="#cost">cost</a>).</p>'
    )
    cards = [
        _card(
            ctx,
            "hits on protected assets a night, Ukraine's defences alone",
            "hits_on_assets_baseline",
        ),
        _card(ctx, "hits on protected assets a night, with the shield", "hits_on_assets_shield"),
        _card(ctx, "hits avoided a night by the shield", "hits_on_assets_avoided"),
        _card(
            ctx, "cost per hit avoided (the cost figure)", "cost_per_hit_avoided_usd", M, " M USD"
        ),
        _card(
            ctx,
            "shield cost a night",
            "cost_per_night_usd",
            M,
            " M USD",
            "weapons, flying, AEW and tankers",
        ),
        _card(
            ctx,
            "threats the shield's fighters kill a night",
            "killed_by_fighters",
            note=f"of which {n.num(f'{H}/stopped_anyway/mean')} would have been stopped anyway",
        ),
        _card(
            ctx,
            "protected share of weapons aimed at assets, with the shield",
            "protection_ratio_shield",
            100.0,
            " %",
        ),
    ]
    rule = (
        '<div class="card"><div class="label">engagement standoff (a rule)</div>'
        f'<div class="value">{n.num(f"{H}/engage_standoff_km", "count")} km</div>'
        '<div class="ci">fighters never fly closer to hostile territory; the closest any came'
        f" in the runs: {n.num(f'{H}/closest_approach_km', 'count')} km</div></div>"
    )
    stations = (
        '<div class="card"><div class="label">CAP stations held 24/7</div><div class="value">'
        f"{n.num(f'{H}/stations_held', 'count')} of {n.num(f'{H}/stations', 'count')}</div>"
        f'<div class="ci">{n.num(f"{H}/jets_committed", "aircraft")} of'
        f" {n.num(f'{H}/jets_pledged', 'count')} jets committed;"
        ' <a href="#stations">who holds which</a></div></div>'
    )
    return section(
        "answer",
        "The question and the answer",
        question,
        answer,
        f'<div class="cards">{"".join(cards)}{stations}{rule}</div>',
        reconciliation(ctx) if h.get("stopped_anyway") is not None else "",
    )


def reconciliation(ctx: Context) -> str:
    """From the fighters' kills to the hits avoided: the kills of threats Ukraine's defences
    would have stopped anyway (fewer ground kills, fewer EW losses), the leakers avoided, and
    of those the hits on protected assets avoided (paired differences, same seeds)."""
    n = ctx.n
    kl = "kills_by_layer"
    rows = [
        ["threats the shield's fighters kill", figure_text(ctx, "killed_by_fighters")],
        [
            "&minus; of these, threats Ukraine's defences would have stopped anyway",
            figure_text(ctx, "stopped_anyway"),
        ],
        [
            f"&nbsp;&nbsp;&nbsp;ground defences kill fewer ({n.num(f'{kl}/baseline/killed_ground/mean')}"
            f" &rarr; {n.num(f'{kl}/shield/killed_ground/mean')})",
            figure_text(ctx, "killed_ground_fewer"),
        ],
        [
            f"&nbsp;&nbsp;&nbsp;fewer are lost to EW ({n.num(f'{kl}/baseline/lost_ew/mean')}"
            f" &rarr; {n.num(f'{kl}/shield/lost_ew/mean')})",
            figure_text(ctx, "lost_ew_fewer"),
        ],
        [
            "= leakers avoided: threats that would have got through",
            figure_text(ctx, "leakers_avoided"),
        ],
        [
            "&nbsp;&nbsp;&nbsp;of which hits on protected assets avoided",
            f"<strong>{figure_text(ctx, 'hits_on_assets_avoided')}</strong>",
        ],
        [
            "&nbsp;&nbsp;&nbsp;of which would have hit elsewhere or come down outside the protected area",
            figure_text(ctx, "other_leakers_avoided"),
        ],
    ]
    share = ctx.summary[H].get("stopped_anyway_share")
    said = (
        f" About {n.num(f'{H}/stopped_anyway_share/mean', 'sig', 100.0)} % of the fighters' kills"
        " are of threats that would have been stopped anyway."
        if share is not None and share.get("mean") is not None
        else ""
    )
    return (
        '<h3 id="reconcile">From fighter kills to hits avoided</h3>'
        "<p>Fighters meet threats early, on their way in; many of those threats would have been"
        " shot down later by Ukraine's ground defences or lost to electronic warfare (EW). With"
        " the shield those layers stop fewer, so each fighter kill does not save a target."
        f"{said} Every threat ends one way, so the fighters' kills equal the threats stopped"
        " anyway plus the leakers avoided; each line is a paired difference over the same"
        " replications (same seeds), with its 95 % interval.</p>"
        + table(["a night", "threats"], rows, cls="ledger")
    )


def stations_section(ctx: Context) -> str:
    """Who holds each CAP station: aircraft on station held and required, status, holders."""
    s, n = ctx.summary, ctx.n
    rows = []
    for i, st in enumerate(s["stations"]):
        p = f"stations/{i}"
        holders = (
            "<br>".join(
                f"{n.num(f'{p}/holders/{j}/on_station', 'aircraft')}: {escape(h['nation'])}"
                f" {escape(h['type'])} from {escape(h['base'])} ({escape(h['base_name'])})"
                f"{', refuelled' if h['refuelled'] else ''}"
                for j, h in enumerate(st["holders"])
            )
            or "<strong>nobody</strong>"
        )
        near = f"{escape(st['near'])} ({n.num(f'{p}/near_km', 'count')} km)" if st["near"] else ""
        status = escape(st["status"])
        if st["status"] != "held":
            status = f'<strong class="{status}">{status}</strong>'
        rows.append(
            [
                f"<strong>{escape(st['station'])}</strong>",
                near,
                status,
                holders,
                f"{n.num(f'{p}/on_station', 'aircraft')} of {n.num(f'{p}/required', 'count')}",
            ]
        )
    return section(
        "stations",
        "Who holds each CAP station",
        "<p>The force plan keeps a number of fighters on each CAP station around the clock."
        f" Each covers the most valuable protected asset within {COVERS_KM:g} km (else the nearest);"
        " stations come in order of that asset's value weight, the capital first."
        " <em>Aircraft on station</em> is the day's average against what"
        " the station needs; a station is <em>held</em> when it has them all, <em>short</em>"
        " when fewer, <em>empty</em> when none. Holders: the nation, the type and its host"
        " base (ICAO code; the glossary names each).</p>",
        table(
            ["station", "covers", "status", "held by (aircraft on station)", "aircraft on station"],
            rows,
            num_from=4,
        ),
    )
