"""A listed participant's directory profile: topics (the event's tracks) and languages spoken."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.extensions import db

# The languages a participant can say they speak (Babel codes): the agenda's session languages
# (eventhub.agenda.admin.forms.LANGUAGES) and other languages widely spoken among the network's members.
SPOKEN_LANGUAGES = ("en", "fr", "es", "pt", "de", "it", "nl", "pl", "sv", "tr", "ru", "ar", "zh", "ja", "ko", "hi",
                    "id", "sw", "uk", "el", "cs", "ro", "hu", "fi", "da", "no", "he", "fa", "ur", "bn", "th", "vi",
                    "ms", "tl", "am", "ha", "yo", "zu")


class DirectoryTopic(db.Model):
    """A track of the event the participant wants to discuss."""

    __tablename__ = "directory_topics"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    # Indexed for the topic filter: who wants to discuss this track.
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True, index=True)


class DirectoryLanguage(db.Model):
    """A language the participant speaks."""

    __tablename__ = "directory_languages"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    # A language code as Babel spells it, e.g. "fr", "zh" (the agenda's list of languages).
    code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
