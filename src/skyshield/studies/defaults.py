"""Default sizes of the studies (light to import: the command line's help shows them)."""

#: Replications of the main job's Monte Carlo run and of each point of its sizing sweep.
DEFAULT_RUNS, DEFAULT_SWEEP_RUNS = 60, 20

#: Replications of each night of the record's latest month in the main job.
DEFAULT_RECENT_RUNS = 5

#: The main job's sizing points, as fractions of the scenario's pledged jets.
SWEEP_FRACTIONS = (1 / 3, 2 / 3, 1.0, 4 / 3)

#: The metric a sensitivity study compares unless told otherwise.
DEFAULT_METRIC = "shield.hits_on_assets"
