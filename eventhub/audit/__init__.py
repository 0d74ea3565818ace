"""The audit trail every service writes to."""
