"""What a badge's QR code holds: "EH1-" and 26 characters of base32, e.g. EH1-7Q2KXWJ4M3ZP5RA6BCDEFGH2IJ.

Why random and looked up, not signed. The issue left two ways open: at least 128 random bits that
the server looks up, or a compact HMAC-signed token that a scanner could check offline. A signed
token can only be checked offline by a device that holds the key, and whoever holds the key (a
lost check-in phone, a copied laptop) can print valid badges for anyone. Random tokens have no
such key: an offline scanner downloads the SHA-256 digests of the valid tokens (`digest`) and
checks a scanned code by hashing it. A stolen list of digests yields no badge, since no one can
find a token for a digest; revoking a badge is deleting its digest from the next download. The
price is one indexed lookup per online scan, which the server does anyway to show the name.

The format serves the scanners:
- 16 random bytes (128 bits) in RFC 4648 base32: capital letters and digits 2-7 only, so the whole
  code is in the QR "alphanumeric" mode (5.5 bits a character). 30 characters fit QR version 2 at
  error-correction level M: 25x25 modules, which scan fast from a printed badge or a phone screen.
- Plain ASCII, no lower case, no characters a keyboard-wedge scanner's layout could swap.
- "EH" says the code is ours, "1" is the format version: a later format can live beside this one,
  and a scanner tells our codes from a conference's Wi-Fi QR or a ticket of another system.
- Nothing personal: a photographed badge gives away only a random string, dead once revoked.
"""
import base64
import hashlib
import re
import secrets

PREFIX = "EH"
VERSION = "1"
RANDOM_BYTES = 16  # 128 bits
# "EH1-" then 26 base32 characters: 16 bytes without the "======" padding.
_SHAPE = re.compile(rf"{PREFIX}{VERSION}-[A-Z2-7]{{26}}")
# Anything that starts like our codes, whatever the version: "ours, but not a format this server reads".
_OURS = re.compile(rf"{PREFIX}\d+-")
# The longest text worth looking at: a scanner may send a whole URL or garbage; the rest is cut.
MAX_SCANNED = 200


def new_token() -> str:
    """A fresh badge code: 128 random bits, in the format above."""
    text = base64.b32encode(secrets.token_bytes(RANDOM_BYTES)).decode("ascii").rstrip("=")
    return f"{PREFIX}{VERSION}-{text}"


def normalise(scanned: str | None) -> str:
    """What a scanner or a person sent, as the code it stands for: trimmed and in capitals.

    Keyboard-wedge scanners type the code into a field; with Caps Lock on, or a phone keyboard's
    auto-capitalisation, letters may arrive in lower case; spaces and line ends come along too.
    """
    return "".join((scanned or "")[:MAX_SCANNED].split()).upper()


def well_formed(code: str) -> bool:
    """True when a normalised code has this format's exact shape (so it is worth a lookup)."""
    return _SHAPE.fullmatch(code) is not None


def looks_like_ours(code: str) -> bool:
    """True when a normalised code starts like an EventHub badge code of any format version."""
    return _OURS.match(code) is not None


def digest(token: str) -> str:
    """SHA-256 of a code, in hex: how the server looks codes up and what offline scanners download."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
