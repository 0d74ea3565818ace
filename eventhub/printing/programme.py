"""The printable programme: the published agenda as an A4 booklet, made with reportlab.

A cover with the event's logo, the event, its host city and the track colours; the event's
description; then one section per day with the sessions by time and room, each with the first
paragraph of its description. Every text goes through eventhub.printing.typesetting, so a speaker from
Αθήνα, Київ, 서울 or الرباط prints in their own script with fonts embedded in the file.

The booklet is in the event's main language: its texts as organisers wrote them, and its fixed labels,
dates and country names in that language too, whatever the language of the page it is downloaded from.
So one booklet serves every reader, and the cache keeps one copy per version of the agenda.
"""
import hashlib
import io
import threading
from collections import OrderedDict
from datetime import date, datetime, time
from itertools import groupby
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.calendars.schedule import version_of
from eventhub.core import languages
from eventhub.core.countries import country_name
from eventhub.core.formatting import format_date_in_zone, format_event_dates, format_time_in_zone
from eventhub.core.urls import external_url
from eventhub.events.images import image_data
from eventhub.printing.typesetting import paragraph, rich_paragraphs

# Bump when the layout changes, so cached copies (ETags) of the old layout are not served.
LAYOUT = "2"
GREY, DARK, LIGHT, PALE = "#5f6b7a", "#1f2d3d", "#c8ced6", "#eef0f3"
# A table row cannot run over two pages; this many speakers still leave room for a long title.
MAX_SPEAKERS = 20
# A session's description prints as its first paragraph, cut near this many characters.
ABSTRACT = 280
# The logo on the cover fits this box (points): about 80 × 35 mm.
LOGO_BOX = (227, 99)
# The last few booklets this process rendered, by ETag: the night before a congress everyone
# downloads the same one, and rendering a full agenda takes a worker most of a second.
_rendered: OrderedDict[str, bytes] = OrderedDict()
KEEP = 8
_lock = threading.Lock()


def programme_etag(event, sessions, proof: bool = False) -> str:
    """Changes whenever the booklet would: a session or the event edited, a room, track, kind or city
    renamed, a track's colour, the event's image, the layout, the event's language. Built from rows already
    loaded, and the event's image row (not its bytes): one query.

    Everything the booklet prints must be in it: it is also the key of each process's cache, and another
    app server may have renamed a kind, a room or a city since this one rendered the booklet.
    """
    host = event.host_organisation
    image = event.image
    parts = {(t.id, t.name, t.colour) for s in sessions for t in (s.track,) if t is not None}
    parts |= {("kind", k.id, k.name) for s in sessions for k in (s.kind,) if k is not None}
    parts |= {(r.id, r.name) for s in sessions for r in (s.room,) if r is not None}
    parts |= {(p.organisation.id, p.organisation.name) for s in sessions for p in s.people if p.organisation}
    key = "|".join([LAYOUT, "proof" if proof else "public", language_of(event), event.updated_at.isoformat(),
                    version_of(event, sessions), repr((host.name, host.local_name) if host else None),
                    image.digest if image is not None else "",
                    repr(sorted(parts, key=repr))])
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()  # a cache key and ETag, not a secret


def language_of(event) -> str:
    """The language the booklet is printed in: the event's main one."""
    return languages.normalise(event.language) or languages.DEFAULT


def agenda_date(event, sessions) -> datetime:
    """When the agenda last changed: the date the cover gives, the same for every copy of one version."""
    return max([event.updated_at, event.agenda_published_at or event.updated_at] + [s.updated_at for s in sessions])


def cached_programme_pdf(event, sessions, etag: str, proof: bool = False) -> bytes:
    """The booklet for this ETag, rendered once per process while it stays among the last few asked for."""
    with _lock:
        if etag in _rendered:
            _rendered.move_to_end(etag)
            return _rendered[etag]
    # Rendered outside the lock: two threads may both render a new version once, none waits on the other.
    body = programme_pdf(event, sessions, proof)
    with _lock:
        _rendered[etag] = body
        while len(_rendered) > KEEP:
            _rendered.popitem(last=False)
    return body


def _styles() -> dict:
    """The handful of paragraph styles the booklet uses (fonts come from the text's scripts)."""
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName="EH-Sans", fontSize=9, leading=11.5)
    return {
        "body": base,
        "small": base.clone("small", fontSize=8, leading=10, textColor=GREY),
        "title": base.clone("title", fontSize=26, leading=32, spaceAfter=10),
        "cover": base.clone("cover", fontSize=13, leading=18, spaceAfter=4),
        "day": base.clone("day", fontSize=16, leading=20, spaceBefore=4, spaceAfter=8),
        "about": base.clone("about", fontSize=10.5, leading=14.5),
        "head": base.clone("head", fontSize=8, leading=10, textColor="#ffffff"),
    }


def host_line(event) -> str | None:
    """The host city as its people write it, then in English, then the country."""
    host = event.host_organisation
    if host is None:
        return None
    names = [host.name] + ([host.local_name] if host.local_name and host.local_name != host.name else [])
    return _("Hosted by %(host)s, %(country)s", host=" · ".join(names), country=country_name(host.country))


def _logo(data: bytes | None):
    """The event's image, fitted into LOGO_BOX keeping its proportions, or None."""
    if not data:
        return None
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")


def _cover(event, sessions, styles, proof: bool) -> list:
    """The first page: the logo, what, where, when, which tracks in which colour, and where the latest version lives."""
    from reportlab.platypus import PageBreak, Spacer

    kicker = _("Proof — not published yet") if proof else _("Programme")
    logo = _logo(image_data(event))
    top = [Spacer(1, 90)] if logo is None else [Spacer(1, 24), logo, Spacer(1, 90 - 24 - logo.drawHeight)
                                                 if logo.drawHeight < 66 else Spacer(1, 12)]
    story = [*top, paragraph(kicker, styles["cover"]), paragraph(event.title, styles["title"], bold=True)]
    for line in (event.summary, format_event_dates(event), host_line(event), event.location):
        if line:
            story.append(paragraph(line, styles["cover"]))
    tracks = sorted({s.track.id: s.track for s in sessions if s.track is not None}.values(), key=lambda t: t.name)
    if tracks:
        story += [Spacer(1, 24), paragraph(_("Tracks"), styles["cover"], bold=True), _legend(tracks, styles)]
    stamp = format_date_in_zone(agenda_date(event, sessions), event.timezone, "long")
    story += [
        Spacer(1, 36),
        paragraph(_("Programme as of %(date)s. Times are local (%(zone)s).", date=stamp, zone=event.timezone),
                  styles["small"]),
        paragraph(_("Latest version: %(url)s", url=external_url("agenda.agenda", slug=event.slug)), styles["small"]),
        PageBreak(),
    ]
    about = rich_paragraphs(event.description, styles["about"])
    if about:
        story += [paragraph(_("About the event"), styles["day"], bold=True), *about, PageBreak()]
    return story


def _legend(tracks, styles):
    """Each track's colour beside its name, as the bars in the day tables show it."""
    from reportlab.platypus import Table

    legend = Table([["", paragraph(t.name, styles["body"])] for t in tracks], colWidths=[14, 300], hAlign="LEFT")
    legend.setStyle([("BACKGROUND", (0, i), (0, i), t.colour) for i, t in enumerate(tracks)] + [
        ("FONTNAME", (0, 0), (-1, -1), "EH-Sans"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])
    return legend


def _session_cell(session, styles) -> list:
    """Title, then kind · track · language, then the speakers with their cities."""
    title = session.title if session.status != "cancelled" else f"{session.title} — {_('Cancelled')}"
    facts = [c.name for c in (session.kind, session.track) if c is not None]
    facts.append(session.language.upper() + (" " + _("with interpretation") if session.interpretation else ""))
    cell = [paragraph(title, styles["body"], bold=True), paragraph(" · ".join(facts), styles["small"])]
    cell += rich_paragraphs(session.description, styles["small"], abstract=ABSTRACT)
    for person in session.people[:MAX_SPEAKERS]:
        who = ", ".join(p for p in (person.name, person.position_title) if p)
        if person.organisation is not None:
            who += f" — {person.organisation.name}"
        cell.append(paragraph(who, styles["body"]))
    if len(session.people) > MAX_SPEAKERS:
        more = len(session.people) - MAX_SPEAKERS
        cell.append(paragraph(_("and %(count)s more: see the online agenda", count=more), styles["small"]))
    return cell


def _day_table(event, sessions, styles):
    """One day's sessions by start time, parallel ones by room order; the time shown once per slot."""
    from reportlab.platypus import Table

    head = [paragraph(label, styles["head"], bold=True) for label in (_("Time"), _("Room"), _("Session"))]
    rows, commands = [["", *head]], [
        ("FONTNAME", (0, 0), (-1, -1), "EH-Sans"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), DARK),
        ("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), 0),  # the colour bar
    ]
    by_slot = sorted(sessions, key=lambda s: (s.start_at, s.end_at, _room_position(s)))
    for (start, end), slot in groupby(by_slot, key=lambda s: (s.start_at, s.end_at)):
        commands.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 0.8, DARK))
        times = [paragraph(format_time_in_zone(start, event.timezone), styles["body"], bold=True),
                 paragraph(f"– {format_time_in_zone(end, event.timezone)}", styles["small"])]
        for n, session in enumerate(slot):
            row = len(rows)
            room = paragraph(session.room.name if session.room else "", styles["body"])
            rows.append(["", times if n == 0 else "", room, _session_cell(session, styles)])
            if session.track is not None:
                commands.append(("BACKGROUND", (0, row), (0, row), session.track.colour))
            if n:
                commands.append(("LINEABOVE", (1, row), (-1, row), 0.25, LIGHT))
            if session.status == "cancelled":
                commands.append(("BACKGROUND", (1, row), (-1, row), PALE))
    table = Table(rows, colWidths=[4, 62, 86, None], repeatRows=1, hAlign="LEFT")
    table.setStyle(commands)
    return table


def _room_position(session):
    """Rooms in their timetable order, sessions without a room last."""
    room = session.room
    return (room is None, room.position if room else 0, room.name if room else "")


def _days(event, sessions) -> list[tuple[date, list]]:
    """The sessions grouped by the day they start on, on the venue's clock."""
    zone = ZoneInfo(event.timezone)
    ordered = sorted(sessions, key=lambda s: s.start_at)
    return [(day, list(group)) for day, group in groupby(ordered, key=lambda s: s.start_at.astimezone(zone).date())]


def programme_pdf(event, sessions, proof: bool = False) -> bytes:
    """The booklet as PDF bytes; every font it uses is embedded (subset) in the file.

    A proof (for organisers, before the agenda is public) says so on the cover and on every page.
    """
    with force_locale(language_of(event)):
        return _booklet(event, sessions, proof)


def _booklet(event, sessions, proof: bool) -> bytes:
    """programme_pdf in the language spoken now."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    styles = _styles()
    story = _cover(event, sessions, styles, proof)
    days = _days(event, sessions)
    for n, (day, todays) in enumerate(days):
        # Noon, not midnight: some zones skip midnight when the clocks change.
        label = format_date_in_zone(datetime.combine(day, time(12), ZoneInfo(event.timezone)), event.timezone, "full")
        story += [paragraph(label, styles["day"], bold=True), _day_table(event, todays, styles)]
        if n < len(days) - 1:
            story.append(PageBreak())
    if not days:
        story.append(paragraph(_("No sessions have been published yet."), styles["cover"]))

    def footer(canvas, document):
        """Event and page number at the foot of every page after the cover."""
        label = _("Proof — not published yet") if proof else _("Programme")
        line = paragraph(f"{event.title} · {label} · {document.page}", styles["small"])
        line.wrapOn(canvas, document.width, 20 * mm)
        line.drawOn(canvas, document.leftMargin, 9 * mm)

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=18 * mm,
        title=f"{event.title} — {_('Programme')}", subject=_("Programme"), creator="EventHub",
        author=event.host_organisation.name if event.host_organisation else "",
        lang=languages.html_lang(language_of(event)),
        # Pages start in an embedded face, so no unembedded Helvetica is left for the reader to substitute.
        initialFontName="EH-Sans",
    )
    document.build(story, onLaterPages=footer)
    return out.getvalue()
