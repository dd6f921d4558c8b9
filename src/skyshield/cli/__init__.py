"""The ``skyshield`` command line."""
