"""Rebuild EventHubSans-Regular.ttf and EventHubSans-Bold.ttf from Debian's Noto fonts, and
SymbolaEmoji.ttf from Debian's Symbola.

reportlab shapes a word (HarfBuzz) in the font of its first character, so "(القاهرة)" or
"สมชาย," would lose letters or punctuation if the brackets and the letters came from two fonts.
Merging Noto Sans with the Noto fonts of the other scripts gives one font that has them all.

Emoji (🌍, 🚲, ♻) come from Symbola, a monochrome font: reportlab embeds TrueType outlines
only, so colour emoji fonts (bitmaps or layered glyphs) cannot be used. Only its symbol and
emoji blocks are kept (SYMBOL_RANGES), which takes it from 3.2 MB to 1.2 MB (a PDF embeds only the glyphs it uses).

Run from the repository root with the dev requirements installed (fonttools), on a Debian
machine that can reach its package archive:  .venv/bin/python eventhub/printing/fonts/build.py
"""
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "fonts-noto-core"
SYMBOLS_PACKAGE = "fonts-symbola"  # 2.60-1.1 in Debian 12; its licence: LICENSE-Symbola.txt
# Symbols, dingbats, arrows, shapes, emoji and pictographs. Letters stay out: those come from the
# script fonts, so a word never mixes Symbola's letters with Noto's.
# The blocks emoji are drawn from (Unicode's emoji-data.txt): letterlike ™ and ℹ, arrows, clocks and
# keyboards, circled letters, shapes, miscellaneous symbols, dingbats, stars, and every pictograph.
SYMBOL_RANGES = ((0x2122, 0x2122), (0x2139, 0x2139), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF),
                 (0x25A0, 0x27BF), (0x2900, 0x297F), (0x2B00, 0x2BFF), (0x3030, 0x3030), (0x303D, 0x303D),
                 (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1FAFF))
# Noto Sans first: its Latin punctuation and digits win over the copies in the script fonts.
SCRIPTS = ("NotoSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansBengali",
           "NotoSansGujarati", "NotoSansGurmukhi", "NotoSansTamil", "NotoSansTelugu", "NotoSansKannada",
           "NotoSansMalayalam", "NotoSansSinhala", "NotoSansThaana", "NotoSansThai", "NotoSansLao",
           "NotoSansMyanmar", "NotoSansKhmer", "NotoSansGeorgian", "NotoSansArmenian", "NotoSansEthiopic",
           "NotoSerifTibetan")


def unpack(workdir: Path, package: str = PACKAGE, folder: str = "noto") -> Path:
    """Download and unpack the Debian package; return the folder holding its .ttf files."""
    # A maintainer's tool: fixed arguments, no shell, Debian's own apt-get and dpkg-deb from PATH.
    subprocess.run(["apt-get", "download", package], cwd=workdir, check=True)  # noqa: S603, S607
    deb = next(workdir.glob(f"{package}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "x")], check=True)  # noqa: S603, S607
    return workdir / "x" / "usr" / "share" / "fonts" / "truetype" / folder


def source(folder: Path, stem: str, weight: str) -> str:
    """The script's font in the weight, or its regular one where Noto has no bold."""
    path = folder / f"{stem}-{weight}.ttf"
    return str(path if path.exists() else folder / f"{stem}-Regular.ttf")


def rename(font, weight: str) -> None:
    """A merged font is a modified version: it gets its own family name."""
    names = {1: "EventHub Sans", 2: weight, 4: f"EventHub Sans {weight}", 6: f"EventHubSans-{weight}",
             16: "EventHub Sans", 17: weight}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]


def build(folder: Path, weight: str) -> None:
    """Merge every script's font into EventHubSans-<weight>.ttf."""
    from fontTools.merge import Merger, Options

    # Vertical metrics and MATH exist in only some of the fonts and are not used for our text.
    merged = Merger(options=Options(drop_tables=["vmtx", "vhea", "MATH"])).merge(
        [source(folder, stem, weight) for stem in SCRIPTS]
    )
    rename(merged, weight)
    merged.save(HERE / f"EventHubSans-{weight}.ttf")


def build_symbols(folder: Path) -> None:
    """SymbolaEmoji.ttf: Symbola's symbol and emoji blocks, without hinting (PDFs are not hinted)."""
    from fontTools import subset

    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright and licence records with the glyphs
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(folder / "Symbola_hint.ttf"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in SYMBOL_RANGES for code in range(low, high + 1)])
    subsetter.subset(font)
    subset.save_font(font, str(HERE / "SymbolaEmoji.ttf"), options)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        noto = unpack(Path(tmp))
        for weight in ("Regular", "Bold"):
            build(noto, weight)
    with tempfile.TemporaryDirectory() as tmp:
        build_symbols(unpack(Path(tmp), SYMBOLS_PACKAGE, "ancient-scripts"))
