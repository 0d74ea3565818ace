"""The invitation letter as a PDF: the event's letterhead, the embassy, the person, the signatory, a QR code.

Written in the event's main language (as the printed programme is), with every name set by
eventhub.printing.typesetting, so a passport name in any script prints. reportlab and qrcode are
imported inside the functions.
"""
import io
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.core import languages
from eventhub.core.countries import country_name
from eventhub.core.formatting import format_date_in_zone, format_event_dates
from eventhub.core.urls import external_url
from eventhub.events.images import image_data
from eventhub.printing.typesetting import coverage, paragraph

LOGO_BOX = (60, 40)  # points: the logo at the top right of the letterhead
QR_SIZE = 90  # points, about 32 mm: a phone reads it off a photocopy


def verification_url(letter) -> str:
    """The public page an embassy opens to check the letter."""
    return external_url("letters.verify", code=letter.code)


def letter_pdf(letter, details: dict, settings) -> bytes:
    """The approved letter as PDF bytes."""
    event = letter.event
    with force_locale(languages.normalise(event.language) or languages.DEFAULT):
        return _letter(letter, event, details, settings)


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    coverage()  # registers the fonts
    base = ParagraphStyle("body", fontName="EH-Sans", fontSize=10.5, leading=15, spaceAfter=7)
    return {"body": base, "small": base.clone("small", fontSize=8.5, leading=11, textColor="#555555"),
            "title": base.clone("title", fontSize=16, leading=20, spaceAfter=3),
            "head": base.clone("head", fontSize=9, leading=12, spaceAfter=1, textColor="#333333")}


def _logo(data: bytes | None):
    if not data:
        return None
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="RIGHT")


def _qr(url: str):
    """The URL's QR code as a reportlab drawing of dark squares (qrcode's own symbol)."""
    import qrcode
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib.colors import black

    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the quiet zone
    module = QR_SIZE / len(matrix)
    drawing = Drawing(QR_SIZE, QR_SIZE)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(Rect(x * module, QR_SIZE - (y + 1) * module, module, module, fillColor=black,
                                 strokeColor=None, strokeWidth=0))
    return drawing


def _letter(letter, event, details: dict, settings) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _styles()
    title = event.localized("title")
    head = [paragraph(title, styles["title"], bold=True), paragraph(settings.organisation, styles["head"])]
    for line in (settings.letterhead or "").splitlines():
        if line.strip():
            head.append(paragraph(line.strip(), styles["head"]))
    logo = _logo(image_data(event))
    top = Table([[head, logo or ""]], colWidths=[None, LOGO_BOX[0] + 6])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("LINEBELOW", (0, 0), (-1, 0), 0.6, "#888888"), ("BOTTOMPADDING", (0, 0), (-1, 0), 8)]))
    born = date.fromisoformat(details["birth_date"])
    from flask_babel import format_date

    body = styles["body"]
    where = event.location or ""
    story = [
        top, Spacer(1, 8 * mm),
        paragraph(format_date_in_zone(letter.decided_at, event.timezone, "long"), body),
        paragraph(_("To the Embassy or Consulate in %(embassy)s", embassy=details["embassy"]), body, bold=True),
        Spacer(1, 3 * mm),
        paragraph(_("Invitation letter"), styles["title"], bold=True),
        paragraph(_("To whom it may concern,"), body),
        paragraph(_("We are pleased to confirm that %(name)s, a national of %(country)s, born on %(born)s, holder "
                    "of passport number %(passport)s, is registered and confirmed as a participant in %(event)s, "
                    "which takes place %(dates)s%(where)s.",
                    name=details["passport_name"], country=country_name(details["nationality"]),
                    born=format_date(born, "long"), passport=details["passport_number"], event=title,
                    dates=format_event_dates(event), where=f", {where}" if where else ""), body),
        paragraph(_("The purpose of the visit is to take part in this event. We kindly ask you to grant the "
                    "visa needed for it. This letter does not commit us to any cost of the journey or the "
                    "stay."), body),
        paragraph(_("Yours faithfully,"), body),
        Spacer(1, 10 * mm),
        paragraph(settings.signatory_name, body, bold=True),
        paragraph(settings.signatory_title, body),
        paragraph(settings.organisation, body),
        Spacer(1, 8 * mm),
    ]
    url = verification_url(letter)
    check = [paragraph(_("Verification code: %(code)s", code=letter.code), body, bold=True),
             paragraph(_("Check this letter at %(url)s or by scanning the code. It is valid until the end of "
                         "the event.", url=url), styles["small"])]
    bottom = Table([[_qr(url), check]], colWidths=[QR_SIZE + 8, None])
    bottom.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(bottom)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"{title} — {_('Invitation letter')}", creator="EventHub", author=settings.organisation,
        lang=languages.html_lang(event.language), initialFontName="EH-Sans")
    document.build(story)
    return out.getvalue()
