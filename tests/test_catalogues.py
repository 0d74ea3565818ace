"""The French, Spanish and Portuguese catalogues hold every string of the code, each translated whole.

The strings are extracted from the code as `make messages` does (babel.cfg), so a string added to a
template or a view without its translation fails here, not in front of a delegate.
"""
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from eventhub.core import languages

ROOT = Path(__file__).resolve().parent.parent
# Babel's own keywords (gettext, ngettext, pgettext, N_ ...) and the project's lazy ones, as `make messages`.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_pgettext": ((1, "c"), 2)}
# Python's named placeholders and Jinja's (both spelt %(name)s), and str.format's {name}.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def _extracted() -> set:
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((msgid, context))
    return found


@pytest.fixture(scope="module")
def extracted() -> set:
    return _extracted()


def _catalogue(code: str) -> Catalog:
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


def _placeholders(text: str) -> list:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


TRANSLATED = [code for code in languages.SUPPORTED if code != languages.DEFAULT]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_of_the_code_is_translated(code, extracted):
    catalogue = _catalogue(code)
    missing = []
    for msgid, context in sorted(extracted, key=lambda pair: pair[0]):
        message = catalogue.get(msgid, context=context)
        strings = message.string if message else None
        forms = strings if isinstance(strings, (tuple, list)) else [strings]
        if message is None or message.fuzzy or not all(forms):
            missing.append(msgid)
    assert not missing, f"{len(missing)} strings untranslated in {code} (make catalogues, then translate): " + \
        "; ".join(repr(m) for m in missing[:15])


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_string(code):
    broken = []
    for message in _catalogue(code):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(_placeholders(ids[-1])) | set(_placeholders(ids[0]))
        for text in strings:
            names = set(_placeholders(text))
            # A plural form may leave out the count ("one" in words), never invent or misspell a name.
            if not names <= wanted or (len(ids) == 1 and names != wanted):
                broken.append((ids[0], text))
    assert not broken, f"{code}: placeholders differ: {broken[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_passes_babels_own_checks(code):
    problems = [(message.id, str(error)) for message, errors in _catalogue(code).check() for error in errors]
    assert not problems, problems[:10]


def test_the_placeholder_check_catches_a_misspelt_name():
    assert set(_placeholders("Bonjour %(nom)s")) != set(_placeholders("Hello %(name)s"))
    assert set(_placeholders("{count} places")) == set(_placeholders("{count} seats"))
