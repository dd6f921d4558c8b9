"""The attack record: import (``read_record``), gazetteers of launch areas and regions, and
summaries per period and class (``summarise``, ``plot_monthly``)."""

from skyshield.record.gazetteer import (
    LaunchArea,
    LaunchAreas,
    PlaceMatch,
    Region,
    RegionMatch,
    Regions,
    load_launch_areas,
    load_regions,
    normalise_name,
)
from skyshield.record.importer import (
    REQUIRED_COLUMNS,
    ROW_COLUMNS,
    SCHEMA_COLUMNS,
    ImportReport,
    RecordImport,
    read_record,
)
from skyshield.record.summary import SUMMARY_COLUMNS, plot_monthly, summarise

__all__ = [
    "REQUIRED_COLUMNS",
    "ROW_COLUMNS",
    "SCHEMA_COLUMNS",
    "SUMMARY_COLUMNS",
    "ImportReport",
    "LaunchArea",
    "LaunchAreas",
    "PlaceMatch",
    "RecordImport",
    "Region",
    "RegionMatch",
    "Regions",
    "load_launch_areas",
    "load_regions",
    "normalise_name",
    "plot_monthly",
    "read_record",
    "summarise",
]
