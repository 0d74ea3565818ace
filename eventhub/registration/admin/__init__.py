"""The organisers' side of registration: one blueprint for an event's registrations and custom questions.

listing.py holds the list, its CSV and its bulk actions (run by eventhub.registration.bulk_actions; sorting.py
orders the list); registrations.py one registration's actions, its detail page and the participation overview;
questions.py the custom questions editor; retention.py anonymising an ended event; forms.py their forms.
"""
from flask import Blueprint

bp = Blueprint("registration_admin", __name__, url_prefix="/manage/events/<slug>")

from eventhub.registration.admin import listing, questions, registrations, retention  # noqa: E402,F401  (each adds its routes to bp)
