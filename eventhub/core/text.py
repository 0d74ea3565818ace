"""Text folding for accent- and case-insensitive search in any database."""
import unicodedata


def fold(text: str | None) -> str:
    """Lower-case and strip accents: "São Paulo" -> "sao paulo", "Kraków" -> "krakow".

    Scripts without accents (Cyrillic, CJK, Arabic) pass through case-folded, so a
    local name is still found by its own spelling.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters that do not decompose but that people type without the stroke.
    stripped = stripped.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"}))
    return unicodedata.normalize("NFC", stripped).casefold()


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the folded term anywhere, with wildcards escaped."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """Text someone typed, made inert for spreadsheets by a leading apostrophe when it looks like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def from_spreadsheet_text(text: str) -> str:
    """Undo spreadsheet_text(), so that a file we exported imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
