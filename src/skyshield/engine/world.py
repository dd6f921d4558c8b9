"""The world a night is simulated in: what every replication of one scenario and night shares
(geometry in km, the force plan, the sensors, the regions indexed for the compiled loops),
built once and sent to worker processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import shapely

from skyshield.catalog import Catalog
from skyshield.engine.fighters import rosters
from skyshield.engine.sensors import Sensor, ukraine_outline
from skyshield.forces import ForcePlan
from skyshield.geo.regions import Blocks, Region, StationView, blocks_of, region_of, view_of
from skyshield.raids import Night, RaidContext
from skyshield.scenario import LoadedScenario
from skyshield.scenario.params import EngineParams, GroundParams

#: Margin (km) by which a dash must stay inside the disc around its station that lies in the
#: engagement zone to skip the exact zone test (10 m: far above rounding).
ZONE_CLEAR_MARGIN_KM = 0.01


class Regions(NamedTuple):
    """The world's regions indexed for the compiled loops: the engagement zone and what each CAP
    station sees of its border (``stations``, in the order of ``station_ids``), where a shot can
    be taken (within weapon range of the zone), Ukraine's outline (for national tracks), hostile
    territory (for pilot exposure)."""

    zone: Region
    stations: StationView
    station_ids: tuple[str, ...]
    shot_reach: Region
    ukraine: Region
    hostile: Region
    hostile_blocks: Blocks


@dataclass
class World:
    """What every replication of one scenario and night shares (built once)."""

    ls: LoadedScenario
    plan: ForcePlan
    ctx: RaidContext
    night: Night
    params: EngineParams
    ground: GroundParams
    catalog: Catalog = field(init=False)

    def __post_init__(self) -> None:
        self.catalog = self.ls.catalog
        th = self.ls.theatre
        self.engage_zone = th.engagement_zone_km
        self.free_ukraine = self.ctx.free_ukraine_km
        # where a shot can be taken at a threat: within weapon range of the engagement zone
        longest = max((w.range_km for w in self.catalog.weapons.values()), default=0.0)
        self.shot_reach = self.engage_zone.buffer(longest).simplify(0.5)
        self.ukraine = ukraine_outline(th.ukraine_km)
        self._prepare()
        proj = th.projection
        ids = tuple(st.id for st in self.ls.scenario.cap.stations)
        zone = region_of(self.engage_zone)
        hostile = region_of(th.hostile_km)
        self.regions = Regions(
            zone=zone,
            stations=view_of(
                zone,
                np.array(
                    [proj.point_km(st.position) for st in self.ls.scenario.cap.stations]
                ).reshape(-1, 2),
            ),
            station_ids=ids,
            shot_reach=region_of(self.shot_reach),
            ukraine=region_of(self.ukraine),
            hostile=hostile,
            hostile_blocks=blocks_of(hostile),
        )
        self.positions_km: dict[str, tuple[float, float]] = {
            st.id: proj.point_km(st.position) for st in self.ls.scenario.cap.stations
        }
        self.positions_km.update({b: proj.point_km(v.position) for b, v in self.ls.bases.items()})
        self.aew = [
            Sensor(
                o.id,
                *proj.point_km(o.position),
                self.catalog.aew[o.type].altitude_m,
                self.catalog.aew[o.type].ref_range_km,
                self.catalog.aew[o.type].ref_rcs_m2,
            )
            for o in self.ls.scenario.aew_orbits
        ]
        self.asset_km = np.array([proj.point_km(a.position) for a in self.ls.assets]).reshape(-1, 2)
        self.rosters = rosters(self.plan.assignments, self.plan.stations, self.positions_km)
        # radius (km) of the disc around each station that lies inside the engagement zone, less
        # a margin of ZONE_CLEAR_MARGIN_KM (0 for a station outside it)
        self.zone_clear_km = {
            sid: max(
                float(shapely.distance(self.engage_zone.boundary, shapely.Point(x, y)))
                - ZONE_CLEAR_MARGIN_KM,
                0.0,
            )
            if shapely.contains_xy(self.engage_zone, x, y)
            else 0.0
            for sid, (x, y) in self.positions_km.items()
        }

    def _prepare(self) -> None:
        """Prepare the geometries that point and line tests use (lost when pickled)."""
        for g in (self.engage_zone, self.shot_reach, self.ukraine, self.free_ukraine):
            shapely.prepare(g)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()
