"""Member city records: organisations, networks, regions, CSV import and export."""
