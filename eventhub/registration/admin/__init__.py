"""The organisers' side of registration: one blueprint for an event's registrations and custom questions.

registrations.py holds the list, the actions, the detail page, the CSV and the participation overview;
questions.py the custom questions editor; retention.py anonymising an ended event; forms.py their forms.
"""
from flask import Blueprint

bp = Blueprint("registration_admin", __name__, url_prefix="/manage/events/<slug>")

from eventhub.registration.admin import questions, registrations, retention  # noqa: E402,F401  (each adds its routes to bp)
