"""An event's logo or banner: uploaded by organisers, checked from its content, re-encoded without
metadata, kept in the database, served with a content hash and long caching, shown on the event
page, the programme's cover and the badges; bad files change nothing and say why."""
import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.events import images
from eventhub.core.types import utcnow
from eventhub.events.image_model import EventImage
from eventhub.extensions import db
from tests.factories import make_event, make_user, open_event


def png(size=(300, 120), mode="RGBA", colour=(200, 30, 30, 0)) -> bytes:
    """A PNG; by default with a transparent background and an opaque red bar."""
    image = Image.new(mode, size, colour)
    if mode == "RGBA":
        image.paste((20, 80, 160, 255), (10, 10, size[0] - 10, size[1] - 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif(size=(400, 200)) -> bytes:
    """A photo as a phone takes it: EXIF with a GPS position, the camera and 'rotate 90° to view'."""
    image = Image.new("RGB", size, (30, 120, 60))
    image.paste((250, 250, 250), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the picture must be turned 90° clockwise
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def webp(size=(200, 100)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 10, 200)).save(out, "WEBP")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, with next to no data: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (50, 50)).save(out, "GIF")
    return out.getvalue()


PDF_RENAMED = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def event():
    return open_event(title="Climate Summit 2027")


def upload(browser, event, data: bytes, name="logo.png", alt_text=""):
    files = {"image": (io.BytesIO(data), name)} if data is not None else {}
    return browser.post(f"/manage/events/{event.slug}/image", {"alt_text": alt_text, **files},
                        content_type="multipart/form-data", follow_redirects=True)


def stored(event) -> EventImage | None:
    db.session.expire_all()
    return db.session.scalar(select(EventImage).where(EventImage.event_id == event.id))


def audit_actions(event) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .where(AuditEntry.action.like("event.image%")).order_by(AuditEntry.id)))


def test_a_logo_is_uploaded_shown_on_the_event_page_and_served_for_a_year(organiser_browser, client, event):
    response = upload(organiser_browser, event, png(), alt_text="Logo: a blue bar")
    assert response.status_code == 200 and "The image is saved" in response.get_data(as_text=True)
    image = stored(event)
    assert image.content_type == "image/png" and (image.width, image.height) == (300, 120)
    assert Image.open(io.BytesIO(image.data)).getchannel("A").getextrema()[0] == 0  # transparency kept
    url = f"/events/{event.slug}/image/{image.digest[:16]}.png"
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'src="{url}"' in page and 'alt="Logo: a blue bar"' in page
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == image.data
    assert "max-age=31536000" in served.headers["Cache-Control"] and "immutable" in served.headers["Cache-Control"]
    assert "public" in served.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert audit_actions(event) == ["event.image_saved"]


def test_a_photo_is_turned_upright_shrunk_and_loses_its_exif(organiser_browser, event):
    upload(organiser_browser, event, jpeg_with_exif((4000, 2000)), name="IMG_0001.JPG")
    image = stored(event)
    assert image.content_type == "image/jpeg"
    assert (image.width, image.height) == (800, 1600)  # turned upright, then bounded to 1600 px
    kept = Image.open(io.BytesIO(image.data))
    assert len(kept.getexif()) == 0 and b"SecretCam" not in image.data and b"Exif" not in image.data
    assert kept.getpixel((400, 100))[0] > 200  # the white half is on top once the photo stands upright


def test_webp_is_accepted_from_its_content_whatever_its_name(organiser_browser, event):
    upload(organiser_browser, event, webp(), name="banner.txt")
    assert stored(event).content_type in ("image/png", "image/jpeg")


@pytest.mark.parametrize("data, name, message", [
    (PDF_RENAMED, "logo.png", "not a PNG, JPEG or WebP image"),
    (b"", "logo.png", "The file is empty"),
    (gif(), "logo.gif", "not a PNG, JPEG or WebP image"),
    (png_header_only(30_000, 30_000), "bomb.png", "far more than 4000"),
    (png_header_only(4001, 10), "wide.png", "4001 × 10 pixels; at most 4000 × 4000"),
    (png()[:60], "cut.png", "damaged or incomplete"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png", "not a PNG, JPEG or WebP image"),
], ids=["pdf renamed", "empty", "gif", "decompression bomb", "too wide", "truncated", "svg"])
def test_bad_files_get_a_clear_message_and_change_nothing(organiser_browser, event, data, name, message):
    upload(organiser_browser, event, png(), alt_text="The old logo")
    before = stored(event)
    digest, entries = before.digest, len(audit_actions(event))
    response = upload(organiser_browser, event, data, name=name, alt_text="A new description")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "Nothing was changed" in page
    assert 'value="A new description"' in page  # what was typed is still there
    after = stored(event)
    assert after.digest == digest and after.alt_text == "The old logo" and len(audit_actions(event)) == entries


def test_a_file_over_5_mb_is_refused_before_it_is_read(organiser_browser, event):
    response = upload(organiser_browser, event, b"\0" * (5 * 1024 * 1024 + 1), name="huge.png")
    assert response.status_code == 413 and "5 MB" in response.get_data(as_text=True)
    assert stored(event) is None


def test_the_description_alone_can_change_and_is_checked(organiser_browser, event):
    upload(organiser_browser, event, png())
    digest = stored(event).digest
    response = upload(organiser_browser, event, None, alt_text="Leaf over a skyline")
    assert "description is saved" in response.get_data(as_text=True)
    assert stored(event).alt_text == "Leaf over a skyline" and stored(event).digest == digest
    response = upload(organiser_browser, event, None, alt_text="x" * 301)
    assert "Nothing was changed" in response.get_data(as_text=True) and "300" in response.get_data(as_text=True)
    assert stored(event).alt_text == "Leaf over a skyline"


def test_saving_without_a_file_and_without_an_image_asks_for_one(organiser_browser, event):
    response = upload(organiser_browser, event, None)
    assert "Choose an image file" in response.get_data(as_text=True) and stored(event) is None


def test_a_new_image_gets_a_new_address_and_the_old_one_leads_to_it(organiser_browser, client, event):
    upload(organiser_browser, event, png())
    old = stored(event).digest[:16]
    upload(organiser_browser, event, png(colour=(0, 0, 0, 255)))
    new = stored(event).digest[:16]
    assert new != old
    moved = client.get(f"/events/{event.slug}/image/{old}.png")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/image/{new}.png")
    assert audit_actions(event) == ["event.image_saved", "event.image_saved"]


def test_removing_takes_it_off_every_page(organiser_browser, client, event):
    upload(organiser_browser, event, png())
    url = f"/events/{event.slug}/image/{stored(event).digest[:16]}.png"
    response = organiser_browser.post(f"/manage/events/{event.slug}/image/remove", follow_redirects=True)
    assert "The image is removed" in response.get_data(as_text=True)
    assert stored(event) is None and client.get(url).status_code == 404
    assert "/image/" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert audit_actions(event) == ["event.image_saved", "event.image_removed"]


def test_a_forged_form_without_its_token_changes_nothing(organiser_browser, event):
    upload(organiser_browser, event, png())
    client = organiser_browser.client
    assert client.post(f"/manage/events/{event.slug}/image/remove").status_code == 400
    assert client.post(f"/manage/events/{event.slug}/image", data={"image": (io.BytesIO(png()), "x.png")},
                       content_type="multipart/form-data").status_code == 400
    assert stored(event) is not None and len(audit_actions(event)) == 1


@pytest.mark.parametrize("roles", [None, ["checkin"]], ids=["guest", "check-in staff"])
def test_only_organisers_upload_or_remove(browser, event, roles):
    if roles:
        browser.login(make_user(roles=roles))
    for response in (browser.get(f"/manage/events/{event.slug}/image"),
                     upload(browser, event, png()),
                     browser.post(f"/manage/events/{event.slug}/image/remove")):
        assert response.status_code in (302, 403) or "/auth/login" in response.request.path
    assert stored(event) is None


def test_a_drafts_image_is_for_organisers_only_and_never_in_a_shared_cache(browser, client, organiser):
    draft = make_event(status="draft")
    with atomic():
        images.save_image(draft, png(), "", SYSTEM)
    url = f"/events/{draft.slug}/image/{stored(draft).digest[:16]}.png"
    assert client.get(url).status_code == 404
    browser.login(organiser)
    served = browser.get(url)
    assert served.status_code == 200 and "private" in served.headers["Cache-Control"]


def test_the_audit_trail_says_who_changed_the_image_and_how(organiser_browser, organiser, event):
    upload(organiser_browser, event, png(), alt_text="Blue bar")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.image_saved"))
    assert entry.actor == organiser.email
    assert entry.changes["image"][0] is None and entry.changes["image"][1].startswith("PNG 300 × 120")
    assert entry.changes["alt_text"] == [None, "Blue bar"]


def test_the_programme_cover_carries_the_logo_and_a_new_logo_makes_a_new_programme(organiser_browser, client, event):
    event.agenda_published_at = utcnow()
    db.session.commit()
    first = client.get(f"/events/{event.slug}/programme.pdf")
    upload(organiser_browser, event, png())
    second = client.get(f"/events/{event.slug}/programme.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    cover = PdfReader(io.BytesIO(second.data)).pages[0]
    assert len(cover.images) == 1
    assert not PdfReader(io.BytesIO(first.data)).pages[0].images


def test_badges_print_the_logo_from_the_event(organiser_browser, event):
    from eventhub.badges.printing import badge_event

    assert badge_event(event).logo is None
    upload(organiser_browser, event, png())
    assert badge_event(event).logo == stored(event).data


def test_the_event_management_pages_link_to_the_image_page(organiser_browser, event):
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert f'href="/manage/events/{event.slug}/image"' in page
