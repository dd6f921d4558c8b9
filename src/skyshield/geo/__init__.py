"""Theatre geography: projection, shipped layers and the patrol and engagement zones."""

from skyshield.geo.projection import THEATRE_CRS, Projection, geodesic_km
from skyshield.geo.theatre import Theatre, TheatreConfig

__all__ = ["THEATRE_CRS", "Projection", "Theatre", "TheatreConfig", "geodesic_km"]
