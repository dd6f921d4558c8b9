"""Names the engine's results use, without importing the engine."""

#: Every threat ends with exactly one of these.
FATES = (
    "killed_fighter",
    "killed_ground",
    "lost_ew",
    "hit_asset",
    "hit_elsewhere",
    "outside_protected_area",
)

#: The defences a replication can run: Ukraine's own, and those plus the coalition's fighters.
DEFENCES = ("baseline", "shield")
