"""The catalog: threat classes, fighters, weapons, support aircraft, real fleets, record names.

Every number carries a note in its entry's ``sources`` map: ``source: KEY...`` with keys of the
package bibliography (:mod:`skyshield.catalog.bibliography`) or ``assumption: REASON``; loading
checks it.
"""

from skyshield.catalog.loader import load_catalog
from skyshield.catalog.models import (
    AEWType,
    Catalog,
    FighterType,
    FleetEntry,
    Refuelling,
    TankerType,
    ThreatClass,
    Weapon,
)

__all__ = [
    "AEWType",
    "Catalog",
    "FighterType",
    "FleetEntry",
    "Refuelling",
    "TankerType",
    "ThreatClass",
    "Weapon",
    "load_catalog",
]
