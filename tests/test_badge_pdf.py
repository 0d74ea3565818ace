"""The badge renderer: plain cards in, a PDF out. QR codes that a real decoder reads back, names in
every script that stay inside the badge, A4 sheets with crop marks and mirrored backs.

Pages are rasterised with pypdfium2 and the codes read with zxing-cpp, as a phone or a desk
scanner would; text comes back out with pypdf, as a reader's copy and paste would.
"""
import io
import random
import unicodedata

import pypdfium2
import pytest
import qrcode
import zxingcpp
from PIL import ImageChops
from pypdf import PdfReader
from qrcode import util

from eventhub.printing import typesetting
from eventhub.printing.badge_qr import qr_symbol
from eventhub.printing.badges import (
    A4_SIZE,
    A6_SIZE,
    CATEGORY_COLOURS,
    MM,
    BadgeCard,
    BadgeEvent,
    badge_boxes,
    render_badges,
)

EVENT = BadgeEvent("World Congress of Cities 2027", "12–15 May 2027 · Malmö",
                   {"sessions": "My sessions", "more": "and %(count)s more"})
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NAMES = {
    "Latin": "Zoë Łódź-Ångström", "Cyrillic": "Олена Коваль", "Greek": "Γιώργος Παπαδόπουλος",
    "Chinese": "王小明", "Japanese": "山田 とうきょう", "Korean": "김민준", "Arabic": "زينب الشيخ",
    "Devanagari": "दिव्या शर्मा", "Thai": "สมชาย ใจดี", "Mixed": "Zoë 김민준 Олена زينب",
}
# What a reader's copy and paste must give back as typed (shaped scripts come out as presentation forms).
EXTRACTABLE = ("Latin", "Cyrillic", "Greek", "Chinese", "Japanese", "Korean")


def token(rng=random) -> str:
    return "EH1-" + "".join(rng.choice(ALPHABET) for _ in range(26))


def card(name="Zoë Łukasiewicz", **fields) -> BadgeCard:
    values = {"token": token(), "full_name": name, "position": "Mayor", "organisation": "City of Łódź",
              "country": "Poland", "category": "speaker", "category_label": "Speaker"}
    return BadgeCard(**{**values, **fields})


def render(cards, **options) -> bytes:
    out = io.BytesIO()
    render_badges(EVENT, cards, out, **options)
    return out.getvalue()


def texts(pdf: bytes) -> list[str]:
    """Each page's text as a reader copies it, lines joined by spaces (names may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def raster(pdf: bytes, page: int = 0, dpi: int = 150):
    """One page as a greyscale PIL image."""
    return pypdfium2.PdfDocument(pdf)[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def scanned(pdf: bytes, page: int, dpi: int = 300) -> list:
    """The QR codes a decoder finds on the page, in reading order (top row first, then left to right)."""
    found = zxingcpp.read_barcodes(raster(pdf, page, dpi), formats=zxingcpp.BarcodeFormat.QRCode)
    return sorted(found, key=lambda code: (round(code.position.top_left.y / 100), code.position.top_left.x))


def in_points(box, dpi: int, page_height: float) -> tuple[float, float, float, float]:
    """A pixel box (left, upper, right, lower) as (left, bottom, right, top) in PDF points."""
    left, upper, right, lower = box
    scale = 72 / dpi
    return left * scale, page_height - lower * scale, right * scale, page_height - upper * scale


# --- the QR code ------------------------------------------------------------------------------

def test_every_code_on_an_a4_sheet_scans_back_to_its_token_in_order():
    tokens = [token(random.Random(seed)) for seed in range(7)]
    pdf = render([card(token=t) for t in tokens], layout="a4")
    read = scanned(pdf, 0) + scanned(pdf, 1)
    assert [code.text for code in read] == tokens  # the token only: nothing personal in the code
    for code in read:
        assert code.valid and code.ec_level == "M" and code.extra["ECLevel"] == "M"
        assert int(code.extra["Version"]) <= 4


def test_the_code_is_30_mm_with_a_white_quiet_zone_on_the_badge():
    pdf = render([card(name="Wolfgang Amadeus Mozart-Łukasiewicz", organisation="X" * 200)])
    dpi = 300
    (code,) = scanned(pdf, 0, dpi)
    width_mm = (code.position.top_right.x - code.position.top_left.x) / dpi * 25.4
    assert 29 <= width_mm <= 31
    image = raster(pdf, 0, dpi)
    left, bottom, right, top = badge_boxes("a6")["quiet zone"]
    inner = badge_boxes("a6")["qr"]
    page_height = A6_SIZE[1]

    def pixels(x0, y0, x1, y1):
        return image.crop((round(x0 * dpi / 72), round((page_height - y1) * dpi / 72),
                           round(x1 * dpi / 72), round((page_height - y0) * dpi / 72)))

    # The four strips around the symbol, inside the quiet zone, are white (a little slack for anti-aliasing).
    for strip in ((left, bottom, inner[0] - 0.5, top), (inner[2] + 0.5, bottom, right, top),
                  (left, bottom, right, inner[1] - 0.5), (left, inner[3] + 0.5, right, top)):
        assert pixels(*strip).getextrema()[0] >= 250


def test_the_code_is_vector_rectangles_not_an_image():
    pdf = render([card(), card()], layout="a4", double_sided=True)
    assert b"/Subtype /Image" not in pdf  # (the legacy /ProcSet may still name /ImageB: harmless)
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            assert xobject.get_object()["/Subtype"] == "/Form"
    assert b" re\n" in reader.pages[0].get_contents().get_data()


def test_fast_codes_are_the_very_codes_qrcode_makes_with_its_best_mask():
    rng = random.Random(7)
    masks = set()
    for _ in range(80):
        data = token(rng)
        reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        reference.add_data(util.QRData(data.encode(), mode=util.MODE_ALPHA_NUM))
        reference.make(fit=True)  # tries all eight masks and keeps the best
        symbol = qr_symbol(data)
        assert symbol.version == reference.version == 2
        assert symbol.modules == b"".join(bytes(48 + bool(m) for m in row) for row in reference.modules)
        masks.add(symbol.mask)
    assert len(masks) > 4  # the mask is chosen per code, not fixed


def test_other_data_falls_back_to_qrcode_and_long_data_is_refused():
    assert qr_symbol("https://eventhub.test/b/x").version <= 4  # byte mode, through qrcode
    with pytest.raises(ValueError):
        qr_symbol("EH1-" + "A" * 200)


# --- names in every script ---------------------------------------------------------------------

def test_names_in_every_script_print_with_embedded_fonts_and_copy_out():
    covered = dict(typesetting.coverage())
    for name in NAMES.values():  # every character has a face that draws it: no empty boxes
        for face, piece in typesetting.runs(name):
            assert all(c.isspace() or ord(c) in covered[face] for c in piece), name
    pdf = render([card(name=name) for name in NAMES.values()], layout="a4", double_sided=True)
    text = " ".join(texts(pdf))
    for script in EXTRACTABLE:
        assert NAMES[script] in text, script
    forms = [c for c in text if 0xFB50 <= ord(c) <= 0xFEFF]
    assert forms and set("زينب") <= set(unicodedata.normalize("NFKC", text))  # Arabic shaped, joined
    assert b"Helvetica" not in pdf and b"Times-Roman" not in pdf
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        resources = [page["/Resources"]] + [x.get_object()["/Resources"]
                                            for x in page["/Resources"].get("/XObject", {}).values()]
        for resource in resources:
            for font in resource.get("/Font", {}).values():
                font = font.get_object()
                fonts[font["/BaseFont"]] = font
    assert any("EventHubSans" in name for name in fonts) and any("DroidSansFallback" in name for name in fonts)
    for name, font in fonts.items():
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"


@pytest.mark.parametrize("name", [
    "Maria Fernanda de los Santos Oliveira Rodrigues da Silva Pereira Carvalho e Albuquerque Sousa Lima Mendes Costa",
    "Wolfeschlegelsteinhausenbergerdorff" * 4,  # 140 letters and no space to break at
    "王" * 120,
    "محمد بن عبد الرحمن بن عبد الله بن عبد العزيز آل سعود الفيصل القاسمي الهاشمي الحسيني العلوي",
    "W" * 120,
])
def test_a_very_long_name_stays_inside_its_box(name):
    """Whatever the name, it is drawn inside the box between header and code, never across them or off the badge."""
    assert len(name) >= 90
    dpi = 100
    same = {"token": token(), "position": "", "organisation": "", "country": ""}
    with_name = raster(render([card(name=name, **same)]), 0, dpi)
    without = raster(render([card(name="", **same)]), 0, dpi)
    drawn = ImageChops.difference(with_name, without).point(lambda v: 255 if v > 40 else 0).getbbox()
    assert drawn is not None, "the name was not drawn"
    left, bottom, right, top = in_points(drawn, dpi, A6_SIZE[1])
    box = badge_boxes("a6")["name"]
    slack = 72 / dpi  # one pixel
    assert box[0] - slack <= left and right <= box[2] + slack
    assert box[1] - slack <= bottom and top <= box[3] + slack


def test_a_short_name_prints_large():
    pdf = render([card(name="Eva Berg")])
    contents = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b" 34 Tf" in contents  # the largest size


# --- layouts, backs, crop marks ----------------------------------------------------------------

def test_a6_is_one_badge_a_page_and_a4_four():
    five = [card(name=f"Person {i}") for i in range(5)]
    a6 = PdfReader(io.BytesIO(render(five, layout="a6"))).pages
    assert len(a6) == 5
    assert [round(float(x)) for x in a6[0].mediabox.upper_right] == [round(v) for v in A6_SIZE]
    a4 = PdfReader(io.BytesIO(render(five, layout="a4")))
    assert len(a4.pages) == 2
    assert [round(float(x)) for x in a4.pages[0].mediabox.upper_right] == [round(v) for v in A4_SIZE]
    first, second = texts(render(five, layout="a4"))
    assert all(f"Person {i}" in first for i in range(4)) and "Person 4" in second
    assert len(PdfReader(io.BytesIO(render(five, layout="a4", double_sided=True))).pages) == 4
    assert len(PdfReader(io.BytesIO(render(five, layout="a6", double_sided=True))).pages) == 10


def test_a4_sheets_carry_crop_marks_on_the_cut_lines_inside_the_margins():
    pdf = render([card()], layout="a4", double_sided=True)
    dpi = 150
    front, back = raster(pdf, 0, dpi), raster(pdf, 1, dpi)
    width, height = A4_SIZE

    def dark(image, x_pt, y_pt_from_top):
        x, y = round(x_pt * dpi / 72), round(y_pt_from_top * dpi / 72)
        return min(image.getpixel((x + dx, y + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)) < 160

    marks = [(width / 2, 5 * MM), (width / 2, height - 5 * MM), (5 * MM, height / 2), (width - 5 * MM, height / 2),
             (width / 2, height / 2), (width / 2 + 2 * MM, height / 2)]
    assert all(dark(front, x, y) for x, y in marks)
    assert not any(dark(back, x, y) for x, y in marks)  # cutting follows the front
    # Nothing of a badge comes within 7 mm of a cut: the marks' ends are the only ink there.
    assert not dark(front, width / 2 - 4 * MM, height / 4) and not dark(front, width / 4, height / 2 + 4 * MM)


def test_a4_backs_are_mirrored_behind_their_fronts():
    pdf = render([card(name="Left Top", sessions=(("Tue 09:00", "Opening", "Hall"),))], layout="a4",
                 double_sided=True)

    def ink_by_quarter(page):
        """Dark pixels in the top left, top right, bottom left and bottom right quarters of the sheet."""
        image = raster(pdf, page, 50).point(lambda v: 255 if v < 200 else 0)
        width, height = image.size
        quarters = [(0, 0), (width // 2, 0), (0, height // 2), (width // 2, height // 2)]
        return [image.crop((x, y, x + width // 2, y + height // 2)).histogram()[255] for x, y in quarters]

    front, back = ink_by_quarter(0), ink_by_quarter(1)
    assert front[0] > 1000 and max(front[1:]) < 30  # the badge top left; elsewhere the crop marks' ends
    assert back[1] > 1000 and back[0] == back[2] == back[3] == 0  # top right: behind it on a long-edge flip


def test_the_back_lists_the_sessions_that_fit_then_how_many_more():
    sessions = tuple((f"Tue {9 + i}:00–{10 + i}:00", f"Session number {i:02d} on urban resilience", f"Room {i}")
                     for i in range(15))
    pdf = render([card(sessions=sessions), card(name="No Sessions", sessions=())], double_sided=True)
    pages = texts(pdf)
    assert len(pages) == 4
    back = pages[1]
    assert "My sessions" in back and "Zoë Łukasiewicz" in back  # the name again, for a badge that turned
    shown = [i for i in range(15) if f"Session number {i:02d}" in back]
    assert shown == list(range(len(shown))) and 3 <= len(shown) < 15
    assert f"and {15 - len(shown)} more" in back
    assert "Room 0" in back and "Tue 9:00–10:00" in back
    # Without sessions the back is still there (duplex stays in step) and names the event.
    assert "World Congress of Cities 2027" in pages[3] and "No Sessions" in pages[3]
    assert "My sessions" not in pages[3]


def test_a_few_sessions_are_all_listed_without_more():
    sessions = (("Tue 09:00", "Opening", "Hall"), ("Tue 11:00", "التمويل الأخضر للمدن", ""),
                ("Wed 10:00", "水と都市", "Room B"))
    back = texts(render([card(sessions=sessions)], double_sided=True))[1]
    assert "Opening" in back and "水と都市" in back and "more" not in back


# --- the front's content ------------------------------------------------------------------------

def test_the_front_says_who_from_where_in_which_category_for_which_event():
    front = texts(render([card(category="press", category_label="Press")]))[0]
    for expected in ("World Congress of Cities 2027", "12–15 May 2027 · Malmö", "Zoë Łukasiewicz", "Mayor",
                     "City of Łódź", "Poland", "PRESS"):
        assert expected in front


def test_each_category_has_its_own_colour_with_readable_words_on_it():
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert set(CATEGORY_COLOURS) == {"delegate", "speaker", "partner", "press", "staff"}
    assert len({colours.fill for colours in CATEGORY_COLOURS.values()}) == 5
    for colours in CATEGORY_COLOURS.values():
        light, dark = sorted((luminance(colours.fill), luminance(colours.text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5  # WCAG AA
    from reportlab.lib.colors import HexColor
    from reportlab.lib.rl_accel import fp_str

    pdf = render([card(category="partner", category_label="Partner")])
    green = f"{fp_str(*HexColor(CATEGORY_COLOURS['partner'].fill).rgb())} rg".encode()
    forms = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/XObject"].values()
    assert any(green in form.get_object().get_data() for form in forms)  # the band, drawn once as a form


def test_the_file_has_a_title_and_says_who_made_it():
    metadata = PdfReader(io.BytesIO(render([card()]))).metadata
    assert metadata.title == "World Congress of Cities 2027 — Badges" and metadata.creator == "EventHub"


# --- the contract: lazy cards, progress, count --------------------------------------------------

def test_cards_are_consumed_lazily_and_progress_follows_each_badge():
    pulled, calls = [], []

    def cards():
        for i in range(9):
            pulled.append(i)
            yield card(name=f"Person {i}")

    def progress(count):
        calls.append((count, len(pulled)))

    out = io.BytesIO()
    assert render_badges(EVENT, cards(), out, layout="a4", double_sided=True, progress=progress) == 9
    assert [count for count, _ in calls] == list(range(1, 10))
    assert all(taken <= (count + 3) // 4 * 4 for count, taken in calls)  # one sheet of cards at a time


def test_default_labels_and_an_unknown_layout():
    out = io.BytesIO()
    render_badges(BadgeEvent("Congress", "May", {}), [card(sessions=(("Mon", "Opening", "Hall"),))], out,
                  double_sided=True)
    assert "My sessions" in texts(out.getvalue())[1]
    with pytest.raises(ValueError):
        render_badges(EVENT, [card()], io.BytesIO(), layout="letter")


# --- the event's logo ---------------------------------------------------------------------------

def _logo_png(size=(400, 160)) -> bytes:
    """A dark logo on a transparent background: it needs the white plate to show on the dark header."""
    from PIL import Image

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((20, 20, 20, 255), (20, 20, size[0] - 20, size[1] - 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LOGO_EVENT = BadgeEvent(EVENT.title, EVENT.dates, EVENT.labels, logo=_logo_png())


def test_the_logo_sits_on_a_white_plate_at_the_left_of_the_header_beside_the_title():
    out = io.BytesIO()
    render_badges(LOGO_EVENT, [card()], out)
    pdf = out.getvalue()
    assert "World Congress of Cities 2027" in texts(pdf)[0]  # the title still fits beside it
    dpi = 100
    image = raster(pdf, 0, dpi)
    left, _bottom, right, top = badge_boxes()["header"]

    def grey(x_mm_from_header_left, y_mm_below_header_top):
        x = (left + x_mm_from_header_left * MM) * dpi / 72
        y = (A6_SIZE[1] - top + y_mm_below_header_top * MM) * dpi / 72
        return image.getpixel((round(x), round(y)))

    assert grey(2.6, 11) > 230  # the white plate, at the logo's transparent edge
    assert grey(15, 11) < 60  # the dark logo on it
    assert grey(right / MM - left / MM - 2, 11) < 80  # the header stays dark on the right


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_the_logo_is_decoded_and_embedded_once_per_file_however_many_badges(monkeypatch, layout):
    from PIL import Image

    opened = []
    original = Image.open

    def counting_open(*args, **kwargs):
        opened.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    counts = {}
    for badges in (4, 40):
        opened.clear()
        out = io.BytesIO()
        render_badges(LOGO_EVENT, [card(name=f"Person {n}") for n in range(badges)], out, layout=layout,
                      double_sided=True)
        counts[badges] = len(opened)
        # One image in the file, and one transparency mask for it (itself stored as an image).
        assert out.getvalue().count(b"/Subtype /Image") == 2 and out.getvalue().count(b"/SMask") == 1
    assert counts[4] == counts[40] <= 2


def test_emoji_in_names_print_and_characters_no_font_has_leave_no_box():
    from tests.test_programme_emoji import NO_FONT_HAS, notdef_glyphs

    pdf = render([card(name="Ana 🚲 Lima", organisation="City 🌍 of Łódź"), card(name=f"Bo {NO_FONT_HAS} Ek")],
                 layout="a4")
    assert notdef_glyphs(pdf) == 0
    front = texts(pdf)[0]
    assert "Ana 🚲 Lima" in front and "City 🌍 of Łódź" in front and "Bo Ek" in front
