"""The organisers' side of the agenda: one blueprint for the timetable editor and everything it edits.

sessions.py holds the session form, rooms.py the rooms, tracks and session kinds, timetable.py the
timetable, moves, clashes and publishing; grid.py lays a day out, forms.py holds the forms.
"""
from flask import Blueprint

bp = Blueprint("agenda_admin", __name__, url_prefix="/manage/events/<slug>/agenda")

from eventhub.agenda.admin import rooms, sessions, timetable  # noqa: E402,F401  (each adds its routes to bp)
