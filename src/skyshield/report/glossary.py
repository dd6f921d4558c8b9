"""The report's glossary: every abbreviation and term it uses, and the ICAO codes of the bases
the scenario's pledges fly from, with each base's name and country."""

from __future__ import annotations

from skyshield.scenario import LoadedScenario

#: Terms and abbreviations, in the order a reader meets them.
TERMS: tuple[tuple[str, str], ...] = (
    (
        "the shield",
        "the coalition's fighters on combat air patrol over western Ukraine, with"
        " their airborne radars and tankers, added to Ukraine's own air defences",
    ),
    (
        "Ukraine's defences alone (baseline)",
        "the same night with no coalition fighters: only"
        " Ukraine's ground defences and electronic warfare",
    ),
    (
        "night",
        "the raid's window as the model counts it: from the first launch to the last"
        " threat's arrival (its length is given under cost); flight hours and costs are counted"
        " inside it",
    ),
    (
        "replication",
        "one simulated night, drawn with its own random seed; the figures are means"
        " over many replications, with and without the shield on the same seeds",
    ),
    (
        "95 % interval",
        "the range in brackets: with 95 % confidence, the mean that many more"
        " replications would give lies in it; it covers the chance in the simulation only, not"
        " the uncertainty of the model's inputs",
    ),
    ("CAP", "combat air patrol: fighters kept in the air over a point, around the clock"),
    (
        "CAP station",
        "a point over which the plan keeps a number of fighters on patrol; held"
        " when that number is there 24 hours a day, short when fewer, empty when none",
    ),
    (
        "on station",
        "aircraft at their CAP station (not in transit, refuelling or on the ground),"
        " averaged over the day",
    ),
    ("sortie", "one flight of one aircraft, from take-off to landing"),
    ("flight hour", "one hour of one aircraft in the air; each type has a cost per flight hour"),
    (
        "AEW",
        "airborne early warning: a radar aircraft (E-3, GlobalEye) orbiting behind the"
        " patrols, which sees low drones far beyond a fighter's radar",
    ),
    ("tanker", "an air-refuelling aircraft (A330 MRTT): refuelled fighters stay longer on station"),
    (
        "EW",
        "electronic warfare: jamming and spoofing of the threats' navigation; in the model,"
        " threats 'lost to EW' are those the record reports as not having reached their target",
    ),
    (
        "ground defences",
        "Ukraine's surface-to-air missiles, guns, mobile fire groups and"
        " interceptor drones, calibrated on the 2025 record",
    ),
    ("Pk", "probability of kill: the chance that one shot destroys its target"),
    (
        "leaker",
        "a threat that no defence stops: it hits a protected asset, hits elsewhere in"
        " the protected area, or comes down outside it",
    ),
    (
        "hit on a protected asset",
        "a threat reaching one of the protected cities, nuclear"
        " plants, energy sites or ports it was aimed at",
    ),
    (
        "stopped anyway",
        "fighter kills of threats that Ukraine's ground defences or EW would"
        " have stopped later: how much fewer ground kills and EW losses there are with the shield",
    ),
    (
        "cost per hit avoided",
        "the shield's cost a night divided by the hits on protected"
        " assets it avoids a night: the cost figure to quote",
    ),
    (
        "cost per fighter kill, cost-exchange ratio",
        "the shield's cost per threat its fighters"
        " kill, and the value of those threats over the shield's cost; both count kills of threats"
        " that would have been stopped anyway, so they overstate what the shield buys",
    ),
    ("patrol standoff", "the least distance from hostile territory of any CAP station"),
    (
        "engagement standoff",
        "a rule: fighters never fly or shoot closer than this to hostile territory",
    ),
    ("NPP, TPP, HPP", "nuclear, thermal and hydro power plant"),
    ("M USD", "million US dollars"),
    ("ICAO code", "the four-letter code of an airfield (the host bases below)"),
    (
        "country codes on the maps",
        "ISO 3166 three-letter codes (POL Poland, ROU Romania, SVK"
        " Slovakia, HUN Hungary, MDA Moldova, BLR Belarus, RUS Russia, ...); 'occupied': the"
        " Russian-held part of Ukraine",
    ),
)


def glossary(ls: LoadedScenario) -> list[dict[str, str]]:
    """The glossary for a scenario: :data:`TERMS`, then each host base its pledges fly from
    (``term``: the ICAO code, ``meaning``: name and country), by code."""
    entries = [{"term": t, "meaning": m} for t, m in TERMS]
    codes = sorted({p.base for m in ls.scenario.coalition.members for p in m.pledges})
    countries = ls.theatre.countries
    for code in codes:
        base = ls.bases.get(code)
        if base is not None:
            country = (
                countries[base.country].properties.get("name", base.country)
                if base.country in countries
                else base.country
            )
            entries.append({"term": code, "meaning": f"{base.name} air base, {country}"})
    return entries
