"""Public registration pages: the form, delegations and the manage links."""
from flask import Blueprint

bp = Blueprint("registration", __name__)
