"""User accounts, their roles and their API tokens."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db

ROLES = ("admin", "organiser", "checkin")


def holds(mine, *roles: str) -> bool:
    """Whether someone with the roles `mine` holds any of `roles`; admins hold every role."""
    return "admin" in mine or any(role in mine for role in roles)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    audit_type = "user"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-cased by the service, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every session and remember-me cookie names the version it was signed in under; raising it signs the
    # account out everywhere (services.end_sessions).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The interface language chosen (eventhub.core.languages); None: the browser's. Mails to them follow it.
    locale: Mapped[str | None] = mapped_column(String(10))

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of the roles; admins hold every role."""
        return holds(self.roles, *roles)

    @property
    def is_active(self) -> bool:
        return self.active

    # Not a column: the identity this object was signed in or loaded with (services.sign_in_identity).
    identity = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: this sign-in's identity."""
        if self.identity is None:
            raise RuntimeError("Sign users in with an identity from services.sign_in_identity().")
        return self.identity

    # Compared as every other model is (one object per row in a session): UserMixin's comparison of get_id()
    # would tell two sign-ins of one account apart.
    __eq__, __ne__, __hash__ = object.__eq__, object.__ne__, object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.email


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN ('admin', 'organiser', 'checkin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    audit_type = "api_token"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name or f"token {self.id}"
