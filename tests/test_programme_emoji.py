"""Emoji in the printed programme: drawn from the vendored symbol font, never an empty box (.notdef);
what no font has is left out, and the organisers are told which characters before they print."""
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.printing.typesetting import coverage, printable, runs, unprintable
from tests.factories import at, make_session, make_user, open_event

# A private-use character: no font has it, whatever the machine.
NO_FONT_HAS = "\U000f0001"


def _strings_by_font(pdf: bytes):
    """(font's base name, bytes shown) for every text-showing operator of every page."""
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = fonts[operands[0]].get_object()
            elif operator in (b"Tj", b"'", b'"', b"TJ"):
                items = operands[-1] if operator == b"TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, TextStringObject):
                        yield str(current["/BaseFont"]), item.get_original_bytes()
                    elif isinstance(item, ByteStringObject):
                        yield str(current["/BaseFont"]), bytes(item)


def notdef_glyphs(pdf: bytes) -> int:
    """How many .notdef boxes the PDF draws: reportlab sets a character its font lacks as code 0 of a
    subset, and code 0 of every subset it embeds is .notdef."""
    return sum(shown.count(0) for font, shown in _strings_by_font(pdf) if "+" in font)


def fonts_used(pdf: bytes) -> set[str]:
    return {font.split("+", 1)[-1] for font, shown in _strings_by_font(pdf) if shown}


@pytest.fixture
def event():
    event = open_event(title="Cities 🌍 congress", timezone="Europe/Paris")
    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


def test_emoji_go_to_the_symbol_face_and_words_stay_in_theirs():
    assert runs("Vélo 🚲 et ♻️ recyclage") == [("Sans", "Vélo "), ("Symbols", "🚲"), ("Sans", " et "),
                                              ("Symbols", "♻"), ("Sans", " recyclage")]
    faces = dict(coverage())
    for emoji in "🌍🌱🚲♻💧🏙🎉👋☀✅⭐🚀🤝📅🎤☕🌳🚌🚇":
        assert ord(emoji) in faces["Symbols"], emoji


def test_modifiers_that_only_colour_an_emoji_are_dropped_silently():
    # A skin tone would print as a swatch, the variation selector and joiners as nothing at all.
    assert printable("👋🏽 hi ✌️ 👩‍💻") == "👋 hi ✌ 👩💻"
    assert unprintable("👋🏽 hi ✌️ 👩‍💻") == []
    # Joiners inside words (Persian, Indic scripts) are not emoji joiners: they stay.
    assert printable("می\u200cخواهم क्\u200dष") == "می\u200cخواهم क्\u200dष"


def test_what_no_font_has_is_named_and_left_out():
    assert unprintable(f"A {NO_FONT_HAS} b {NO_FONT_HAS}") == [NO_FONT_HAS]
    assert runs(f"A {NO_FONT_HAS}b") == [("Sans", "A b")]
    assert unprintable("Kraków, 서울, الرباط, 東京 🌍") == []


def test_a_title_with_emoji_prints_its_glyphs_and_no_empty_box(client, event):
    make_session(event, title="Solar 🌞 rooftops ♻️ and bikes 🚲🚲", description="Bring a 🚲 ✅")
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    assert notdef_glyphs(response.data) == 0
    assert "Symbola" in fonts_used(response.data)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "🌞" in text and "🚲" in text and "🌍" in text and "✅" in text


def test_a_character_no_font_has_is_left_out_rather_than_boxed(client, event):
    make_session(event, title=f"Secret {NO_FONT_HAS} plan")
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert notdef_glyphs(response.data) == 0
    assert "Secret plan" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_notdef_counter_sees_a_box_when_there_is_one():
    """The check above can fail: text set in a face without the character shows a .notdef box."""
    from reportlab.pdfgen.canvas import Canvas

    coverage()
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName="EH-Sans")
    canvas.setFont("EH-Sans", 12)
    canvas.drawString(10, 10, "Bikes 🚲")
    canvas.save()
    assert notdef_glyphs(out.getvalue()) == 1


def test_organisers_are_told_which_sessions_will_lose_characters(browser, event):
    session = make_session(event, title=f"Secret {NO_FONT_HAS} plan 🚲")
    make_session(event, title="All fine 🚲 ✅", start=at(event, 12), end=at(event, 13))
    organiser = make_user(roles=["organiser"])
    browser.login(organiser)
    page = browser.get(f"/manage/events/{event.slug}/programme").get_data(as_text=True)
    assert "Secret" in page and f"U+{ord(NO_FONT_HAS):04X}" in page
    assert f"/manage/events/{event.slug}/agenda/sessions/{session.id}" in page
    assert "All fine" not in page


def test_with_nothing_to_leave_out_the_page_says_so(browser, event):
    make_session(event, title="Bikes 🚲 ✅")
    browser.login(make_user(roles=["organiser"]))
    page = browser.get(f"/manage/events/{event.slug}/programme").get_data(as_text=True)
    assert "Every character of the programme can be printed" in page


@pytest.mark.parametrize("roles", [None, ["checkin"]])
def test_only_organisers_see_the_print_check(browser, event, roles):
    if roles:
        browser.login(make_user(roles=roles))
    response = browser.get(f"/manage/events/{event.slug}/programme")
    assert response.status_code in (302, 403)


def test_the_session_form_warns_of_what_its_session_will_lose_in_print(browser, event):
    losing = make_session(event, title=f"Secret {NO_FONT_HAS} plan 🚲")
    fine = make_session(event, title="All fine 🚲 ✅", start=at(event, 12), end=at(event, 13))
    browser.login(make_user(roles=["organiser"]))
    page = browser.get(f"/manage/events/{event.slug}/agenda/sessions/{losing.id}").get_data(as_text=True)
    assert 'id="programme-losses"' in page and f"U+{ord(NO_FONT_HAS):04X}" in page
    assert f"/manage/events/{event.slug}/programme" in page
    page = browser.get(f"/manage/events/{event.slug}/agenda/sessions/{fine.id}").get_data(as_text=True)
    assert 'id="programme-losses"' not in page and "**bold**" in page  # the Markdown the description takes
