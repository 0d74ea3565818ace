"""Text for printed PDFs: names and titles in any script, set with fonts embedded in the file.

No single font covers every script our members write in, so each character is set in the first
of the vendored fonts (fonts/ beside this module) that has it. Arabic, the Indic scripts and Thai are shaped by
HarfBuzz (reportlab does it when uharfbuzz is installed); right-to-left text is broken into
lines in reading order and each line is then laid out left to right for the page, as the
Unicode bidi algorithm asks. reportlab and bidi are imported inside the functions (pretalx's
habit), so the web app starts without them.

Emoji print in black and white from Symbola (a monochrome font: reportlab cannot embed colour
ones). What no vendored font has is left out rather than printed as an empty box (.notdef);
unprintable() names those characters, so the organisers can be told before the booklet is printed.
"""
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).resolve().parent / "fonts"  # server-side files, never served under /static/
# A character goes to the first face that has it. EventHub Sans is Noto Sans merged with the
# Noto fonts of the other scripts (eventhub/printing/fonts/build.py), so a word and its punctuation share
# one face, as HarfBuzz needs; Chinese, Japanese and Korean come from Droid Sans Fallback; emoji and
# symbols from Symbola's emoji blocks, last, so that a symbol the script fonts draw keeps their style.
FACES = (("Sans", "EventHubSans"), ("CJK", "DroidSansFallback"), ("Symbols", "SymbolaEmoji"))
# Hebrew, Arabic and Thaana (with their presentation forms): written right to left.
RTL = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
# Scripts whose letters change shape, reorder or stack: the RTL ones, the Indic ones from
# Devanagari to Sinhala, Thai, Lao, Tibetan, Myanmar and Khmer.
COMPLEX = RTL + ((0x0900, 0x109F), (0x1780, 0x17FF))
# Han, kana and Hangul: lines may break between any two characters.
CJK = ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
# What turns an emoji into its colour form or a variant of it: variation selectors, skin tones and
# the tags of regional flags. In black and white there is nothing to draw for them, so they go
# silently (a skin tone alone would print as a colour swatch).
SILENT = ((0xFE0E, 0xFE0F), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))
ZERO_WIDTH_JOINER = "\u200d"


def _character_class(ranges) -> re.Pattern:
    """A regular expression matching any character of the (first, last) code point ranges."""
    return re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]")


_SILENT, _RTL, _COMPLEX, _CJK = (_character_class(ranges) for ranges in (SILENT, RTL, COMPLEX, CJK))


def font_name(face: str, bold: bool = False) -> str:
    """The registered reportlab name of a face in one weight, e.g. 'EH-Sans-Bold'."""
    return f"EH-{face}-Bold" if bold else f"EH-{face}"


@cache
def coverage() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register every vendored face (once per process) and say which characters each one has."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    _astral_characters_searchable()
    faces = []
    for face, stem in FACES:
        regular = FONT_DIR / f"{stem}-Regular.ttf"
        if not regular.exists():  # Droid Sans Fallback comes in one weight only
            regular = FONT_DIR / f"{stem}.ttf"
        bold = FONT_DIR / f"{stem}-Bold.ttf"
        font = TTFont(font_name(face), str(regular))
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFont(TTFont(font_name(face, True), str(bold if bold.exists() else regular)))
        faces.append((face, frozenset(font.face.charToGlyph)))
    return tuple(faces)


def _astral_characters_searchable() -> None:
    """Make reportlab write characters beyond U+FFFF (emoji, some CJK) into a PDF's ToUnicode map
    as UTF-16 surrogate pairs, as the PDF specification asks. reportlab 5.1 writes them as five
    hex digits ("<1F6B2>"), which readers reject: the emoji print, but searching or copying the
    text loses them. Its output is corrected line by line; every other line stays as it was."""
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "utf16", False):
        return

    def to_utf16(match) -> str:
        return f"{match[1]}<{chr(int(match[2], 16)).encode('utf-16-be').hex().upper()}>"

    def make_to_unicode_cmap(fontname, subset):
        return _ASTRAL_ENTRY.sub(to_utf16, original(fontname, subset))

    make_to_unicode_cmap.utf16 = True
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


_ASTRAL_ENTRY = re.compile(r"^(<[0-9A-F]{2}> )<([0-9A-F]{5,6})>$", re.MULTILINE)


def _in(ranges, char: str) -> bool:
    """True when the character lies in one of the (first, last) code point ranges."""
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def printable(text: str) -> str:
    """The text without what no vendored font can draw: emoji modifiers go silently, and so does
    any other character that no face has (unprintable() names those). Spaces always stay."""
    if text.isascii():
        return text
    covered = _covered()
    if not _SILENT.search(text) and all(ord(c) in covered for c in text):  # nearly every text
        return text
    kept = [c for c in text if not _in(SILENT, c) and (ord(c) in covered or c.isspace())]
    # A joiner between two emoji (👩‍💻) has nothing to join in black and white.
    return "".join(c for i, c in enumerate(kept)
                   if c != ZERO_WIDTH_JOINER or not (0 < i < len(kept) - 1 and _is_symbol(kept[i - 1])
                                                      and _is_symbol(kept[i + 1])))


def unprintable(text: str) -> list[str]:
    """The characters of the text that no vendored font has, each once, in order: they are left out."""
    if not text or text.isascii():
        return []
    covered = _covered()
    missing = (c for c in text if ord(c) not in covered and not c.isspace() and not _in(SILENT, c)
               and c != ZERO_WIDTH_JOINER)
    return list(dict.fromkeys(missing))


@cache
def _covered() -> frozenset[int]:
    """Every character some vendored face has."""
    return frozenset().union(*(chars for _face, chars in coverage()))


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) == "So"


def runs(text: str) -> list[tuple[str, str]]:
    """The text cut into (face, piece) runs, each piece set in one face.

    Letters and marks go to the first face that has them. Spaces, digits and punctuation join
    the letters before them (or, at the start, after them) when that face has them too, so
    "（東京）" stays one run: HarfBuzz shapes a word in the face of its first piece. Characters
    no face has are left out (printable()).
    """
    faces = coverage()
    chars_of = dict(faces)
    text = printable(text)
    if text and all(ord(c) in faces[0][1] for c in text):  # most texts: the first face has every character
        return [(faces[0][0], text)]

    def first_face(code: int) -> str:
        return next((name for name, chars in faces if code in chars), faces[0][0])

    strong = [first_face(ord(c)) if _is_letter(c) else None for c in text]
    following, upcoming = [], None
    for face in reversed(strong):
        upcoming = face or upcoming
        following.append(upcoming)
    following.reverse()
    pieces: list[list] = []
    for index, char in enumerate(text):
        face = strong[index]
        if face is None:
            before, after = (pieces[-1][0] if pieces else None), following[index]
            usable = [f for f in (before, after) if f is not None and ord(char) in chars_of[f]]
            face = usable[0] if usable else first_face(ord(char))
        if pieces and pieces[-1][0] == face:
            pieces[-1][1].append(char)
        else:
            pieces.append([face, [char]])
    return [(face, "".join(chars)) for face, chars in pieces]


def _is_letter(char: str) -> bool:
    """Letters and combining marks decide a run's face; everything else follows them."""
    return unicodedata.category(char)[0] in "LM"


def markup(text: str, bold: bool = False) -> str:
    """reportlab paragraph markup for plain text: escaped, each run in a face that has its characters."""
    return "".join(
        f'<font face="{font_name(face, bold)}">{escape(piece)}</font>' for face, piece in runs(text or "")
    )


def width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of plain text in points, before shaping (close enough to break lines)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, font_name(face, bold), size) for face, piece in runs(text))


def is_rtl(text: str) -> bool:
    """True when the text is right-to-left throughout: an Arabic title then reads (and aligns) from the right.

    A line mixing scripts, like "زينب شيخ, Director of Environment", keeps the page's left-to-right
    direction, so it lines up with its neighbours in a programme written for an LTR audience.
    """
    kinds = {unicodedata.bidirectional(c) for c in text}
    return bool(kinds & {"R", "AL"}) and "L" not in kinds


def visual_words(line: str, rtl: bool = False) -> list[str]:
    """One line's words in the order they stand on the page, left to right, ready for HarfBuzz.

    The bidi algorithm lays the line out for the page. HarfBuzz then shapes each word and, for
    a word in a right-to-left script, sets it right to left, so such a word is handed over
    reversed, back in reading order.
    """
    # The reference implementation, not the faster default: it mirrors brackets (rule L4).
    from bidi.algorithm import get_display
    from bidi.mirror import MIRRORED

    words = get_display(" ".join(line.split()), base_dir="R" if rtl else "L").split()
    # HarfBuzz mirrors brackets in a right-to-left word again, so they are mirrored back first.
    return ["".join(MIRRORED.get(c, c) for c in reversed(w)) if _reads_right_to_left(w) else w for w in words]


def _reads_right_to_left(word: str) -> bool:
    """True when the word's first strong character is right-to-left, as HarfBuzz will guess too."""
    return next((unicodedata.bidirectional(c) in ("R", "AL") for c in word
                 if unicodedata.bidirectional(c) in ("L", "R", "AL")), False)


def break_lines(text: str, available: float, size: float, bold: bool = False) -> list[str]:
    """Greedy line breaks in reading order: as many words per line as fit the width."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and width(candidate, size, bold) > available:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


def paragraph(text: str, style, bold: bool = False):
    """A flowable printing the text in the style, whatever its scripts."""
    from reportlab.platypus import Paragraph

    text = text or ""
    if any(_in(RTL, c) for c in text):
        return _bidi_flowable()(text, style, bold)
    options = {"shaping": 1} if any(_in(COMPLEX, c) for c in text) else {}
    if any(_in(CJK, c) for c in text):
        options["wordWrap"] = "CJK"
    return Paragraph(markup(text, bold), style.clone(style.name, **options) if options else style)


def rich_paragraphs(text: str | None, style, indent: float = 12, abstract: int | None = None) -> list:
    """A description (eventhub.core.richtext's Markdown) as flowables: its paragraphs and list items
    with their bullets or numbers, bold text and links, each run in a face that has its characters.

    abstract: only the first paragraph, cut to about that many characters (as plain text if it is cut).
    A paragraph with right-to-left text is set as plain text by paragraph(), which lays it out for
    the page; it keeps its words and its links written out, but not its bold.
    """
    from reportlab.platypus import Paragraph

    blocks = _pdf_blocks(text or "", abstract)
    flowables = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        # Items of one list sit close together; a paragraph, or a list's last item, keeps a gap below.
        close = block.depth and following is not None and following.group == block.group
        options = {"spaceAfter": style.leading * (0.25 if close else 0.6)}
        if block.depth:
            options |= {"leftIndent": indent * block.depth, "bulletIndent": indent * (block.depth - 1),
                        "bulletFontName": font_name("Sans")}
        if _COMPLEX.search(block.plain):
            options["shaping"] = 1
        if _CJK.search(block.plain):
            options["wordWrap"] = "CJK"
        block_style = style.clone(f"{style.name}-rich", **options)
        if _RTL.search(block.plain):
            flowable = paragraph(f"{block.bullet} {block.plain}" if block.bullet else block.plain, block_style)
        elif block.markup:
            flowable = Paragraph(block.markup, block_style, bulletText=block.bullet or None)
        else:
            continue
        flowables.append(flowable)
    return flowables


@lru_cache(maxsize=4096)
def _pdf_blocks(text: str, abstract: int | None) -> tuple:
    """The description's blocks with their markup in our faces; remembered, since a booklet is rendered
    again for every change of the agenda and most descriptions stay the same."""
    from eventhub.core.richtext import TextBlock, first_paragraph, to_blocks

    blocks = to_blocks(text, setter=markup)
    if abstract is not None and blocks:
        first = blocks[0]
        if len(first.plain) > abstract or first.depth:  # cut short, or a list's items on one line
            cut = first_paragraph(text, abstract, blocks)
            first = TextBlock(0, "", cut, markup(cut))
        blocks = [TextBlock(0, "", first.plain, first.markup)]
    return tuple(blocks)


@cache
def _bidi_flowable():
    """The flowable class for right-to-left text, made once reportlab is imported."""
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.platypus import Flowable, Paragraph

    class BidiParagraph(Flowable):
        """Breaks lines only once the layout offers a width, then hands them to a Paragraph."""

        def __init__(self, text: str, style, bold: bool):
            super().__init__()
            self.text, self.style, self.bold = text, style, bold

        def wrap(self, available_width, available_height):
            rtl = is_rtl(self.text)
            lines = break_lines(self.text, available_width, self.style.fontSize, self.bold)
            body = "<br/>".join(markup(" ".join(visual_words(line, rtl)), self.bold) for line in lines)
            options = {"shaping": 1, "alignment": TA_RIGHT} if rtl else {"shaping": 1}
            self.inner = Paragraph(body, self.style.clone(self.style.name, **options))
            self.width, self.height = self.inner.wrap(available_width, available_height)
            return self.width, self.height

        def draw(self):
            self.inner.drawOn(self.canv, 0, 0)

    return BidiParagraph
