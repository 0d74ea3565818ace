"""`flask mail send`."""
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Send the queued e-mail.")
