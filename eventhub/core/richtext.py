"""Descriptions as organisers type them: plain text with a small, safe part of Markdown.

Event and session descriptions may hold paragraphs, line breaks, *emphasis*, **strong** text,
bulleted and numbered lists and links. Nothing else: no raw HTML (it shows as the text it is),
no images (their alt text shows), no headings (a "#" stays a "#", so a description never
competes with the page's own headings). Links may point to http, https and mailto addresses only.

One parse (markdown-it-py, CommonMark) feeds three outputs, so a page, an e-mail and the printed
programme can never disagree about what a description says:
- to_html(): for pages, and sanitised afterwards by an allow-list (nh3) as a second line of
  defence: should the parser ever let something through, the sanitiser still drops it;
- to_text(): for e-mails and plain-text exports, links written out as "text (url)";
- to_blocks(): paragraphs and list items with reportlab's paragraph mini-markup, for the PDF.
A single newline is a line break (breaks=True): descriptions typed before Markdown was allowed
keep their lines as their authors wrote them.
"""
from dataclasses import dataclass
from functools import cache, lru_cache
from xml.sax.saxutils import escape

from markupsafe import Markup

SCHEMES = ("http", "https", "mailto")
# What the HTML may hold after sanitising; everything else is dropped with its attributes.
TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# User-written links: no window.opener, no search-engine credit, marked as user content.
LINK_REL = "noopener nofollow ugc"
# Markdown that descriptions do not use: a "#" or an indented line stays the text it is.
DISABLED = ["heading", "lheading", "code", "fence", "blockquote", "hr", "html_block", "html_inline", "backticks",
            "table", "strikethrough"]
PDF_LINK_COLOUR = "#1d5fa6"


def allowed_link(url: str) -> bool:
    """Only absolute http, https and mailto links: no javascript:, data:, file: or relative paths
    (a relative path means nothing in an e-mail or on paper)."""
    scheme, colon, rest = url.strip().partition(":")
    return bool(colon and rest) and scheme.lower() in SCHEMES


@cache
def _parser():
    """CommonMark without the rules descriptions do not use; built once per process."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    parser.disable([rule for rule in DISABLED if _known_rule(parser, rule)])
    parser.validateLink = allowed_link
    # An image shows as its description (alt text): no picture is fetched from anywhere.
    parser.add_render_rule("image", lambda renderer, tokens, index, options, env: escape(tokens[index].content))
    return parser


def _known_rule(parser, rule: str) -> bool:
    """True when this markdown-it preset has the rule (the commonmark one has no tables)."""
    return any(rule in parser.get_all_rules()[chain] for chain in ("core", "block", "inline", "inline2"))


@cache
def _cleaner():
    """The allow-list sanitiser, built once."""
    import nh3

    return nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=set(SCHEMES), link_rel=LINK_REL,
                       url_relative="deny", strip_comments=True)


@lru_cache(maxsize=256)
def _html(text: str) -> str:
    """Rendered and sanitised; a busy event page renders the same description again and again.

    The parser puts a newline after each block and each <br>, where HTML needs none; they are
    taken out, so a page that shows descriptions with white-space: pre-line shows no extra lines.
    (Text itself never holds a newline here: each one became a <br>.)
    """
    return _cleaner().clean(_parser().render(text)).replace("\n", "").strip()


def to_html(text: str | None) -> Markup:
    """Safe HTML for a page (the Jinja filter `richtext`); empty for an empty description."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_html(text))  # noqa: S704  (sanitised by the allow-list just above)


@dataclass(frozen=True)
class TextBlock:
    """A paragraph or a list item: `plain` as an e-mail shows it, `markup` for a reportlab Paragraph.

    depth: 0 for a paragraph, 1 for an item of a list, 2 for an item of a list inside it, ...
    bullet: "•" or the item's number ("3."), empty for a paragraph.
    group: which outermost list the item belongs to (its items print as one block), None outside lists.
    """
    depth: int
    bullet: str
    plain: str
    markup: str
    group: int | None = None


def to_blocks(text: str | None, setter=None) -> list[TextBlock]:
    """The description as paragraphs and list items, in order.

    setter(text, bold) turns a run of plain text into markup (the PDF passes one that picks a font
    for each script); by default it only escapes. Links become reportlab <a> tags followed by their
    address, since paper cannot be clicked.
    """
    if not text or not text.strip():
        return []
    setter = setter or (lambda piece, bold: f"<b>{escape(piece)}</b>" if bold else escape(piece))
    blocks: list[TextBlock] = []
    lists: list[list] = []  # per open list: [ordered?, next number]
    bullet, first_in_item, group = "", False, 0
    for token in _parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            group += not lists
            lists.append([token.type == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            bullet = f"{token.info or number}{token.markup}" if ordered else "•"
            lists[-1][1] = int(token.info or number) + 1 if ordered else number
            first_in_item = True
        elif token.type == "inline":
            plain, markup = _inline(token.children or [], setter)
            # A list item's second paragraph continues the item, without a bullet of its own.
            blocks.append(TextBlock(len(lists), bullet if first_in_item else "", plain, markup,
                                    group if lists else None))
            first_in_item = False
    return [block for block in blocks if block.plain.strip()]


def _inline(children, setter) -> tuple[str, str]:
    """One paragraph's inline tokens as (plain text, markup)."""
    plain, markup = [], []
    strong = 0
    link: list | None = None  # [href, where the link's text starts in plain]
    for child in children:
        kind = child.type
        if kind in ("text", "text_special", "code_inline", "html_inline"):
            plain.append(child.content)
            markup.append(setter(child.content, strong > 0))
        elif kind == "image":  # its alt text, as on the page
            plain.append(child.content)
            markup.append(setter(child.content, strong > 0))
        elif kind in ("softbreak", "hardbreak"):
            plain.append("\n")
            markup.append("<br/>")
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "link_open":
            href = child.attrGet("href") or ""
            link = [href, len(plain)]
            markup.append(f'<a href="{escape(href, {chr(34): "&quot;"})}" color="{PDF_LINK_COLOUR}">')
        elif kind == "link_close" and link is not None:
            href, start = link
            label = "".join(plain[start:])
            markup.append("</a>")
            shown = _address(href)
            if label.strip() not in (href, shown):
                plain.append(f" ({shown})")
                markup.append(setter(f" ({shown})", False))
            link = None
        # em_open/em_close: the printed faces have no italic; the words print upright.
    return "".join(plain).strip(), "".join(markup).strip()


def _address(href: str) -> str:
    """A link's address as people write it: mailto:info@x.org is info@x.org."""
    return href[len("mailto:"):] if href.lower().startswith("mailto:") else href


def to_text(text: str | None) -> str:
    """Plain text for e-mails and exports: paragraphs apart, list items as "- item" or "1. item"
    (indented when nested), links as "text (url)", emphasis marks dropped."""
    lines = []
    previous_group = None
    for block in to_blocks(text):
        indent = "   " * max(block.depth - 1, 0)
        if block.depth and block.bullet:
            marker = "-" if block.bullet == "•" else block.bullet
            body = block.plain.replace("\n", "\n" + indent + " " * (len(marker) + 1))
            item = f"{indent}{marker} {body}"
        else:
            pad = indent + ("   " if block.depth else "")
            item = pad + block.plain.replace("\n", "\n" + pad)
        # Items of one list stand on consecutive lines; paragraphs and lists a line apart.
        tight = block.group is not None and block.group == previous_group
        lines.append(("\n" if tight else "\n\n") + item if lines else item)
        previous_group = block.group
    return "".join(lines)


def first_paragraph(text: str | None, limit: int = 280, blocks: list[TextBlock] | None = None) -> str:
    """The description's first paragraph as plain text, cut at a word near `limit` with "…".
    A description that starts with a list gives that list's items, joined by " · ".
    blocks: to_blocks(text), when the caller has them already."""
    blocks = to_blocks(text) if blocks is None else blocks
    if not blocks:
        return ""
    leading = blocks[0]
    if leading.group is not None:
        items = [b.plain for b in blocks if b.group == leading.group and b.bullet and b.depth == 1]
        first = " · ".join(" ".join(item.split()) for item in items)
    else:
        first = " ".join(leading.plain.split())
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut.rstrip(",.;:–- ") + "…"


def init_app(app) -> None:
    """The `richtext` filter for templates: {{ event.description | richtext }}."""
    app.add_template_filter(to_html, "richtext")
