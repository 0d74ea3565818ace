"""`flask users ...` and `flask tokens ...`."""
import click
from flask.cli import AppGroup

from eventhub.audit.services import CLI
from eventhub.auth import services
from eventhub.auth.models import ROLES
from eventhub.core.transaction import atomic

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Repeat for several roles.")
@click.option("--password", help="Prompted for when not given.")
def create_user(email, name, roles, password):
    """Create a user account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with atomic():
            user = services.create_user(email, name, password, roles, actor=CLI)
    except services.AccountError as error:
        raise click.ClickException(str(error))
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles)) or 'none'}.")


@users_cli.command("roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES),
              help="Repeat for several roles; none takes every role away.")
def set_roles(email, roles):
    """Give an account exactly the roles named (the change is in the audit trail)."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    with atomic():
        services.set_roles(user, roles, actor=CLI)
    click.echo(f"{user.email} now has the roles: {', '.join(sorted(user.roles)) or 'none'}.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="A label to recognise the token by.")
def create_token(email, name):
    """Create an API token and print it once."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    with atomic():
        token, secret = services.create_token(user, name, actor=CLI)
    click.echo(f"Token {token.id} for {user.email}. Store it now, it is not shown again:")
    click.echo(secret)


@tokens_cli.command("list")
@click.option("--email", help="Only this user's tokens.")
def list_tokens(email):
    """List tokens (never their secrets)."""
    user = services.find_user(email) if email else None
    if email and user is None:
        raise click.ClickException(f"No user with the email {email}.")
    for token in services.list_tokens(user):
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M} UTC" if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.user.email}\t{token.name or '-'}\t{state}\tlast used {used}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke a token by its id."""
    try:
        with atomic():
            services.revoke_token(token_id, actor=CLI)
    except services.AccountError as error:
        raise click.ClickException(str(error))
    click.echo(f"Token {token_id} revoked.")
