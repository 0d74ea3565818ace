"""`flask demo`: realistic, deterministic demo data at any scale (see cli.py)."""
