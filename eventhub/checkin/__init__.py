"""Check-in at the door: every scan stored, the first valid one per person and event day counted."""
