"""Calendars: the event and its agenda as iCalendar (RFC 5545) files that calendar apps accept."""
