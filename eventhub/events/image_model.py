"""An event's logo or banner: one image per event, kept in the database.

In the database, not on disk: several app servers share no disk, and a backup (flask backup)
then holds the image with the event it belongs to. Only the re-encoded copy is kept (see
eventhub.events.images), never the file as uploaded.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db

CONTENT_TYPES = {"image/png": "png", "image/jpeg": "jpg"}


class EventImage(db.Model):
    __tablename__ = "event_images"
    __table_args__ = (
        CheckConstraint("content_type IN ('image/png', 'image/jpeg')", name="content_type_known"),
        CheckConstraint("width > 0 AND height > 0", name="has_pixels"),
        CheckConstraint("byte_size > 0", name="has_bytes"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    # Deferred: pages ask for the size and the digest; only the image's own URL and the PDFs read the bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # SHA-256 of data, hex: its start is in the image's URL, so a new image gets a new URL and an
    # unchanged one can be cached for a year.
    digest: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    # What the image shows, for people who cannot see it; empty when it only repeats the event's name.
    alt_text: Mapped[str] = mapped_column(String(300), default="", server_default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def extension(self) -> str:
        return CONTENT_TYPES[self.content_type]

    @property
    def version(self) -> str:
        """The part of the digest that names this image in its URL."""
        return self.digest[:16]
