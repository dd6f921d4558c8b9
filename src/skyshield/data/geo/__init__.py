"""Theatre geography: countries, Russian-held territory, coastline (sources in README.md here)."""
