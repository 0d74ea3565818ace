"""Rooms, tracks, sessions, people, clashes, sign-up and the personal agenda."""
