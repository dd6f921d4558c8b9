"""Data shipped with the package (read with importlib.resources; sources in each folder)."""
