"""Organiser pages to build the agenda: rooms, tracks, sessions, the timetable, clashes."""
from flask import Blueprint

bp = Blueprint("agenda_admin", __name__, url_prefix="/manage/events/<slug>/agenda")
