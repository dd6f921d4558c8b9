"""Theatre geography: countries, Russian-held territory, coastline (sources in SOURCES.md here)."""
