"""The version of Sky Shield (one place; the package, the store and the report read it)."""

__version__ = "0.2.0"
