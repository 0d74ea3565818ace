"""Rebuild EventHubSans-Regular.ttf and EventHubSans-Bold.ttf from Debian's Noto fonts.

reportlab shapes a word (HarfBuzz) in the font of its first character, so "(القاهرة)" or
"สมชาย," would lose letters or punctuation if the brackets and the letters came from two fonts.
Merging Noto Sans with the Noto fonts of the other scripts gives one font that has them all.

Run from the repository root with the dev requirements installed (fonttools), on a Debian
machine that can reach its package archive:  .venv/bin/python eventhub/printing/fonts/build.py
"""
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "fonts-noto-core"
# Noto Sans first: its Latin punctuation and digits win over the copies in the script fonts.
SCRIPTS = ("NotoSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansBengali",
           "NotoSansGujarati", "NotoSansGurmukhi", "NotoSansTamil", "NotoSansTelugu", "NotoSansKannada",
           "NotoSansMalayalam", "NotoSansSinhala", "NotoSansThaana", "NotoSansThai", "NotoSansLao",
           "NotoSansMyanmar", "NotoSansKhmer", "NotoSansGeorgian", "NotoSansArmenian", "NotoSansEthiopic",
           "NotoSerifTibetan")


def unpack(workdir: Path) -> Path:
    """Download and unpack the Debian package; return the folder holding its .ttf files."""
    # A maintainer's tool: fixed arguments, no shell, Debian's own apt-get and dpkg-deb from PATH.
    subprocess.run(["apt-get", "download", PACKAGE], cwd=workdir, check=True)  # noqa: S603, S607
    deb = next(workdir.glob(f"{PACKAGE}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "x")], check=True)  # noqa: S603, S607
    return workdir / "x" / "usr" / "share" / "fonts" / "truetype" / "noto"


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


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        noto = unpack(Path(tmp))
        for weight in ("Regular", "Bold"):
            build(noto, weight)
