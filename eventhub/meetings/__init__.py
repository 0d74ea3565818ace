"""Bilateral meetings between participants of an event: tables, windows cut into slots, requests, meetings."""
