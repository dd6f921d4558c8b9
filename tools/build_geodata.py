"""Build the shipped geography layers of Sky Shield from Natural Earth (run once, offline).

This is a developer tool. The package never runs it and never downloads anything: it only
reads the three GeoJSON files this script writes into ``src/skyshield/data/geo``:

* ``countries.geojson`` - one feature per country around Ukraine (Natural Earth admin-0,
  1:10m), clipped to lon 12..50 E, lat 40..60 N, with Crimea drawn as part of Ukraine;
* ``occupied.geojson`` - Russian-held territory of Ukraine, hand-drawn from the front-line
  vertices in :data:`FRONT_LINE` (approximate, dated :data:`OCCUPIED_AS_OF`), intersected
  with the Ukraine polygon so that it never leaves Ukraine;
* ``coast.geojson`` - Black Sea and Sea of Azov coastlines from Natural Earth land (1:10m),
  clipped to lon 27..42 E, lat 40..48 N.

It then prints the checks the layers must pass (points inside and outside the occupied
area, geodesic distances) and exits with status 1 if one fails, without writing anything.
Every step is described in ``src/skyshield/data/geo/README.md``.

How to run (needs ``node``/``npm`` and a Python with shapely>=2.1, pyproj and numpy)::

    mkdir -p /tmp/geo_npm && cd /tmp/geo_npm
    npm install world-atlas@2.0.2 topojson-client@3.1.0
    cd -  # back to the repository root
    python tools/build_geodata.py /tmp/geo_npm/node_modules

The argument is the ``node_modules`` directory holding ``world-atlas`` (the Natural Earth
TopoJSON files) and ``topojson-client`` (whose ``topo2geo`` converts TopoJSON to GeoJSON).
``--out DIR`` writes somewhere else than the package's data directory; ``--check-only``
prints the checks without writing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

# --------------------------------------------------------------------------------------------
# Sources and extents
# --------------------------------------------------------------------------------------------

#: Natural Earth scale used for every layer. 1:50m puts the tip of the Kinburn spit about
#: 4 km short of where it is (Odesa-spit 64.7 km instead of 61.7 km at 1:10m), more than the
#: ~1 km wanted there; clipped to the theatre, 1:10m still fits in well under 1 MB per file.
SCALE = "10m"
EXPECTED_VERSIONS = {"world-atlas": "2.0.2", "topojson-client": "3.1.0"}
NATURAL_EARTH_VERSION = "4.1.0"  # what world-atlas 2.0.2 redistributes (its README)

COUNTRY_BBOX = (12.0, 40.0, 50.0, 60.0)  # lon_min, lat_min, lon_max, lat_max
COAST_BBOX = (27.0, 40.0, 42.0, 48.0)
GRID_DEG = 1e-4  # every coordinate is rounded to 4 decimals (about 10 m)

#: ISO 3166-1 numeric code (the ``id`` of world-atlas) -> (ISO alpha-3, English name), for
#: every admin-0 unit of Natural Earth that touches COUNTRY_BBOX. An unknown unit in the box
#: stops the build, so that a new edition of the data cannot slip in unnamed.
ISO_BY_NUMERIC: dict[str, tuple[str, str]] = {
    "008": ("ALB", "Albania"),
    "031": ("AZE", "Azerbaijan"),
    "040": ("AUT", "Austria"),
    "051": ("ARM", "Armenia"),
    "070": ("BIH", "Bosnia and Herzegovina"),
    "100": ("BGR", "Bulgaria"),
    "112": ("BLR", "Belarus"),
    "191": ("HRV", "Croatia"),
    "203": ("CZE", "Czechia"),
    "208": ("DNK", "Denmark"),
    "233": ("EST", "Estonia"),
    "246": ("FIN", "Finland"),
    "248": ("FIN", "Finland"),  # Aland Islands, merged into Finland
    "268": ("GEO", "Georgia"),
    "276": ("DEU", "Germany"),
    "300": ("GRC", "Greece"),
    "336": ("VAT", "Vatican City"),
    "348": ("HUN", "Hungary"),
    "380": ("ITA", "Italy"),
    "398": ("KAZ", "Kazakhstan"),
    "428": ("LVA", "Latvia"),
    "440": ("LTU", "Lithuania"),
    "498": ("MDA", "Moldova"),
    "499": ("MNE", "Montenegro"),
    "578": ("NOR", "Norway"),
    "616": ("POL", "Poland"),
    "642": ("ROU", "Romania"),
    "643": ("RUS", "Russia"),
    "674": ("SMR", "San Marino"),
    "688": ("SRB", "Serbia"),
    "703": ("SVK", "Slovakia"),
    "705": ("SVN", "Slovenia"),
    "752": ("SWE", "Sweden"),
    "792": ("TUR", "Turkey"),
    "804": ("UKR", "Ukraine"),
    "807": ("MKD", "North Macedonia"),
}
#: Units without a numeric code in world-atlas, matched by their Natural Earth name.
ISO_BY_NAME: dict[str, tuple[str, str]] = {"Kosovo": ("XKX", "Kosovo")}
REQUIRED_ISO = (
    *("UKR", "RUS", "BLR", "POL", "ROU", "MDA", "SVK", "HUN", "CZE"),
    *("LTU", "LVA", "EST", "BGR", "TUR", "GEO", "SRB", "AUT", "DEU"),
)

#: Natural Earth 4.1.0 draws Crimea (with Sevastopol) as a separate polygon of Russia. Any
#: polygon of RUS lying wholly inside this window is moved to Ukraine. The window stops at
#: 36.70 E, west of the Taman peninsula, which belongs to the main polygon of Russia anyway.
CRIMEA_WINDOW = (32.0, 44.0, 36.70, 46.30)

# --------------------------------------------------------------------------------------------
# Russian-held territory of Ukraine: hand-drawn, approximate, dated
# --------------------------------------------------------------------------------------------

OCCUPIED_AS_OF = "2025-06-30"
OCCUPIED_ACCURACY_KM = 15
OCCUPIED_NAME = "Russian-held territory of Ukraine"

#: The front line from the Black Sea west of the Kinburn spit to the Russian border north-east
#: of Kupiansk, as (lon, lat, why). It is drawn from memory of public front-line maps (e.g.
#: DeepState, ISW) as of late June 2025; grey zones are split down the middle. Where the line
#: follows the sea, the Dnipro-Buh estuary or the Dnipro channel that Natural Earth shows as
#: water, it runs through the water and the intersection with Ukraine takes the coast. Where
#: it follows the Dnipro or the drained Kakhovka reservoir over what Natural Earth shows as
#: land, the vertices trace the river channel / the middle of the old reservoir bed.
FRONT_LINE: tuple[tuple[float, float, str], ...] = (
    # -- Black Sea, Kinburn spit, Dnipro-Buh estuary (line runs in the water) --
    (31.00, 46.30, "Black Sea, west of the Tendra spit"),
    (31.40, 46.52, "Black Sea, west of the Kinburn spit"),
    (31.47, 46.600, "mouth of the estuary: Kinburn spit (RU) / Ochakiv (UA)"),
    (31.55, 46.602, "Kinburn strait, mid-channel"),
    (31.65, 46.585, "estuary, mid-channel"),
    (31.80, 46.590, "estuary, mid-channel (Kinburn peninsula to the south)"),
    (31.95, 46.565, "estuary, off the Buh estuary mouth"),
    (32.10, 46.550, "estuary, off Stanislav"),
    (32.25, 46.540, "estuary, off Shyroka Balka"),
    (32.38, 46.540, "estuary, east end"),
    (32.47, 46.570, "Dnipro mouth; Hola Prystan (RU) to the south-east"),
    (32.55, 46.607, "Dnipro main channel, Bilohrudyi island"),
    (32.62, 46.634, "Dnipro below Kherson city (UA) and Korabel island (UA)"),
    (32.645, 46.650, "Dnipro at Kherson, last water of Natural Earth"),
    # -- Dnipro over land: Kherson to the Kakhovka dam (left bank held by Russia) --
    (32.68, 46.657, "Dnipro, Kherson east; Oleshky (RU) to the south"),
    (32.72, 46.667, "Dnipro at the Antonivskyi bridge"),
    (32.78, 46.680, "Dnipro, Sadove (UA) / Korsunka branch"),
    (32.85, 46.695, "Dnipro, Tokarivka (UA)"),
    (32.92, 46.712, "Dnipro"),
    (33.00, 46.735, "Dnipro, Tiahynka (UA)"),
    (33.06, 46.748, "Dnipro, north of Krynky (RU / grey)"),
    (33.12, 46.745, "Dnipro"),
    (33.18, 46.738, "Dnipro, Lvove (UA)"),
    (33.24, 46.745, "Dnipro, north of Korsunka and Dnipriany (RU)"),
    (33.30, 46.755, "Dnipro, Kozatske (UA) to the north"),
    (33.345, 46.768, "Dnipro, Nova Kakhovka (RU) to the south"),
    (33.3725, 46.7752, "Kakhovka dam (destroyed 6 June 2023)"),
    # -- middle of the former Kakhovka reservoir, south-east bank held by Russia --
    (33.40, 46.800, "reservoir below Beryslav (UA)"),
    (33.45, 46.825, "reservoir between Beryslav (UA) and Kakhovka (RU)"),
    (33.55, 46.900, "reservoir, Liubymivka (RU) to the east"),
    (33.65, 47.000, "reservoir, Hornostaivka (RU) to the east"),
    (33.76, 47.090, "reservoir"),
    (33.84, 47.180, "reservoir, Dudchany (UA) / Velyka Lepetykha (RU)"),
    (33.95, 47.320, "reservoir"),
    (34.08, 47.440, "reservoir, Novovorontsovka (UA) to the north-west"),
    (34.22, 47.510, "reservoir"),
    (34.40, 47.525, "reservoir between Nikopol (UA) and Kamianka-Dniprovska (RU)"),
    (34.55, 47.555, "reservoir, north of the Zaporizhzhia NPP (RU)"),
    (34.65, 47.565, "reservoir between Marhanets (UA) and Enerhodar (RU)"),
    (34.78, 47.520, "reservoir (Velykyi Luh)"),
    (34.92, 47.500, "reservoir, Dniprorudne (RU) to the south"),
    (35.05, 47.500, "reservoir"),
    (35.18, 47.520, "reservoir"),
    (35.30, 47.545, "reservoir, east arm; Vasylivka (RU) to the south-east"),
    # -- Zaporizhzhia front --
    (35.37, 47.540, "Kamianske (grey): front leaves the reservoir, Stepnohirsk (UA) north"),
    (35.45, 47.520, "between Stepnohirsk (UA) and Vasylivka (RU)"),
    (35.55, 47.490, "Mali Shcherbaky (UA) / Piatykhatky (RU)"),
    (35.65, 47.475, "south of Novoandriivka (UA)"),
    (35.76, 47.470, "about 11 km south of Orikhiv (UA)"),
    (35.85, 47.460, "Robotyne (RU) just south"),
    (35.97, 47.455, "Verbove (grey)"),
    (36.08, 47.475, "north of Ocheretuvate"),
    (36.18, 47.520, "north of Polohy (RU)"),
    (36.29, 47.565, "about 10 km south-east of Huliaipole (UA)"),
    (36.40, 47.590, "Dorozhnianka (RU)"),
    (36.52, 47.620, "Levadne (RU)"),
    (36.62, 47.680, "Novodarivka (RU)"),
    (36.70, 47.760, "Staromaiorske (RU)"),
    (36.72, 47.850, "west of Velyka Novosilka (RU since Jan 2025)"),
    (36.76, 47.940, "Komar (RU) / Fedorivka"),
    (36.84, 48.010, "into Dnipropetrovsk oblast near Maliivka and Dachne"),
    (36.95, 48.050, "Bahatyr / Kotliarivka direction"),
    # -- Donetsk front: Kurakhove to Siversk --
    (37.04, 48.110, "Kotliarivka (RU); Kurakhove (RU) well behind"),
    (37.10, 48.180, "Udachne (UA) / Kotlyne (grey)"),
    (37.14, 48.230, "south of Pokrovsk: Shevchenko (RU)"),
    (37.20, 48.245, "southern edge of Pokrovsk (UA)"),
    (37.27, 48.270, "Myrnohrad (UA) to the north"),
    (37.33, 48.305, "east of Myrnohrad: Novoekonomichne (RU)"),
    (37.38, 48.360, "Novotoretske (RU)"),
    (37.43, 48.410, "Malynivka / Novooleksandrivka salient (RU)"),
    (37.52, 48.425, "Yablunivka (RU)"),
    (37.62, 48.425, "Oleksandropil"),
    (37.71, 48.435, "Nelipivka / Shcherbynivka (RU)"),
    (37.76, 48.470, "west of Toretsk (RU since Feb 2025): Dyliivka"),
    (37.78, 48.530, "about 5 km south-east of Kostiantynivka (UA)"),
    (37.80, 48.580, "Stupochky / Predtechyne"),
    (37.82, 48.620, "western edge of Chasiv Yar (mostly RU)"),
    (37.87, 48.670, "Bila Hora / Hryhorivka"),
    (37.95, 48.720, "north of Bakhmut (RU)"),
    (38.03, 48.780, "Verkhnokamianske area"),
    (38.10, 48.830, "south-east of Siversk (UA)"),
    (38.16, 48.870, "Spirne / Ivano-Dariivka, east of Siversk"),
    # -- Luhansk border and Lyman-Kupiansk front --
    (38.18, 48.930, "Bilohorivka (Luhansk oblast, grey)"),
    (38.15, 48.990, "Serebrianka forest"),
    (38.06, 49.030, "Torske (grey); Kreminna (RU) to the east"),
    (37.97, 49.060, "north-east of Lyman (UA)"),
    (37.90, 49.110, "Zherebets valley: Ridkodub / Nove (RU)"),
    (37.85, 49.170, "Karpivka / Novomykhailivka (RU)"),
    (37.82, 49.250, "Kolodiazi / Zelena Dolyna"),
    (37.80, 49.330, "Hrekivka / Nadiia (RU)"),
    (37.77, 49.400, "about 11 km east of Borova (UA): Kopanky (RU)"),
    (37.77, 49.480, "Stepova Novoselivka (RU)"),
    (37.76, 49.570, "Pishchane"),
    (37.74, 49.650, "east of Kupiansk-Vuzlovyi (UA)"),
    (37.72, 49.730, "Petropavlivka area, 8 km east of Kupiansk (UA)"),
    (37.68, 49.800, "east bank of the Oskil, south of Dvorichna"),
    (37.62, 49.860, "Dvorichna bridgehead across the Oskil (RU)"),
    (37.62, 49.930, "west of the Oskil, north of Dvorichna"),
    (37.70, 50.030, "Kamianka / Topoli area (RU), east of the Oskil"),
    (37.78, 50.150, "towards the state border"),
    (37.85, 50.400, "inside Russia (clipped away)"),
)

#: Closes the front line round the east and south through Russia and the Black Sea; the
#: intersection with Ukraine removes everything outside Ukraine.
CLOSING_PATH: tuple[tuple[float, float], ...] = (
    (40.50, 50.40),
    (41.50, 47.00),
    (41.00, 44.50),
    (36.00, 43.50),
    (32.00, 43.80),
    (31.00, 45.50),
)

#: Small Russian-held strips along the northern border, drawn as boxes that reach into Russia
#: (clipped away) with their southern edge at the line of contact: (name, outline).
BORDER_FOOTHOLDS: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    (
        "Sumy oblast border strip (Novenke, Basivka, Zhuravka, Oleksiivka; Yunakivka contested)",
        (
            (34.82, 51.40),
            (34.85, 51.18),
            (34.94, 51.12),
            (35.04, 51.09),
            (35.13, 51.09),
            (35.22, 51.12),
            (35.26, 51.40),
        ),
    ),
    (
        "Kharkiv oblast: Hlyboke / Lukiantsi strip north of Lyptsi",
        ((36.28, 50.45), (36.31, 50.25), (36.38, 50.232), (36.46, 50.24), (36.50, 50.45)),
    ),
    (
        "Kharkiv oblast: northern part of Vovchansk and the strip to the border",
        (
            (36.76, 50.50),
            (36.79, 50.33),
            (36.88, 50.31),
            (36.95, 50.296),
            (37.03, 50.305),
            (37.09, 50.34),
            (37.12, 50.50),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

#: (name, lat, lon) of places that must be inside / outside the occupied area.
MUST_BE_INSIDE = (
    ("Zaporizhzhia NPP", 47.51, 34.59),
    ("Donetsk", 48.00, 37.80),
    ("Mariupol", 47.10, 37.55),
    ("Luhansk", 48.57, 39.31),
    ("Melitopol", 46.85, 35.37),
    ("Sevastopol", 44.60, 33.52),
    ("Oleshky", 46.62, 32.72),
    ("Hola Prystan", 46.52, 32.52),
    ("Nova Kakhovka", 46.755, 33.37),
    ("Kakhovka", 46.81, 33.48),
    ("Enerhodar", 47.50, 34.66),
    ("Vasylivka", 47.44, 35.28),
    ("Polohy", 47.48, 36.25),
    ("Velyka Novosilka", 47.84, 36.83),
    ("Kurakhove", 47.98, 37.28),
    ("Toretsk", 48.40, 37.85),
    ("Bakhmut", 48.60, 38.00),
    ("Kinburn peninsula", 46.52, 31.75),
)
MUST_BE_OUTSIDE = (
    ("Kherson", 46.64, 32.61),
    ("Zaporizhzhia", 47.84, 35.14),
    ("Kharkiv", 49.99, 36.23),
    ("Mykolaiv", 46.97, 32.00),
    ("Odesa", 46.48, 30.72),
    ("Kramatorsk", 48.72, 37.56),
    ("Sloviansk", 48.87, 37.62),
    ("Ochakiv", 46.61, 31.54),
    ("Beryslav", 46.84, 33.42),
    ("Nikopol", 47.57, 34.40),
    ("Marhanets", 47.64, 34.63),
    ("Orikhiv", 47.567, 35.785),
    ("Huliaipole", 47.66, 36.26),
    ("Pokrovsk", 48.28, 37.18),
    ("Kostiantynivka", 48.53, 37.71),
    ("Siversk", 48.87, 38.10),
    ("Lyman", 48.99, 37.80),
    ("Kupiansk", 49.71, 37.61),
    ("Sumy", 50.91, 34.80),
)
#: (from, lat, lon, to-layer, min_km, max_km); None = just report.
DISTANCE_CHECKS: tuple[tuple[str, float, float, str, float | None, float | None], ...] = (
    ("Odesa", 46.48, 30.72, "occupied", 55.0, 65.0),
    ("South Ukraine NPP", 47.81, 31.22, "occupied", 135.0, 180.0),
    ("Kherson", 46.64, 32.61, "occupied", None, None),
    ("Mykolaiv", 46.97, 32.00, "occupied", None, None),
    ("Zaporizhzhia", 47.84, 35.14, "occupied", None, None),
    ("Kyiv", 50.45, 30.52, "RUS", 180.0, 250.0),
    ("Kyiv", 50.45, 30.52, "BLR", 75.0, 110.0),
    ("Kyiv", 50.45, 30.52, "occupied", None, None),
    ("Lviv", 49.84, 24.03, "RUS", None, None),
    ("Lviv", 49.84, 24.03, "BLR", None, None),
    ("Lviv", 49.84, 24.03, "occupied", None, None),
)

GEOD = Geod(ellps="WGS84")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def package_version(node_modules: Path, name: str) -> str:
    """The version of an installed npm package."""
    meta = json.loads((node_modules / name / "package.json").read_text(encoding="utf-8"))
    return str(meta["version"])


def topo2geo(node_modules: Path, topology: Path, obj: str) -> dict[str, Any]:
    """Convert one object of a TopoJSON file to a GeoJSON FeatureCollection via ``topo2geo``."""
    script = node_modules / "topojson-client" / "bin" / "topo2geo"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{obj}.geojson"
        subprocess.run(["node", str(script), "-i", str(topology), f"{obj}={out}"], check=True)
        doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def polygonal(geom: BaseGeometry) -> MultiPolygon:
    """The polygons of ``geom`` (dropping points and lines) as one MultiPolygon."""
    parts: list[Polygon] = []
    for g in getattr(geom, "geoms", [geom]):
        if isinstance(g, Polygon):
            if not g.is_empty:
                parts.append(g)
        elif hasattr(g, "geoms"):
            parts.extend(polygonal(g).geoms)
    return MultiPolygon(parts)


def clean_area(geom: BaseGeometry) -> MultiPolygon:
    """Valid, snapped to the 1e-4 degree grid, counter-clockwise shells (RFC 7946)."""
    geom = polygonal(shapely.make_valid(geom))
    geom = polygonal(shapely.set_precision(geom, GRID_DEG))
    if not geom.is_valid:
        geom = polygonal(shapely.make_valid(geom))
    geom = polygonal(shapely.orient_polygons(geom))
    if not geom.is_valid:
        raise RuntimeError("could not make a valid polygon")
    return geom


def rounded_coords(obj: Any) -> Any:
    """Coordinates of a GeoJSON geometry rounded to 4 decimals (lists, not tuples)."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 4) for v in obj]
        return [rounded_coords(v) for v in obj]
    return obj


def feature(geom: BaseGeometry, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature with rounded coordinates."""
    g = shapely.geometry.mapping(geom)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": g["type"], "coordinates": rounded_coords(g["coordinates"])},
    }


def write_collection(path: Path, features: Sequence[dict[str, Any]]) -> None:
    """Write a FeatureCollection, one feature per line, compact."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def distance_km(lat: float, lon: float, geom: BaseGeometry) -> tuple[float, float, float]:
    """Geodesic (WGS84) distance from a point to a geometry: km, lat and lon of nearest point.

    The geometry is densified, projected to an azimuthal equidistant projection centred on the
    point (where straight distances from the centre are geodesic), the nearest point found
    there and the distance to it measured with ``pyproj.Geod``.
    """
    if geom.contains(Point(lon, lat)):
        return 0.0, lat, lon
    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

    def to_plane(xy: np.ndarray) -> np.ndarray:
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    planar = shapely.transform(shapely.segmentize(geom, 0.02), to_plane)
    near = nearest_points(Point(0.0, 0.0), planar)[1]
    nlon, nlat = inv.transform(near.x, near.y)
    _, _, metres = GEOD.inv(lon, lat, nlon, nlat)
    return float(metres) / 1000.0, float(nlat), float(nlon)


# --------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------


def build_countries(raw: dict[str, Any]) -> tuple[dict[str, MultiPolygon], dict[str, str]]:
    """Countries in COUNTRY_BBOX by ISO alpha-3 and their names; Crimea moved to Ukraine."""
    bbox = box(*COUNTRY_BBOX)
    geoms: dict[str, list[BaseGeometry]] = {}
    names: dict[str, str] = {}
    for f in raw["features"]:
        geom = polygonal(shapely.make_valid(shapely.geometry.shape(f["geometry"])))
        if not geom.intersects(bbox):
            continue
        fid = f.get("id")
        ne_name = f["properties"]["name"]
        if fid is not None and fid in ISO_BY_NUMERIC:
            iso, name = ISO_BY_NUMERIC[fid]
        elif ne_name in ISO_BY_NAME:
            iso, name = ISO_BY_NAME[ne_name]
        else:
            raise RuntimeError(f"unknown admin-0 unit in the box: id={fid!r} name={ne_name!r}")
        geoms.setdefault(iso, []).append(geom)
        names[iso] = name
    merged = {iso: polygonal(shapely.unary_union(gs)) for iso, gs in geoms.items()}

    # Crimea: Natural Earth assigns it to Russia; move it to Ukraine.
    window = box(*CRIMEA_WINDOW)
    crimea = [p for p in merged["RUS"].geoms if window.contains(p)]
    if len(crimea) != 1 or not crimea[0].contains(Point(33.52, 44.60)):
        raise RuntimeError(f"expected Crimea as one polygon of RUS, found {len(crimea)}")
    merged["RUS"] = MultiPolygon([p for p in merged["RUS"].geoms if not window.contains(p)])
    merged["UKR"] = polygonal(shapely.unary_union([merged["UKR"], *crimea]))
    print(f"moved Crimea ({crimea[0].area:.3f} sq deg) from RUS to UKR")

    out: dict[str, MultiPolygon] = {}
    for iso in sorted(merged):
        clipped = clean_area(merged[iso].intersection(bbox))
        if not clipped.is_empty:
            out[iso] = clipped
    missing = [iso for iso in REQUIRED_ISO if iso not in out]
    if missing:
        raise RuntimeError(f"countries missing from the source: {missing}")
    return out, names


def build_occupied(ukr: MultiPolygon) -> MultiPolygon:
    """The hand-drawn front line closed round the east, intersected with Ukraine."""
    ring = [(lon, lat) for lon, lat, _ in FRONT_LINE] + list(CLOSING_PATH)
    main = Polygon(ring)
    if not main.is_valid:
        raise RuntimeError(f"front-line polygon is not valid: {shapely.is_valid_reason(main)}")
    parts: list[BaseGeometry] = [main]
    for name, outline in BORDER_FOOTHOLDS:
        poly = Polygon(outline)
        if not poly.is_valid:
            raise RuntimeError(f"foothold {name!r} is not valid")
        parts.append(poly)
    drawn = shapely.unary_union(parts)
    return clean_area(drawn.intersection(ukr))


def build_coast(land_raw: dict[str, Any]) -> dict[str, MultiLineString]:
    """Black Sea and Sea of Azov shorelines from Natural Earth land, clipped to COAST_BBOX.

    The sea is the part of the box that is not land. It is cut at the Bosporus (so that the
    Sea of Marmara and the Aegean fall away) and across the Kerch Strait (to tell the Sea of
    Azov from the Black Sea); the shoreline of each sea is its boundary less the box edges and
    the cuts.
    """
    bbox = box(*COAST_BBOX)
    land = shapely.unary_union(
        [shapely.make_valid(shapely.geometry.shape(f["geometry"])) for f in land_raw["features"]]
    ).intersection(bbox)
    bosporus_cut = box(28.90, 41.00, 29.30, 41.12)
    kerch_cut = box(36.30, 45.22, 36.90, 45.26)
    sea = polygonal(bbox.difference(land).difference(bosporus_cut).difference(kerch_cut))

    def component_at(lon: float, lat: float) -> Polygon:
        for p in sea.geoms:
            if p.contains(Point(lon, lat)):
                return p
        raise RuntimeError(f"no sea at {lon}, {lat}")

    black = component_at(34.0, 43.5)
    azov = component_at(36.5, 46.0)
    artificial = shapely.unary_union([bbox.boundary, bosporus_cut, kerch_cut]).buffer(1e-6)
    out: dict[str, MultiLineString] = {}
    for name, part in (("Black Sea", black), ("Sea of Azov", azov)):
        shore = part.boundary.difference(artificial)
        shore = shapely.line_merge(shapely.set_precision(shore, GRID_DEG))
        lines = [g for g in getattr(shore, "geoms", [shore]) if isinstance(g, LineString)]
        out[name] = MultiLineString([g for g in lines if g.length > 0])
    return out


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def run_checks(layers: dict[str, BaseGeometry]) -> list[str]:
    """Print the point-in-polygon and distance checks; return the failures."""
    occ = layers["occupied"]
    failures: list[str] = []
    print("\npoint checks (occupied layer):")
    for label, rows, want in (
        ("inside", MUST_BE_INSIDE, True),
        ("outside", MUST_BE_OUTSIDE, False),
    ):
        for name, lat, lon in rows:
            got = occ.contains(Point(lon, lat))
            d, _, _ = distance_km(lat, lon, occ)
            ok = got == want
            print(f"  {'ok  ' if ok else 'FAIL'} {name:<20} must be {label:<7} ({d:6.1f} km away)")
            if not ok:
                failures.append(f"{name} is not {label}")
    print("\ngeodesic distances (WGS84):")
    for name, lat, lon, layer, lo, hi in DISTANCE_CHECKS:
        d, nlat, nlon = distance_km(lat, lon, layers[layer])
        wanted = "" if lo is None or hi is None else f" (want {lo:.0f}-{hi:.0f})"
        in_range = lo is None or hi is None or lo <= d <= hi
        print(
            f"  {'ok  ' if in_range else 'FAIL'} {name} -> {layer}: {d:7.1f} km"
            f", nearest {nlat:.3f} N {nlon:.3f} E{wanted}"
        )
        if not in_range:
            failures.append(f"{name} -> {layer} = {d:.1f} km{wanted}")
    return failures


def main(argv: Iterable[str] | None = None) -> int:
    """Build the three layers, print the checks, write the files if they pass."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("node_modules", type=Path, help="npm node_modules directory")
    default_out = Path(__file__).resolve().parents[1] / "src" / "skyshield" / "data" / "geo"
    parser.add_argument("--out", type=Path, default=default_out, help="output directory")
    parser.add_argument("--check-only", action="store_true", help="print checks, write nothing")
    args = parser.parse_args(None if argv is None else list(argv))
    nm: Path = args.node_modules

    versions = {name: package_version(nm, name) for name in EXPECTED_VERSIONS}
    for name, want in EXPECTED_VERSIONS.items():
        if versions[name] != want:
            print(f"warning: {name} {versions[name]} installed, {want} expected", file=sys.stderr)
    atlas = f"world-atlas {versions['world-atlas']}"
    ne = f"Natural Earth {NATURAL_EARTH_VERSION} 1:{SCALE.removesuffix('m')}m"
    country_src = f"{ne} admin-0 via npm {atlas} (public domain); Crimea assigned to UKR"
    coast_src = f"{ne} land via npm {atlas} (public domain)"
    occupied_src = (
        f"hand-drawn front line as of {OCCUPIED_AS_OF} (tools/build_geodata.py FRONT_LINE), "
        f"intersected with UKR of {ne}"
    )

    raw_countries = topo2geo(nm, nm / "world-atlas" / f"countries-{SCALE}.json", "countries")
    raw_land = topo2geo(nm, nm / "world-atlas" / f"land-{SCALE}.json", "land")

    countries, names = build_countries(raw_countries)
    occupied = build_occupied(countries["UKR"])
    coast = build_coast(raw_land)

    layers: dict[str, BaseGeometry] = {"occupied": occupied, **countries}
    failures = run_checks(layers)
    occ_km2 = abs(GEOD.geometry_area_perimeter(occupied)[0]) / 1e6
    ukr_km2 = abs(GEOD.geometry_area_perimeter(countries["UKR"])[0]) / 1e6
    print(f"\noccupied area {occ_km2:,.0f} km2 = {100 * occ_km2 / ukr_km2:.1f} % of UKR")
    for iso, g in countries.items():
        if not g.is_valid:
            failures.append(f"{iso} invalid")
    if not occupied.is_valid:
        failures.append("occupied invalid")

    if failures:
        print("\nFAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    if args.check_only:
        return 0

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_collection(
        out / "countries.geojson",
        [
            feature(g, {"name": names[iso], "iso_a3": iso, "source": country_src})
            for iso, g in sorted(countries.items())
        ],
    )
    write_collection(
        out / "occupied.geojson",
        [
            feature(
                occupied,
                {
                    "name": OCCUPIED_NAME,
                    "as_of": OCCUPIED_AS_OF,
                    "source": occupied_src,
                    "accuracy_km": OCCUPIED_ACCURACY_KM,
                },
            )
        ],
    )
    write_collection(
        out / "coast.geojson",
        [feature(g, {"name": name, "source": coast_src}) for name, g in coast.items()],
    )
    for name in ("countries", "occupied", "coast"):
        size = (out / f"{name}.geojson").stat().st_size
        print(f"wrote {out / f'{name}.geojson'} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
