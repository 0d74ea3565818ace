"""`flask letters rekey`: after VISA_LETTER_KEY is rotated, seal every stored request under the new key."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.letters import crypto
from eventhub.letters.models import VisaLetter


@click.group("letters")
def letters_cli():
    """Visa invitation letters."""


@letters_cli.command("rekey")
@with_appcontext
def rekey():
    """Seal every stored request again under VISA_LETTER_KEY, reading them with it or a retired key
    (VISA_LETTER_KEY_FALLBACKS). Afterwards the retired keys can be dropped. Requests no key opens are left
    as they are and counted."""
    if not crypto.available():
        raise click.ClickException("VISA_LETTER_KEY is not set: there is no key to seal with.")
    resealed = unreadable = 0
    with atomic():
        for letter in db.session.scalars(select(VisaLetter).where(VisaLetter.sealed.is_not(None))):
            token = crypto.reseal(letter.sealed)
            if token is None:
                unreadable += 1
            else:
                letter.sealed, resealed = token, resealed + 1
    click.echo(f"Sealed {resealed} visa letter requests under the current key; {unreadable} no key could open.")
    if unreadable:
        raise SystemExit(1)
