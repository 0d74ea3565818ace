"""Descriptions: a safe part of Markdown on the pages, as plain text in e-mails and exports, and in the PDF.

Every way a description leaves the app is tried with the same attacks: none of them may come out as
something a browser or a PDF reader would run or follow.
"""
import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from eventhub.core.richtext import first_paragraph, to_blocks, to_html, to_text
from eventhub.extensions import db
from eventhub.core.types import utcnow
from tests.factories import make_session, open_event

ATTACKS = [
    "<script>alert('x')</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<img src=x onerror=alert(1)>",
    "![x](https://evil.example/x.png)",
    '<a href="javascript:alert(1)">raw link</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">p</p>',
    "<svg onload=alert(1)>",
    "[x](https://ok.example\" onmouseover=\"alert(1))",
    "<https://ok.example/?q=\"><script>alert(1)</script>>",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _inert(html: str) -> None:
    """Only the allowed elements, with only their allowed attributes, and links only to http(s) and mailto.
    The attack's words may remain as text (shown as typed), never as markup."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in {"p", "br", "strong", "em", "ul", "ol", "li", "a"}, html
        assert set(attrs) <= {"href", "title", "rel", "start"}, html
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), html
            assert attrs["rel"] == "noopener nofollow ugc"


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_come_out_inert_on_pages(attack):
    html = str(to_html(f"Before {attack} after"))
    _inert(html)
    assert "Before" in html and "after" in html  # the rest of the text is kept


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_come_out_inert_in_the_pdf_markup(attack):
    """reportlab's paragraph markup: only its own tags, links only to http(s) and mailto."""
    for block in to_blocks(f"Before {attack} after"):
        parser = _Elements()
        parser.feed(block.markup)
        for tag, attrs in parser.found:
            assert tag in {"b", "br", "a", "font"} and set(attrs) <= {"href", "color", "face"}, block.markup
            assert attrs.get("href", "https://").startswith(("https://", "http://", "mailto:")), block.markup


def test_raw_html_is_shown_as_the_text_it_is():
    html = str(to_html("Use <b>bold</b> & <i>more</i>"))
    assert html == "<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;more&lt;/i&gt;</p>"
    assert to_text("Use <b>bold</b> & more") == "Use <b>bold</b> & more"  # plain text: the mail escapes it


def test_lists_links_emphasis_and_paragraphs_render():
    source = ("Welcome to **Rabat**, *city of light*.\n"
              "See [the venue](https://venue.example/map) or write to <info@rabat.example>.\n\n"
              "- Plenary\n- Workshops\n\n3. Register\n4. Come")
    html = str(to_html(source))
    assert "<strong>Rabat</strong>" in html and "<em>city of light</em>" in html
    assert '<a href="https://venue.example/map" rel="noopener nofollow ugc">the venue</a>' in html
    assert '<a href="mailto:info@rabat.example" rel="noopener nofollow ugc">info@rabat.example</a>' in html
    assert "<ul><li>Plenary</li><li>Workshops</li></ul>" in html
    assert '<ol start="3"><li>Register</li><li>Come</li></ol>' in html
    assert html.count("<p>") == 1 and "<br>" in html  # a single newline is a line break, as typed


def test_only_http_https_and_mailto_links_are_links():
    html = str(to_html("[a](ftp://files.example) [b](/relative/path) [c](#top) [d](https://ok.example)"))
    assert html.count("<a ") == 1 and 'href="https://ok.example"' in html
    assert "[a](ftp://files.example)" in html  # left as the text that was typed


def test_headings_code_and_quotes_stay_plain_text():
    html = str(to_html("# Not a heading\n\n    not code\n\n> not a quote"))
    assert "<h1" not in html and "<pre" not in html and "<blockquote" not in html
    assert "# Not a heading" in html and "not code" in html and "&gt; not a quote" in html


def test_plain_text_for_mails_writes_links_out_and_keeps_the_list_shape():
    source = ("Welcome to **Rabat**.\n\n- Plenary, see [map](https://venue.example/map)\n- Mail "
              "[us](mailto:info@rabat.example)\n  1. nested\n\nBye <https://rabat.example>")
    assert to_text(source) == ("Welcome to Rabat.\n\n"
                               "- Plenary, see map (https://venue.example/map)\n"
                               "- Mail us (info@rabat.example)\n"
                               "   1. nested\n\n"
                               "Bye https://rabat.example")


def test_names_in_any_script_survive_every_path():
    source = "**서울** و *الرباط* — [Київ](https://kyiv.example) 東京"
    assert "<strong>서울</strong>" in str(to_html(source)) and "<em>الرباط</em>" in str(to_html(source))
    assert to_text(source) == "서울 و الرباط — Київ (https://kyiv.example) 東京"
    assert "Київ" in to_blocks(source)[0].markup


def test_empty_descriptions_render_nothing():
    assert to_html(None) == "" and to_html("  \n ") == "" and to_text(None) == "" and to_blocks("") == []


def test_first_paragraph_is_cut_at_a_word():
    assert first_paragraph("Short one.\n\nSecond.") == "Short one."
    assert first_paragraph("- Plenary\n- Workshops\n  - nested\n\nMore.") == "Plenary · Workshops"
    cut = first_paragraph("word " * 200, limit=50)
    assert cut.endswith("…") and len(cut) <= 51 and " wor…" not in cut


def test_event_and_session_pages_render_the_description_safely(client):
    event = open_event(description="Join **us**.\n\n- one\n- two\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    event.agenda_published_at = utcnow()
    db.session.commit()
    session = make_session(event, title="Talk", description="See [slides](https://slides.example) <img src=x onerror=alert(1)>")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<strong>us</strong>" in page and "<li>one</li>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    talk = client.get(f"/events/{event.slug}/sessions/{session.id}").get_data(as_text=True)
    assert '<a href="https://slides.example" rel="noopener nofollow ugc">slides</a>' in talk
    assert "<img src=x" not in talk and "&lt;img src=x onerror=alert(1)&gt;" in talk


def test_the_programme_prints_the_description_with_its_links_and_no_markup(client):
    event = open_event(description="Welcome **delegates**.\n\n- Plenary [map](https://venue.example/map)\n- "
                                   "<script>alert(1)</script>\n- [bad](javascript:alert(1))")
    event.agenda_published_at = utcnow()
    db.session.commit()
    make_session(event, title="Opening", description="Talk about **climate** and [data](https://data.example).")
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Welcome delegates." in text and "**" not in text
    assert "map (https://venue.example/map)" in text
    assert "<script>alert(1)</script>" in text  # printed as the text it is, harmless on paper
    assert "Talk about climate and data (https://data.example)." in text
    links = [annotation.get_object().get("/A", {}).get("/URI") for page in reader.pages
             for annotation in page.get("/Annots") or []]
    assert "https://venue.example/map" in links
    assert not [link for link in links if link and not str(link).startswith(("https:", "http:", "mailto:"))]
