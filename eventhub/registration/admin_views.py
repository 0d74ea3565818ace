"""Organiser pages for an event's registrations."""
from flask import Blueprint

bp = Blueprint("registration_admin", __name__, url_prefix="/manage/events/<slug>")
