"""Printed name badges: plain data in, a PDF out. Knows nothing of registrations (eventhub.badges
turns them into BadgeCards), so any domain can call it without an import cycle.

The badge (A6 portrait, 105 × 148 mm), top to bottom: the event's name and dates on a dark header,
with the event's logo (when it has one) on a white plate at its left;
the attendee's name, as large as it fits (shrunk and wrapped, never past the badge); position,
organisation and country beside the QR code; a band in the category's colour naming the category
in words. Every text goes through eventhub.printing.typesetting's faces (embedded, subset), so
names print in any script; see badge_text for the fast path most names take.

Print geometry, for the print shop and the office printer:
- Every badge keeps a 7 mm white margin on all four sides: nothing, not even colour, reaches a cut
  line. There is no bleed, so a cut a millimetre off shows nothing, and office printers (which
  cannot print the outer 4-5 mm of a sheet) lose nothing.
- "a6": one badge per A6 page, for badge printers and A6 sleeves; no crop marks (the page is the badge).
- "a4": four badges per A4 page, 2 × 2, edge to edge (A4 is exactly 2 × 2 A6; each badge is
  105 × 148.5 mm, the extra half millimetre goes to the name's box). The outer cuts are the sheet's
  own edges, so only two cuts are needed, along the sheet's two centre lines. Crop marks, 0.5 pt
  black, sit on those lines: a 4 mm mark at each end of each line (3 to 7 mm in from the sheet's
  edge, inside the margin, where the cut removes them) and a small cross at the centre. Cut on them.
- Double-sided: a back page follows each front page. On A4 the backs are mirrored left to right
  (print with long-edge duplex, "flip on long edge"), so each back lands behind its own front.

The QR code is 30 mm (version 2: 25 modules of 1.2 mm), level M, drawn as filled rectangles (runs
of dark modules merged), with its 4-module quiet zone kept white; see badge_qr for how it is made fast.

Speed: what is the same on every badge is drawn once per file as a form XObject and placed by
reference: the header (with the logo, decoded once per file and embedded once), each category's
band, the back's frame, the A4 crop marks. Per badge there
remain the QR code (badge_qr: ~0.2 ms to make, ~0.3 ms to turn into rectangles), the name and
details (badge_text) and reportlab's own text objects: ~650 badges/s on A4 on a 2-core machine
(bench/badge_render.py).

Memory: the cards are consumed a page at a time, and nothing per badge is kept but what reportlab
keeps: every finished page stays in its document until save(), which only then compresses and
writes them all. A badge's content stream is ~2.2 KB of text; render_badges() deflates each page's
stream as soon as the page is finished (_compress_finished_page), to ~0.5 KB a badge. Measured
peak memory (bench/badge_render.py): +2.9 MiB for 2,000 badges over 500, ~2 KiB a badge including
reportlab's page objects and save() assembling the file in memory (+5.1 MiB, ~3.5 KiB a badge,
without the early compression).
"""
import io
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO

from eventhub.printing import badge_text
from eventhub.printing.badge_qr import MAX_VERSION, qr_symbol
from eventhub.printing.badge_text import fit
from eventhub.printing.typesetting import RTL, coverage, is_rtl

_RIGHT_TO_LEFT = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in RTL) + "]")
MM = 72 / 25.4
A6_SIZE = (105 * MM, 148 * MM)
A4_SIZE = (210 * MM, 297 * MM)
LAYOUTS = ("a6", "a4")
MARGIN = 7 * MM
HEADER = 22 * MM
BAND = 12 * MM
QR_SIZE = 30 * MM
# The quiet zone is 4 modules: 4.8 mm for our version 2 codes; room is kept for a version 1 code's.
QUIET = 4 * QR_SIZE / 21
GAP = 3 * MM
DARK, GREY, LIGHT, WHITE = "#1f2d3d", "#4a5563", "#c8ced6", "#ffffff"
DEFAULT_LABELS = {"sessions": "My sessions", "more": "and %(count)s more", "badges": "Badges"}


@dataclass(frozen=True)
class BandColours:
    """A category's band: its fill, and the colour its label is printed in on that fill."""
    fill: str
    text: str


# One distinct colour per category, dark or saturated enough to print well on office and badge
# printers (no pastel that fades to white). The label is always printed too: never colour alone.
# Each text colour contrasts with its fill at 4.5:1 or more (WCAG AA for normal text; the test checks).
CATEGORY_COLOURS = {
    "delegate": BandColours("#1d5fa6", WHITE),  # blue
    "speaker": BandColours("#b3261e", WHITE),  # red
    "partner": BandColours("#2e7d32", WHITE),  # green
    "press": BandColours("#f2c230", DARK),  # yellow
    "staff": BandColours("#3b1f5c", WHITE),  # deep purple
}
OTHER_COLOURS = BandColours("#5f6b7a", WHITE)


def badge_boxes(layout: str = "a6") -> dict[str, tuple[float, float, float, float]]:
    """Where things go on one badge, as (left, bottom, right, top) in points from its lower left
    corner: the badge, the content inside its margins, the header, the name's box, the details
    column, the QR symbol and its quiet zone, the band."""
    width, height = (A4_SIZE[0] / 2, A4_SIZE[1] / 2) if layout == "a4" else A6_SIZE
    band = (MARGIN, MARGIN, width - MARGIN, MARGIN + BAND)
    qr_bottom = band[3] + GAP + 4 * MM
    qr = (width - MARGIN - QR_SIZE, qr_bottom, width - MARGIN, qr_bottom + QR_SIZE)
    quiet = (qr[0] - QUIET, qr[1] - QUIET, qr[2] + QUIET, qr[3] + QUIET)
    header = (MARGIN, height - MARGIN - HEADER, width - MARGIN, height - MARGIN)
    return {
        "badge": (0, 0, width, height),
        "content": (MARGIN, MARGIN, width - MARGIN, height - MARGIN),
        "header": header,
        "name": (MARGIN, quiet[3] + 2 * MM, width - MARGIN, header[1] - 5 * MM),
        "details": (MARGIN, band[3] + GAP, quiet[0] - 1 * MM, qr[3]),
        "qr": qr,
        "quiet zone": quiet,
        "band": band,
    }


# The logo's white plate: at most this wide, as high as the header leaves inside a small inset.
LOGO_MAX_WIDTH = 30 * MM
LOGO_INSET = 2 * MM
LOGO_PADDING = 1.2 * MM


@dataclass(frozen=True)
class BadgeEvent:
    """The same for every badge of one file. logo: the event's image (PNG or JPEG bytes), or None."""
    title: str
    dates: str
    labels: dict = field(default_factory=dict)
    logo: bytes | None = None


@dataclass(frozen=True)
class BadgeCard:
    """One badge: what its QR code holds and what it prints."""
    token: str
    full_name: str
    position: str = ""
    organisation: str = ""
    country: str = ""
    category: str = "delegate"
    category_label: str = "Delegate"
    sessions: tuple = ()


def render_badges(event: BadgeEvent, cards: Iterable[BadgeCard], out: BinaryIO, layout: str = "a6",
                  double_sided: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Writes the PDF to `out`; returns the number of badges. `cards` may be a generator (2,000 of
    them): it is consumed lazily, a page at a time. progress(n) is called after each badge."""
    from reportlab.pdfgen.canvas import Canvas

    if layout not in LAYOUTS:
        raise ValueError(f"Unknown badge layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    coverage()  # the embedded faces, registered once per process
    labels = {**DEFAULT_LABELS, **(event.labels or {})}
    page = A4_SIZE if layout == "a4" else A6_SIZE
    canvas = Canvas(out, pagesize=page, pageCompression=1, initialFontName="EH-Sans")
    canvas.setTitle(f"{event.title} — {labels['badges']}")
    canvas.setSubject(labels["badges"])
    canvas.setCreator("EventHub")
    canvas.setAuthor("EventHub")
    canvas.setPageCallBack(lambda _number: _compress_finished_page(canvas))
    sheet = _Sheet(canvas, event, labels, layout)
    per_page = 4 if layout == "a4" else 1
    count = 0
    iterator = iter(cards)
    while batch := list(islice(iterator, per_page)):
        for slot, card in enumerate(batch):
            sheet.front(card, slot)
            count += 1
            if progress is not None and not double_sided:
                progress(count)
        sheet.finish_front_page()
        if double_sided:
            done = count - len(batch)
            for slot, card in enumerate(batch):
                sheet.back(card, slot)
                if progress is not None:
                    progress(done + slot + 1)
            canvas.showPage()
    if count == 0:  # an empty file is still a valid PDF: one blank page
        canvas.showPage()
    canvas.save()
    return count


def _compress_finished_page(canvas) -> None:
    """Deflate the page reportlab has just finished now, instead of at save().

    reportlab keeps each finished page (a PDFPage holding its content stream as text) in the
    document until save(), and only then compresses and writes them all. A badge's text is ~2-3 KB;
    deflated, well under 1 KB. So the stream is deflated here and handed to the page as a ready
    PDFStream whose dictionary already names its filter, which save() then writes as it is (the
    way pdfdoc.PDFStream documents for content filtered elsewhere).
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream

    pages = getattr(getattr(getattr(canvas, "_doc", None), "Pages", None), "pages", None)
    page = pages[-1] if pages else None
    if not isinstance(getattr(page, "stream", None), str) or getattr(page, "Contents", None) is not None:
        return  # not the reportlab this was written for: it compresses at save() as it always did
    deflated = zlib.compress(page.stream.encode("utf8"))  # as reportlab's own PDFZCompress encodes it
    stream = PDFStream(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}), deflated)
    stream.__Comment__ = "page stream"
    page.Contents, page.stream = stream, None


class _Sheet:
    """Draws badges on a canvas: the layout's slots, the forms, the fronts and the backs."""

    def __init__(self, canvas, event: BadgeEvent, labels: dict, layout: str):
        self.canvas, self.event, self.labels, self.layout = canvas, event, labels, layout
        if layout == "a4":
            self.width, self.height = A4_SIZE[0] / 2, A4_SIZE[1] / 2
            self.slots = [(0, self.height), (self.width, self.height), (0, 0), (self.width, 0)]
        else:
            self.width, self.height = A6_SIZE
            self.slots = [(0, 0)]
        self.forms: dict = {}
        self.boxes = badge_boxes(layout)
        self.logo = _logo(event.logo)  # decoded here, once for the whole file

    # --- the parts drawn once per file ---------------------------------------------------------

    def _form(self, key, draw: Callable[[], None], whole_page: bool = False) -> None:
        """Place the form for key, first drawing it (once per file) with draw()."""
        canvas = self.canvas
        name = self.forms.get(key)
        if name is None:
            name = self.forms[key] = f"EH{len(self.forms)}"
            width, height = (A4_SIZE if self.layout == "a4" else A6_SIZE) if whole_page else (self.width, self.height)
            canvas.beginForm(name, 0, 0, width, height)
            draw()
            canvas.endForm()
        canvas.doForm(name)

    def _header(self) -> None:
        """The dark header with the event's logo, name and dates, at the top of every front and back."""
        canvas, width = self.canvas, self.width - 2 * MARGIN
        top = self.height - MARGIN
        canvas.setFillColor(badge_text.colour_of(DARK))
        canvas.roundRect(MARGIN, top - HEADER, width, HEADER, 2 * MM, stroke=0, fill=1)
        left = MARGIN + 5 * MM
        if self.logo is not None:
            left = MARGIN + LOGO_INSET + self._logo_plate(top) + 3 * MM
        inner = MARGIN + width - 5 * MM - left
        title = fit(self.event.title, inner, 11 * MM, 14, 9, bold=True, max_lines=2, leading=1.15, colour=WHITE)
        dates = fit(self.event.dates, inner, 5 * MM, 9.5, 7, max_lines=1, colour=LIGHT)
        used = title.height + 1.5 * MM + dates.height
        y = top - (HEADER - used) / 2
        y -= badge_text.draw(canvas, title, left, y, inner, colour=WHITE) + 1.5 * MM
        badge_text.draw(canvas, dates, left, y, inner, colour=LIGHT)

    def _logo_plate(self, top: float) -> float:
        """The logo on a white plate at the header's left (dark logos stay visible); returns the plate's width."""
        canvas = self.canvas
        plate_height = HEADER - 2 * LOGO_INSET
        room = plate_height - 2 * LOGO_PADDING
        image_width, image_height = self.logo.getSize()
        scale = min(room / image_height, (LOGO_MAX_WIDTH - 2 * LOGO_PADDING) / image_width)
        drawn_width, drawn_height = image_width * scale, image_height * scale
        plate_width = drawn_width + 2 * LOGO_PADDING
        x, y = MARGIN + LOGO_INSET, top - LOGO_INSET - plate_height
        canvas.setFillColor(badge_text.colour_of(WHITE))
        canvas.roundRect(x, y, plate_width, plate_height, 1.5 * MM, stroke=0, fill=1)
        canvas.drawImage(self.logo, x + LOGO_PADDING, y + (plate_height - drawn_height) / 2, drawn_width, drawn_height,
                         mask="auto")
        return plate_width

    def _band(self, category: str, label: str) -> None:
        """The category's colour across the foot of the badge, its name in words on it."""
        colours = CATEGORY_COLOURS.get(category, OTHER_COLOURS)
        canvas, width = self.canvas, self.width - 2 * MARGIN
        canvas.setFillColor(badge_text.colour_of(colours.fill))
        canvas.roundRect(MARGIN, MARGIN, width, BAND, 2 * MM, stroke=0, fill=1)
        block = fit(label.upper(), width - 8 * MM, BAND - 3 * MM, 20, 9, bold=True, max_lines=1,
                    align="center", colour=colours.text)
        # Capitals centred on the band: their middle is ~0.36 em above the baseline.
        top = MARGIN + BAND / 2 - 0.36 * block.size + block.above
        badge_text.draw(canvas, block, MARGIN + 4 * MM, top, width - 8 * MM, align="center", colour=colours.text)

    def _crop_marks(self) -> None:
        """Marks on the two centre cut lines of an A4 sheet, inside the white margins (see above)."""
        canvas = self.canvas
        width, height = A4_SIZE
        middle_x, middle_y = width / 2, height / 2
        canvas.setStrokeColor(badge_text.colour_of("#000000"))
        canvas.setLineWidth(0.5)
        near, far, arm = 3 * MM, 7 * MM, 2.5 * MM
        canvas.lines([
            (middle_x, near, middle_x, far), (middle_x, height - near, middle_x, height - far),
            (near, middle_y, far, middle_y), (width - near, middle_y, width - far, middle_y),
            (middle_x - arm, middle_y, middle_x + arm, middle_y), (middle_x, middle_y - arm, middle_x, middle_y + arm),
        ])

    # --- each badge ---------------------------------------------------------------------------

    def _placed(self, slot: int, mirrored: bool = False):
        """Move the origin to the slot's lower left corner (mirrored left to right for backs on A4)."""
        x, y = self.slots[slot]
        if mirrored and self.layout == "a4":
            x = A4_SIZE[0] - x - self.width
        self.canvas.saveState()
        self.canvas.translate(x, y)

    def front(self, card: BadgeCard, slot: int) -> None:
        canvas, boxes = self.canvas, self.boxes
        self._placed(slot)
        self._form("header", self._header)
        self._form(("band", card.category, card.category_label),
                   lambda: self._band(card.category, card.category_label))
        left, bottom, _right, top = boxes["qr"]
        self._qr(card.token, left, bottom)
        # The name: as large as it fits its box, between the header and the code's quiet zone.
        left, bottom, right, top = boxes["name"]
        align = _alignment(card.full_name)
        name = fit(card.full_name, right - left, top - bottom, 34, 9, bold=True, leading=1.12,
                   align=align, colour=DARK, tiers=((2, 20), (4, 12)), remember=False)
        middle = top - (top - bottom - name.height) / 2
        badge_text.draw(canvas, name, left, middle, right - left, align=align, colour=DARK)
        # Position, organisation and country, to the left of the code, from its top down.
        left, floor, right, y = boxes["details"]
        # One alignment for the column: an Arabic organisation lines up on the right, its country too.
        column_align = _alignment(card.organisation or card.position)
        for text, size, smallest, bold, lines, colour in (
            (card.position, 10, 7.5, False, 2, GREY),
            (card.organisation, 12, 8, True, 3, DARK),
            (card.country, 10, 7.5, False, 1, GREY),
        ):
            if not text or y - floor < 7.5 * 1.2:
                continue
            block = fit(text, right - left, y - floor, size, smallest, bold=bold, max_lines=lines,
                        align=column_align, colour=colour)
            y -= badge_text.draw(canvas, block, left, y, right - left, align=column_align, colour=colour) + 1.5 * MM
        canvas.restoreState()

    def _qr(self, token: str, x: float, y: float) -> None:
        """Draw the token's QR code as filled rectangles, lower left corner at (x, y). Its quiet zone
        (4 modules) is kept clear by the layout (badge_boxes)."""
        symbol = qr_symbol(token)
        if symbol.version > MAX_VERSION:  # an assert would vanish under python -O
            raise ValueError(f"QR version {symbol.version} does not fit the badge (at most {MAX_VERSION}).")
        module = QR_SIZE / symbol.size
        canvas = self.canvas
        canvas.saveState()
        canvas.setFillColor(badge_text.colour_of("#000000"))
        # Module units, rows downwards from the top left corner: integer coordinates, short streams.
        canvas.transform(module, 0, 0, -module, x, y + QR_SIZE)
        canvas.addLiteral(symbol.path() + "f")
        canvas.restoreState()

    def finish_front_page(self) -> None:
        if self.layout == "a4":
            self._form("crop marks", self._crop_marks, whole_page=True)
        self.canvas.showPage()

    def back(self, card: BadgeCard, slot: int) -> None:
        """The back: the person's own sessions, then their name above the band (a badge that turns
        on its lanyard still says who it is). Without sessions: the event, large, in the middle."""
        canvas = self.canvas
        self._placed(slot, mirrored=True)
        self._form(("band", card.category, card.category_label),
                   lambda: self._band(card.category, card.category_label))
        width = self.width - 2 * MARGIN
        name_bottom = MARGIN + BAND + GAP
        align = _alignment(card.full_name)
        name = fit(card.full_name, width, 12 * MM, 16, 8, bold=True, max_lines=2, leading=1.12, align=align,
                   colour=DARK, remember=False)
        badge_text.draw(canvas, name, MARGIN, name_bottom + name.height, width, align=align, colour=DARK)
        floor = name_bottom + name.height + 3 * MM
        if card.sessions:
            self._form("back", self._back_frame)
            self._sessions(card.sessions, self.height - MARGIN - HEADER - 12 * MM, floor)
        else:
            self._form("back without sessions", self._back_without_sessions)
        canvas.restoreState()

    def _back_frame(self) -> None:
        self._header()
        label = fit(self.labels["sessions"], self.width - 2 * MARGIN, 6 * MM, 12, 8, bold=True, max_lines=1,
                    colour=DARK)
        badge_text.draw(self.canvas, label, MARGIN, self.height - MARGIN - HEADER - 5 * MM, self.width - 2 * MARGIN,
                        colour=DARK)

    def _back_without_sessions(self) -> None:
        width = self.width - 2 * MARGIN
        title = fit(self.event.title, width, 40 * MM, 22, 11, bold=True, max_lines=4, leading=1.15,
                    align="center", colour=DARK)
        dates = fit(self.event.dates, width, 10 * MM, 12, 8, max_lines=2, align="center", colour=GREY)
        used = title.height + 4 * MM + dates.height
        y = self.height / 2 + 12 * MM + used / 2
        y -= badge_text.draw(self.canvas, title, MARGIN, y, width, align="center", colour=DARK) + 4 * MM
        badge_text.draw(self.canvas, dates, MARGIN, y, width, align="center", colour=GREY)

    def _sessions(self, sessions, top: float, floor: float) -> None:
        """As many sessions as fit between top and floor; then "and N more"."""
        canvas, width = self.canvas, self.width - 2 * MARGIN
        more_height = 4.5 * MM
        y = top
        for index, (when, title, room) in enumerate(sessions):
            left = len(sessions) - index - 1
            when_block = fit(when, width, 4 * MM, 8.5, 7, bold=True, max_lines=1, colour=DARK)
            room_block = fit(room, width, 4 * MM, 8, 7, max_lines=1, align="right", colour=GREY) if room else None
            # The room on the right of the time when both fit on one line, else on a line of its own.
            side_by_side = room_block is None or _line_width(when_block) + _line_width(room_block) + 3 * MM <= width
            title_block = fit(title, width, 8 * MM, 9.5, 8, max_lines=2, align=_alignment(title), colour=DARK)
            needed = when_block.height + title_block.height + 2.5 * MM
            if not side_by_side:
                needed += room_block.height
            if y - needed - (more_height if left else 0) < floor:
                self._more(len(sessions) - index, y)
                return
            badge_text.draw(canvas, when_block, MARGIN, y, width, colour=DARK)
            if room_block is not None and side_by_side:
                badge_text.draw(canvas, room_block, MARGIN, y, width, align="right", colour=GREY)
            y -= when_block.height
            if room_block is not None and not side_by_side:
                y -= badge_text.draw(canvas, room_block, MARGIN, y, width, colour=GREY)
            y -= badge_text.draw(canvas, title_block, MARGIN, y, width, align=_alignment(title), colour=DARK)
            y -= 2.5 * MM
            canvas.setStrokeColor(badge_text.colour_of(LIGHT))
            canvas.setLineWidth(0.4)
            canvas.line(MARGIN, y + 1.25 * MM, MARGIN + width, y + 1.25 * MM)

    def _more(self, count: int, y: float) -> None:
        text = self.labels["more"] % {"count": count}
        block = fit(text, self.width - 2 * MARGIN, 4.5 * MM, 9, 7, max_lines=1, colour=GREY)
        badge_text.draw(self.canvas, block, MARGIN, y, self.width - 2 * MARGIN, colour=GREY)


def _logo(data: bytes | None):
    """The logo, read once per file; None without one."""
    if not data:
        return None
    from reportlab.lib.utils import ImageReader

    return ImageReader(io.BytesIO(data))


def _alignment(text: str) -> str:
    """Right-to-left text lines up on the right; everything else on the left."""
    return "right" if text and _RIGHT_TO_LEFT.search(text) and is_rtl(text) else "left"


def _line_width(block) -> float:
    """The printed width of a one-line fast-path block (a shaped one counts as the whole box)."""
    if block.paragraph is not None:
        return float("inf")
    return max((measure for measure, _parts in block.lines), default=0) * block.size
