"""Text on a badge: fitted into a box (shrunk, wrapped, cut short as a last resort), in any script.

Most names and organisations are Latin, Cyrillic, Greek or CJK: letters that need no shaping. They
take a fast path: each word is measured once at 1 pt (stringWidth per run, each run in the face
typesetting.runs() gives it), lines are broken greedily at every candidate size by arithmetic
alone, and the lines are drawn with one text object, run by run, exactly as they were measured, so
what was measured to fit is what prints. CJK text may break between any two characters.

Text that needs HarfBuzz or the bidi algorithm (Arabic, Hebrew, the Indic scripts, Thai, combining
marks) goes through typesetting.paragraph(): the size the fast measure suggests is tried first,
then smaller ones until the shaped paragraph fits its box without a line running over.
"""
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from eventhub.printing.typesetting import CJK, COMPLEX, coverage, font_name, paragraph, runs

ELLIPSIS = "…"
# How far letters reach above the first baseline and below the last one, in ems, measured on the
# rasterised faces: Vietnamese stacked accents reach 1.05 above, Latin and Cyrillic descenders 0.25
# below; shaped Arabic reaches 1.10 above and 0.39 below, Devanagari 0.35 below. A block's height
# counts them, so nothing drawn sticks out of the box it was fitted to.
ABOVE, BELOW = 1.06, 0.26
SHAPED_ABOVE, SHAPED_BELOW = 1.12, 0.42
# Shaped glyphs may reach past their advance (an Arabic initial letter by 0.04 em): shaped lines are
# set this much (in ems) inside the box on either side.
SHAPED_SIDE = 0.06
# Closing punctuation stays with the character before it, opening with the one after (CJK breaks).
_CLOSING = set("、。，．：；！？）」』】〕〉》,.:;!?)]}")
_OPENING = set("（「『【〔〈《([{")


@dataclass(frozen=True)
class Block:
    """Fitted text: its size, line spacing, how far its first baseline lies below the box's top, its
    height (ink included), and either the lines to draw (fast path: each a width at 1 pt and its
    (font, piece) runs) or a wrapped shaped paragraph of `count` lines."""
    size: float
    leading: float
    above: float
    height: float
    count: int
    lines: tuple = ()
    paragraph: object = None


EMPTY = Block(0, 0, 0, 0, 0)
_drawing = threading.Lock()


def _block(size: float, leading: float, count: int, shaped: bool, lines=(), flowable=None) -> Block:
    above, below = (SHAPED_ABOVE, SHAPED_BELOW) if shaped else (ABOVE, BELOW)
    height = (above + below) * size + (count - 1) * size * leading
    return Block(size, size * leading, above * size, height, count, tuple(lines), flowable)


def _allowed(height: float, size: float, leading: float, most: int | None, shaped: bool) -> int:
    """How many lines of this size fit the height (and the most asked for)."""
    above, below = (SHAPED_ABOVE, SHAPED_BELOW) if shaped else (ABOVE, BELOW)
    room = height - (above + below) * size
    lines = int(room / (size * leading) + 1e-6) + 1 if room >= 0 else 0
    return min(lines, most) if most else lines


@lru_cache(maxsize=64)
def colour_of(value):
    """A reportlab colour for '#rrggbb', made once (reportlab would parse the string at every use)."""
    from reportlab.lib.colors import HexColor, toColor

    return HexColor(value) if isinstance(value, str) and value.startswith("#") else toColor(value)


def _character_class(ranges) -> re.Pattern:
    return re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]")


_COMPLEX = _character_class(COMPLEX)
_CJK = _character_class(CJK)


def needs_shaping(text: str) -> bool:
    """True for text that HarfBuzz or the bidi algorithm must set (not the fast path): a complex
    script, or a combining mark left over after NFC (its place depends on the letter it sits on)."""
    return bool(_COMPLEX.search(text)) or (not text.isascii() and any(map(unicodedata.combining, text)))


def fit(text: str, width: float, height: float, largest: float, smallest: float, bold: bool = False,
        max_lines: int | None = None, leading: float = 1.2, align: str = "left", colour: str = "#000000",
        tiers: tuple = (), remember: bool = True) -> Block:
    """The largest size (from `largest` down to `smallest`) at which the text fits the box in at most
    `max_lines` lines. `tiers`, pairs (lines, smallest size), are tried first, in order: a name keeps
    to two big lines, or four smaller ones, before it fills its box with many small ones. Text too
    long even at the smallest size is broken inside words, and cut short with an ellipsis, rather
    than ever leaving the box.

    Texts that repeat from badge to badge (organisations, countries, session titles) are fitted once
    and remembered; pass remember=False for those that do not (names), so memory stays flat."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not text or width <= 0 or height <= 0:
        return EMPTY
    arguments = (text, round(width, 2), round(height, 2), largest, smallest, bold, max_lines, leading, align,
                 colour, tuple(tiers))
    return _remembered(*arguments) if remember else _fit(*arguments)


def _fit(text, width, height, largest, smallest, bold, max_lines, leading, align, colour, tiers) -> Block:
    units, space = _units(text, bold)
    shaped = needs_shaping(text)
    for most, bottom in (*tiers, (max_lines, smallest)):
        size = largest
        while size >= bottom - 1e-6:
            lines = _break(units, space, width / size)
            if lines is not None and len(lines) <= _allowed(height, size, leading, most, shaped):
                if not shaped:
                    return _block(size, leading, len(lines), False, lines)
                # The unshaped measure was a guess: the shaped paragraph itself must fit.
                fitted = _shaped(text, width, height, size, bottom, bold, most, leading, align, colour)
                if fitted is not None:
                    return fitted
                break  # not even at smaller sizes: the next tier, or the last resort
            size = _smaller(size)
    return _last_resort(text, units, space, width, height, smallest, bold, max_lines, leading, align, colour)


_remembered = lru_cache(maxsize=1024)(_fit)


def _smaller(size: float) -> float:
    return round(size - max(0.5, size * 0.06), 1)


def _last_resort(text, units, space, width, height, size, bold, max_lines, leading, align, colour) -> Block:
    """At the smallest size: words broken anywhere, and what still does not fit cut off with '…'."""
    if needs_shaping(text):
        return _shaped_cut_short(text, width, height, size, bold, max_lines, leading, align, colour)
    allowed = max(1, _allowed(height, size, leading, max_lines, False))
    limit = width / size
    pieces = []
    for piece, glued, measure, parts in units:
        if measure <= limit:
            pieces.append((piece, glued, measure, parts))
            continue
        for i, char in enumerate(piece):  # a word wider than the line: broken between characters
            pieces.append(_unit(char, bold, glued or i > 0))
    lines = _break(pieces, space, limit)
    if len(lines) > allowed:
        lines = lines[:allowed]
        last_width, last_runs = lines[-1]
        dots = _unit(ELLIPSIS, bold, True)
        while last_runs and last_width + dots[2] > limit:
            font, piece = last_runs[-1]
            last_runs = last_runs[:-1] + (((font, piece[:-1]),) if len(piece) > 1 else ())
            last_width = sum(_measure(p, f) for f, p in last_runs)
        lines[-1] = (last_width + dots[2], _joined(list(last_runs + dots[3])))
    return _block(size, leading, len(lines), False, lines)


def _shaped_cut_short(text, width, height, size, bold, max_lines, leading, align, colour) -> Block:
    """Shaped text that does not fit even at the smallest size: the most of it (whole words, else the
    first characters of the first word) that does, with '…'. Shaping never breaks inside a word."""
    allowed = max(1, _allowed(height, size, leading, max_lines, True))

    def attempt(candidate):
        return _shaped(candidate, width, height, size, size, bold, allowed, leading, align, colour)

    words = text.split()
    low, high = 0, len(words) - 1  # the largest number of whole words that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if attempt(" ".join(words[:middle]) + " " + ELLIPSIS) is not None:
            low = middle
        else:
            high = middle - 1
    if low:
        return attempt(" ".join(words[:low]) + " " + ELLIPSIS)
    first = words[0]
    low, high = 1, len(first)
    while low < high:
        middle = (low + high + 1) // 2
        if attempt(first[:middle] + ELLIPSIS) is not None:
            low = middle
        else:
            high = middle - 1
    return attempt(first[:low] + ELLIPSIS) or EMPTY


def _shaped(text, width, height, size, smallest, bold, most, leading, align, colour) -> Block | None:
    """A shaped paragraph at the size, or the largest smaller one down to `smallest`, that fits."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    alignment = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[align]
    while size >= smallest - 1e-6:
        style = ParagraphStyle("badge", fontName=font_name("Sans", bold), fontSize=size, leading=size * leading,
                               alignment=alignment, textColor=colour_of(colour))
        flowable = paragraph(text, style, bold)
        _, used = flowable.wrap(width - 2 * SHAPED_SIDE * size, height * 4)
        lines = round(used / (size * leading))
        if lines <= _allowed(height, size, leading, most, True) and not _overflows(flowable):
            return _block(size, leading, lines, True, flowable=flowable)
        size = _smaller(size)
    return None


def _overflows(flowable) -> bool:
    """True when a line of the wrapped paragraph is wider than the box (a word too long for it)."""
    inner = getattr(flowable, "inner", flowable)
    for line in inner.blPara.lines:
        extra = line[0] if isinstance(line, tuple) else line.extraSpace
        if extra < -0.5:
            return True
    return False


def _break(units, space: tuple[float, str], limit: float):
    """Greedy lines of (width at 1 pt, runs) no wider than limit, or None if a unit alone is wider.
    Neighbouring runs in one font are joined, so a line is drawn in as few pieces as it has fonts."""
    space, space_font = space
    lines, width, parts = [], 0.0, []
    for piece, glued, measure, unit_runs in units:
        if measure > limit + 1e-9:
            return None
        if parts and width + (0.0 if glued else space) + measure > limit + 1e-9:
            lines.append((width, _joined(parts)))
            width, parts = 0.0, []
        elif parts and not glued:
            width += space
            parts.append((space_font, " "))
        width += measure
        parts.extend(unit_runs)
    if parts:
        lines.append((width, _joined(parts)))
    return lines


def _joined(parts: list) -> tuple:
    """(font, piece) runs with neighbours in the same font joined into one."""
    joined = [parts[0]]
    for font, piece in parts[1:]:
        if font == joined[-1][0]:
            joined[-1] = (font, joined[-1][1] + piece)
        else:
            joined.append((font, piece))
    return tuple(joined)


def _units(text: str, bold: bool):
    """The text's break units (piece, glued to the one before?, width at 1 pt, runs) and the
    space between words (its width at 1 pt, its font)."""
    units = []
    for word in text.split(" "):
        for i, piece in enumerate(_cjk_pieces(word)):
            units.append(_unit(piece, bold, i > 0))
    space_font = font_name("Sans", bold)
    return tuple(units), (_measure(" ", space_font), space_font)


def _unit(piece: str, bold: bool, glued: bool):
    if _first_face_has(piece):  # most words: one run in the first face, no need to ask runs()
        parts = ((font_name("Sans", bold), piece),)
    else:
        parts = tuple((font_name(face, bold), chunk) for face, chunk in runs(piece))
    return piece, glued, sum(_measure(chunk, font) for font, chunk in parts), parts


def _first_face_has(piece: str) -> bool:
    """True when EventHub Sans has every character, so runs() would give the piece whole to it."""
    return set(map(ord, piece)) <= _first_face_characters()


@lru_cache(maxsize=1)
def _first_face_characters() -> frozenset:
    return coverage()[0][1]


def _measure(text: str, font: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, 1)


def _cjk_pieces(word: str) -> list[str]:
    """A word cut where a line may break: between CJK characters, keeping punctuation attached."""
    if not _CJK.search(word):
        return [word]
    pieces: list[str] = []
    for char in word:
        cjk = _CJK.match(char)
        if pieces and (char in _CLOSING or pieces[-1][-1] in _OPENING
                       or not (cjk or _CJK.match(pieces[-1][-1]))):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def draw(canvas, block: Block, x: float, top: float, width: float, align: str = "left",
         colour: str = "#000000") -> float:
    """Draw the fitted block in the box whose top left corner is (x, top); return its height.
    Shaped paragraphs carry their own alignment and colour (given to fit())."""
    if block.paragraph is not None:
        # reportlab sets a paragraph's first baseline one font size below its top.
        paragraph_height = block.count * block.leading
        with _drawing:  # a remembered paragraph is shared: drawOn() holds its canvas while drawing
            block.paragraph.drawOn(canvas, x + SHAPED_SIDE * block.size,
                                   top - block.above - paragraph_height + block.size)
        return block.height
    if not block.lines:
        return 0.0
    size = block.size
    colour = colour_of(colour)
    canvas.setFillColor(colour)
    emboldened = any(font in FAUX_BOLD for _measure, parts in block.lines for font, _piece in parts)
    if emboldened:
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(size * 0.035)
    text = canvas.beginText()
    current = None
    for i, (measure, parts) in enumerate(block.lines):
        used = measure * size
        left = x if align == "left" else x + (width - used) / (2 if align == "center" else 1)
        text.setTextOrigin(left, top - block.above - i * block.leading)
        for font, piece in parts:
            if font != current:
                if emboldened:
                    text.setTextRenderMode(2 if font in FAUX_BOLD else 0)
                text.setFont(font, size)
                current = font
            text.textOut(piece)
    if emboldened:
        text.setTextRenderMode(0)
    canvas.drawText(text)
    return block.height


# Droid Sans Fallback (Chinese, Japanese, Korean) has one weight: in bold text it is filled and
# stroked with a thin outline of its own colour, so a Korean name stands as heavy as a Latin one.
FAUX_BOLD = {font_name("CJK", True)}
