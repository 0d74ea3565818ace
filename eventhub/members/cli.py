"""`flask members import|export`."""
from flask.cli import AppGroup

members_cli = AppGroup("members", help="Import and export member records.")
