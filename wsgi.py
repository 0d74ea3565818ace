"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""
from eventhub import create_app
from eventhub.core import collector

app = create_app()
collector.settle()  # each worker imports this module: the app's objects are frozen in each of them
