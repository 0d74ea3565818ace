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
    found = []

    def check(where: str, text: str | None, session_id: int | None = None) -> None:
        if missing := unprintable(text or ""):
            found.append(Finding(where, text, tuple(missing), session_id))

    for label, text in ((_("Event title"), event.title), (_("Summary"), event.summary),
                        (_("Description"), event.description), (_("Venue"), event.location)):
        check(label, text)
    for session in sessions:
        check(_("Session title"), session.title, session.id)
        check(_("Session description"), session.description, session.id)
        for person in session.people:
            check(_("Speaker"), ", ".join(p for p in (person.name, person.position_title) if p), session.id)
    return found


def code_points(characters) -> str:
    """The characters as people can look them up: "U+F0001"."""
    return ", ".join(f"U+{ord(c):04X}" for c in characters)
