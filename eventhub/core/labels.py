"""Labels of stored values (kinds, statuses, categories): lazy texts, shown in the language being spoken.

The dicts of labels (events.models.KINDS and the like) map a stored key to lazy_gettext text. Input
that names a choice by its label (a CSV file, an API call) may use the English label whatever the
language of the page it came through, so it is compared with english(label) as well as the shown one.
"""
from flask_babel import force_locale

from eventhub.core.languages import DEFAULT


def english(label) -> str:
    """A label as the code writes it ("Metropolitan area"), whatever the language being spoken."""
    with force_locale(DEFAULT):
        return str(label)


def aliases(choices: dict) -> dict[str, str]:
    """{lower-case name: key} of every way to name a choice: its key, its key with spaces, its English label."""
    found = {}
    for key, label in choices.items():
        for alias in (key, key.replace("_", " "), english(label)):
            found[alias.lower()] = key
    return found
