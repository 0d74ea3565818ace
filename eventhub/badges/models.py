"""Badges: one row per code ever issued, so a scan of an old code can say why it no longer opens the door."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db
from eventhub.registration.models import Registration


class Badge(db.Model):
    __tablename__ = "badges"
    __table_args__ = (
        CheckConstraint("revoked_reason IS NULL OR revoked_reason IN ('reissued', 'cancelled', 'rejected')",
                        name="revoked_reason_known"),
        CheckConstraint("print_count >= 0", name="print_count_positive"),
        # At most one valid badge per registration, whatever runs at once.
        Index("uq_badges_one_valid_per_registration", "registration_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from the registration: a scan for another event is told apart without a join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    # The code printed on the badge (eventhub.badges.tokens); kept to print the badge again.
    token: Mapped[str] = mapped_column(String(40), unique=True)
    # SHA-256 of the code: scans are looked up by it, and offline scanners download these.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    # When it was last marked printed, and how often: the list shows what still needs printing.
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    print_count: Mapped[int] = mapped_column(default=0, server_default="0")

    registration: Mapped[Registration] = relationship()

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Badge {self.id} registration={self.registration_id} {'valid' if self.valid else self.revoked_reason}>"
