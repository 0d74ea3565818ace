"""The API's side of content in several languages (eventhub.core.translated).

A record's `title`, `summary` and `description` are its main language's, the ones a client writes;
`translations` holds the others, {"fr": {"title": "..."}}, and is replaced whole when sent;
`display` is read-only: the texts in the language the request asks for (?lang=, else Accept-Language),
each falling back to the main language's, ready to show.
"""
from marshmallow import Schema, fields, post_dump, validate

from eventhub.core import languages

LANGUAGE_DOC = "One of: " + ", ".join(languages.SUPPORTED) + ' ("pt-BR" and the like are accepted on input).'


def _texts_schema(name: str, texts: tuple[str, ...]) -> type[Schema]:
    return Schema.from_dict({text: fields.String(allow_none=True) for text in texts}, name=name)


def translations_field(name: str, texts: tuple[str, ...], main: str) -> fields.Dict:
    """`translations`: language code -> the texts in it (any subset)."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(max=10)),
        values=fields.Nested(_texts_schema(f"{name}Texts", texts)),
        metadata={"description": f"The {', '.join(texts)} in languages other than {main}, by language code ("
                                 f"{', '.join(languages.SUPPORTED)}), e.g. "
                                 '{"fr": {"title": "Ouverture"}, "es": {"title": "Apertura"}}. '
                                 "Sending it replaces every translation; texts in the main language are dropped."},
    )


def display_field(name: str, texts: tuple[str, ...]) -> fields.Nested:
    """`display` (read-only): what a visitor in the requested language sees."""
    shape = Schema.from_dict({"language": fields.String(metadata={"description": "The language asked for."}),
                              **{text: fields.String(allow_none=True) for text in texts}}, name=f"{name}Display")
    return fields.Nested(shape, dump_only=True, metadata={
        "description": "The texts in the language asked for (?lang=, else the Accept-Language header), each falling "
                       "back to the main language's when not translated: ready to show, not to write back."})


class WithTranslations:
    """Schema mixin: fills `display` from the dumped record (TEXTS; main_language(record) says its main one)."""

    TEXTS: tuple[str, ...] = ()

    @staticmethod
    def main_language(record) -> str:
        return record.language

    @post_dump(pass_original=True)
    def _display(self, data, record, **kwargs):
        language = languages.requested(self.main_language(record))
        data["display"] = {"language": language, **{text: record.localized(text, language) for text in self.TEXTS}}
        return data
