"""Running EventHub: health checks, backups and restores."""
