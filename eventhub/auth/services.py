"""Account rules: creating users, checking passwords, issuing API tokens."""
import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from eventhub.auth.models import ROLES, ApiToken, User, UserRole
from eventhub.core.types import utcnow
from eventhub.extensions import db

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A request about accounts that the rules refuse; the message says why."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively, so they are stored lower-cased."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user with this email, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, full_name: str, password: str, roles: list[str] | tuple = ()) -> User:
    """Create an account; refuses a taken email, an unknown role or a short password."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError(_("'%(email)s' is not an email address.", email=email))
    if find_user(email):
        raise AccountError(_("A user with the email %(email)s already exists.", email=email))
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(_("Unknown role(s): %(unknown)s. Known: %(known)s.", unknown=", ".join(sorted(unknown)), known=", ".join(ROLES)))
    _check_password(password)
    user = User(email=email, full_name=full_name.strip(), password_hash=_hash_password(password))
    user.role_rows = [UserRole(role=role) for role in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; records the login time."""
    user = find_user(email)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    _check_password(new)
    user.password_hash = _hash_password(new)
    db.session.commit()


def _hash_password(password: str) -> str:
    """The stored form of a password, with the configured method (werkzeug's scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the secret, which is never stored."""
    secret = "eh_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_hash_token(secret))
    db.session.add(token)
    db.session.commit()
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash_token(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """Tokens, newest first, optionally of one user."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token so it no longer authenticates."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise AccountError(_("No token with id %(id)s.", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token
