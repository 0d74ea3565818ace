"""Public agenda pages, sign-up and the personal agenda."""
from flask import Blueprint

bp = Blueprint("agenda", __name__)
