"""City delegations: a head of delegation registers, adds and withdraws named delegates of one organisation.

services.py holds the rules (each delegate is an ordinary registration), views.py the public pages
reached through the head's secret link, forms.py their forms.
"""
from flask import Blueprint

from eventhub.core.tokens import keep_tokens_private

bp = Blueprint("delegations", __name__)
keep_tokens_private(bp)

from eventhub.registration.delegations import views  # noqa: E402,F401  (adds its routes to bp)
