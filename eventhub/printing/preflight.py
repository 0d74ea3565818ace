"""Before printing: which texts of the programme hold characters no vendored font can draw.

Those characters are left out of the PDF (typesetting.printable) rather than printed as empty
boxes; this list tells the organisers where, so they can reword a title before it goes to the
printer. Emoji need no warning: they print in black and white from the symbol font.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from eventhub.printing.typesetting import unprintable


@dataclass(frozen=True)
class Finding:
    """A text that will lose characters: where it is, the text, the characters, and the session."""
    where: str
    text: str
    characters: tuple[str, ...]
    session_id: int | None = None


def findings(event, sessions) -> list[Finding]:
    """Every text of the booklet (the event's, each session's and its people's) that will lose characters."""
    texts = [(_("Event title"), event.title), (_("Summary"), event.summary), (_("Description"), event.description),
             (_("Venue"), event.location)]
    found = [Finding(where, text, missing) for where, text, missing in _losses(texts)]
    for session in sessions:
        found += session_findings(session)
    return found


def session_findings(session) -> list[Finding]:
    """The texts of one session (title, description, people) that will lose characters in print."""
    texts = [(_("Session title"), session.title), (_("Session description"), session.description)]
    texts += [(_("Speaker"), ", ".join(p for p in (person.name, person.position_title) if p)) for person in session.people]
    return [Finding(where, text, missing, session.id) for where, text, missing in _losses(texts)]


def _losses(texts):
    """(where, text, the characters it loses) for each text that loses some."""
    for where, text in texts:
        if missing := unprintable(text or ""):
            yield where, text, tuple(missing)


def code_points(characters) -> str:
    """The characters as people can look them up: "U+F0001"."""
    return ", ".join(f"U+{ord(c):04X}" for c in characters)
