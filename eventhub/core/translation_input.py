"""Translations of an event's or a session's texts as input: checked in services, entered in forms.

Services receive them as {"fr": {"title": "...", ...}, ...} (the API's `translations` object); forms
have one field per language and text (tr_fr_title) and turn them into that shape.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from eventhub.core import languages
from eventhub.core.validation import Collector, text_value

# The form labels of the translatable texts. Their limits, {field: (longest, several lines?)}, belong to each
# kind of record: events.validation.TRANSLATION_LIMITS, agenda.services.TRANSLATION_LIMITS.
LABELS = {"title": _l("Title"), "summary": _l("Summary"), "description": _l("Description")}


def clean_language(data: dict, errors: Collector, field: str = "language", default: str = languages.DEFAULT) -> str:
    """A supported language code from data[field] (aliases such as "pt-BR" and "pt" accepted), `default` when
    not given: an event's main language, a registrant's language."""
    raw = data.get(field)
    if raw in (None, ""):
        return default
    code = languages.normalise(str(raw))
    if code is None:
        errors.add(field, _("Choose one of: %(choices)s.", choices=", ".join(languages.SUPPORTED)))
        return default
    return code


def clean_translations(data: dict, limits: dict, main_language: str, errors: Collector) -> dict:
    """The `translations` input checked like the main texts: each text cleaned and within its limit,
    languages known, the main language left out (its text is the record's own); blanks dropped."""
    given = data.get("translations")
    if given in (None, ""):
        return {}
    if not isinstance(given, dict):
        errors.add("translations", _("Give translations as an object of languages, e.g. {\"fr\": {\"title\": \"…\"}}."))
        return {}
    kept = {}
    for raw_code, fields in given.items():
        code = languages.normalise(str(raw_code))
        if code is None or not isinstance(fields, dict):
            errors.add("translations", _("'%(value)s' is not a language EventHub speaks (%(choices)s).",
                                         value=raw_code, choices=", ".join(languages.SUPPORTED)))
            continue
        unknown = set(fields) - set(limits)
        if unknown:
            errors.add(f"translations.{code}", _("Only these texts can be translated: %(fields)s.",
                                                 fields=", ".join(limits)))
        texts = {}
        for name, (limit, multiline) in limits.items():
            value = text_value(fields, name, limit, errors, multiline=multiline,
                               error_field=f"translations.{code}.{name}")
            if value:
                texts[name] = value
        if texts and code != main_language:
            kept[code] = texts
    return kept


def field_name(code: str, name: str) -> str:
    return f"tr_{code}_{name}"


def add_fields(form_class, limits: dict, rows: dict | None = None) -> None:
    """Give a form class one optional field per supported language and translatable text."""
    for code in languages.SUPPORTED:
        for name, (limit, multiline) in limits.items():
            label = LABELS[name]
            if multiline:
                field = TextAreaField(label, validators=[Length(max=limit)],
                                      render_kw={"rows": (rows or {}).get(name, 3), "lang": languages.html_lang(code)})
            else:
                field = StringField(label, validators=[Length(max=limit)], render_kw={"lang": languages.html_lang(code)})
            setattr(form_class, field_name(code, name), field)


def from_form(form, limits: dict) -> dict:
    """The form's translation fields as the services' `translations` input."""
    return {code: {name: form[field_name(code, name)].data or "" for name in limits} for code in languages.SUPPORTED}


def initial(record, limits: dict) -> dict:
    """A record's translations as form values (tr_fr_title=...)."""
    return {field_name(code, name): record.translation(code, name) or ""
            for code in languages.SUPPORTED for name in limits}


def is_translation_field(name: str) -> bool:
    return name.startswith("tr_")
