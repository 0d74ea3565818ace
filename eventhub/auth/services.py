"""Account rules: creating users, their roles and passwords, signing in and out, issuing and revoking API tokens.

Every change is audited (user.created, user.updated for roles, user.password_changed,
api_token.created, api_token.revoked) in the caller's unit of work; nothing here commits.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from eventhub.audit.services import SYSTEM, Actor, record, record_created, record_update
from eventhub.auth.models import ROLES, ApiToken, User, UserRole, holds
from eventhub.core.tokens import digest, new_secret
from eventhub.core.types import utcnow
from eventhub.extensions import SQLITE_BUSY_TIMEOUT_MS, db

MIN_PASSWORD_LENGTH = 8
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL
# A token's "last used" is a day-to-day answer ("is this integration still alive?"): noting it at
# most this often keeps the API's reads from writing on every call.
LAST_USED_PRECISION = timedelta(hours=1)


class AccountError(ValueError):
    """A request about accounts that the rules refuse; the message says why."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively, so they are stored lower-cased."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user with this email, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_roles(roles) -> list[str]:
    """The roles without repeats; refuses unknown ones."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(_("Unknown role(s): %(unknown)s. Known: %(known)s.",
                             unknown=", ".join(sorted(unknown)), known=", ".join(ROLES)))
    return list(dict.fromkeys(roles))


def create_user(email: str, full_name: str, password: str, roles: list[str] | tuple = (),
                actor: Actor = SYSTEM) -> User:
    """Create an account; refuses a taken email, an unknown role or a short password."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError(_("'%(email)s' is not an email address.", email=email))
    if find_user(email):
        raise AccountError(_("A user with the email %(email)s already exists.", email=email))
    roles = _check_roles(roles)
    _check_password(password)
    user = User(email=email, full_name=full_name.strip(), password_hash=_hash_password(password))
    user.role_rows = [UserRole(role=role) for role in roles]
    db.session.add(user)
    record_created(actor, user, ("email", "full_name", "roles"))
    return user


def set_roles(user: User, roles, actor: Actor) -> User:
    """Give the user exactly these roles (none: the account can sign in but open no organiser page)."""
    roles = _check_roles(roles)
    before = {"roles": sorted(user.roles)}
    kept = [row for row in user.role_rows if row.role in roles]
    user.role_rows = kept + [UserRole(role=role) for role in roles if role not in user.roles]
    record_update(actor, user, before)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; notes the login time.

    A password is checked whether or not the address has an account (an unknown one against a stand-in
    hash of the same method), so that the answer takes as long either way: a hash check is most of a
    login's time, and skipping it would tell anyone timing the page which addresses have accounts.
    """
    stand_in = _stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"])
    user = find_user(email)
    matches = check_password_hash(user.password_hash if user is not None else stand_in, password)
    if user is None or not matches or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


@lru_cache
def _stand_in_hash(method: str) -> str:
    """The hash of a random password nobody knows, made once per method."""
    return generate_password_hash(secrets.token_urlsafe(), method=method)


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one, and end every session of the account (the caller
    signs the device that changed it in again); the trail says when, never what."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    _check_password(new)
    user.password_hash = _hash_password(new)
    end_sessions(user)
    record(Actor.for_user(user), "user.password_changed", user)


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session and remember-me cookie issued so far stops working.

    The database counts it up (rather than this code reading the version and writing it back), so that two
    at once both count.
    """
    user.session_version = User.session_version + 1
    db.session.flush()


def sign_in_identity(user: User) -> str:
    """A new identity for the user to be signed in with (see User.get_id): the account, its session version,
    and a random part, so that no two sign-ins' remember-me cookies are alike."""
    user.identity = f"{user.id}:{user.session_version}:{secrets.token_urlsafe(16)}"
    return user.identity


def user_for_identity(identity: str) -> User | None:
    """The user a session or remember-me cookie still signs in, or None: a malformed identity, one of an
    account that no longer exists, or one from before the account's sessions were ended."""
    try:
        user_id, version, _random = identity.split(":")
        user_id, version = int(user_id), int(version)
    except (AttributeError, ValueError):
        return None
    if not 0 < user_id <= MAX_ID:  # a larger one is no row, and PostgreSQL would refuse to look it up
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    user.identity = identity
    return user


def _hash_password(password: str) -> str:
    """The stored form of a password, with the configured method (werkzeug's scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _check_password(password: str) -> None:
    """Refuse a password shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def create_token(user: User, name: str = "", actor: Actor = SYSTEM) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the secret, which is stored only as its digest."""
    secret = new_secret(prefix="eh_")
    token = ApiToken(user=user, name=name, token_hash=digest(secret))
    db.session.add(token)
    db.session.flush()
    record(actor, "api_token.created", token, changes={"user": user.email, "name": name or None})
    return token, secret


@dataclass(frozen=True)
class ApiCaller:
    """Whom an API request acts for: the owner of its token, read with the token in one row. What the API
    asks of a caller (who, which roles) without loading the account as an object: every call starts here."""

    id: int
    email: str
    roles: frozenset[str]
    is_authenticated = True  # as Flask-Login's users say, for code that serves pages and the API alike

    def has_role(self, *roles: str) -> bool:
        return holds(self.roles, *roles)


# Built once: building the statement on each call cost more than running it (bench/checkin.py).
_TOKEN_CALLER = (
    select(ApiToken.id, ApiToken.last_used_at, User.id, User.email, UserRole.role)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None), User.active.is_(True))
)


def caller_for_token(secret: str) -> ApiCaller | None:
    """Who this unrevoked token of an active account acts for, or None. One row per role of the owner."""
    rows = db.session.connection().execute(_TOKEN_CALLER, {"token_hash": digest(secret)}).all()
    if not rows:
        return None
    token_id, last_used_at, user_id, email, _role = rows[0]
    _note_use(token_id, last_used_at)
    return ApiCaller(user_id, email, frozenset(row.role for row in rows if row.role))


def _note_use(token_id: int, last_used_at: datetime | None) -> None:
    """Keep `last_used_at` to the hour, best effort, in a short transaction of its own.

    Bookkeeping, not a change of anything the request is about: it is not part of the request's
    unit of work (a refused write must not undo it), a read through the API writes at most once an
    hour per token, and it never waits for a lock: when the database is busy, the note waits for
    the next call rather than the caller waiting for the note.
    """
    now = utcnow()
    if last_used_at is not None and now - last_used_at < LAST_USED_PRECISION:
        return
    try:
        with db.engine.begin() as connection:
            sqlite = connection.dialect.name == "sqlite"
            connection.exec_driver_sql("PRAGMA busy_timeout = 0" if sqlite else "SET LOCAL lock_timeout = '100ms'")
            try:
                connection.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            finally:
                if sqlite:  # the pooled connection goes back to waiting as usual (extensions.py)
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    except OperationalError as error:
        current_app.logger.debug("Token %s: last use not noted (%s)", token_id, error)


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """Tokens, newest first, optionally of one user."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def revoke_token(token_id: int, actor: Actor = SYSTEM) -> ApiToken:
    """Revoke a token so it no longer authenticates (revoking it again changes nothing)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise AccountError(_("No token with id %(id)s.", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "api_token.revoked", token, changes={"user": token.user.email, "name": token.name or None})
    return token
