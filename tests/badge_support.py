"""Reading printed badges back as a scanner and a reader would: decode every QR code, extract the text."""
import io


def scanned_codes(pdf: bytes, dpi: int = 200) -> list[list[str]]:
    """The QR codes a real decoder (zxing-cpp) reads on each page rendered at `dpi` (pdfium), page by page."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=dpi / 72).to_pil()
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        # In reading order: top to bottom, then left to right.
        found = sorted(found, key=lambda b: (round(b.position.top_left.y / 100), b.position.top_left.x))
        pages.append([barcode.text for barcode in found])
    document.close()
    return pages


def page_texts(pdf: bytes) -> list[str]:
    """The selectable text of each page, as copying it out of a PDF reader gives it, with line breaks
    (a long name wraps) read as spaces."""
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
