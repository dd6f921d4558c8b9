"""The attack record: import (``read_record``), the user's aliases, gazetteers of launch areas
and regions, the record's counting conventions and its one got-through measure, and summaries
per period and class (``summarise``, ``plot_monthly``)."""

from skyshield.record.aliases import RecordAliases, load_aliases
from skyshield.record.conventions import (
    GROUPS,
    class_group,
    got_through_table,
    month_conventions,
    row_outcomes,
)
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
    apply_aliases,
    read_record,
    row_warnings,
)
from skyshield.record.summary import SUMMARY_COLUMNS, plot_monthly, summarise

__all__ = [
    "GROUPS",
    "REQUIRED_COLUMNS",
    "ROW_COLUMNS",
    "SCHEMA_COLUMNS",
    "SUMMARY_COLUMNS",
    "ImportReport",
    "LaunchArea",
    "LaunchAreas",
    "PlaceMatch",
    "RecordAliases",
    "RecordImport",
    "Region",
    "RegionMatch",
    "Regions",
    "apply_aliases",
    "class_group",
    "got_through_table",
    "load_aliases",
    "load_launch_areas",
    "load_regions",
    "month_conventions",
    "normalise_name",
    "plot_monthly",
    "read_record",
    "row_outcomes",
    "row_warnings",
    "summarise",
]
