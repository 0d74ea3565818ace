"""How fast the badge renderer is, and that its memory does not grow with the number of badges:
2,000 synthetic badges (mostly Latin names, some Cyrillic, Greek, CJK, Arabic, Devanagari, Thai) on
the A4 layout, rendered in-process into a temporary file, then the same for 500.

Each figure comes from a fresh interpreter (a subprocess), so peak memory (ru_maxrss) is that one
run's. Targets: the whole `flask badges render` of 2,000 badges in under 10 s on a 2-core machine,
so the renderer itself at 500 badges/s or more; memory about the same for 500 and 2,000 badges.

    .venv/bin/python bench/badge_render.py            # both runs, printed beside the targets
    .venv/bin/python bench/badge_render.py 2000 a4    # one run, as JSON (what run() calls)
"""
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 500  # badges per second, renderer only
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# (share in percent, given names, family names, organisations, country)
PEOPLE = [
    (62, ["Zoë", "Łukasz", "Ángel", "Søren", "Anaïs", "João", "Małgorzata", "François", "Eva", "Björn", "Chidi",
          "Amara", "Jean-Baptiste", "Nguyễn", "Ümit", "María José", "Kwame", "Ingrid"],
     ["Łukasiewicz", "Ångström", "García Márquez", "Müller", "Ødegaard", "dos Santos Pereira", "Dubois",
      "Kowalczyk", "van der Berg", "O'Connor", "Okonkwo", "Yılmaz", "Lefèvre-Pontalis", "Nakamura"],
     ["City of Malmö", "Ville de Lyon", "Prefeitura de São Paulo", "Urząd Miasta Łodzi", "Stadt Wien",
      "Lagos State Government", "Ayuntamiento de Barcelona", "Municipality of İzmir",
      "Greater Manchester Combined Authority", "Metropolitan Region of Rotterdam The Hague"],
     ["Sweden", "France", "Brazil", "Poland", "Austria", "Nigeria", "Spain", "Türkiye", "United Kingdom"]),
    (8, ["Олена", "Дмитрий", "Анна", "Сергій"], ["Коваль", "Иванова", "Шевченко", "Петров"],
     ["Київська міська державна адміністрація", "Правительство Москвы"], ["Ukraine", "Russia"]),
    (4, ["Γιώργος", "Ελένη"], ["Παπαδόπουλος", "Καραγιάννη"], ["Δήμος Αθηναίων"], ["Greece"]),
    (12, ["民准", "太郎", "美咲", "伟"], ["김", "山田", "佐藤", "王"],
     ["서울특별시", "東京都庁", "上海市人民政府"], ["Republic of Korea", "Japan", "China"]),
    (10, ["زينب", "محمد", "فاطمة", "يوسف"], ["الشيخ", "بن علي", "العلوي"],
     ["مدينة الرباط", "أمانة عمّان الكبرى", "بلدية دبي"], ["Morocco", "Jordan", "United Arab Emirates"]),
    (4, ["दिव्या", "राहुल", "สมชาย", "นภา"], ["शर्मा", "वर्मा", "ใจดี", "ศรีสุข"],
     ["दिल्ली नगर निगम", "กรุงเทพมหานคร"], ["India", "Thailand"]),
]
POSITIONS = ["Mayor", "Deputy Mayor", "Head of International Relations", "Policy Officer", "Councillor",
             "Director of Environment and Climate", "", ""]
CATEGORIES = [("delegate", "Delegate")] * 14 + [("speaker", "Speaker")] * 3 + [
    ("partner", "Partner"), ("press", "Press"), ("staff", "Staff")]


def cards(count: int, seed: int = 2027):
    """`count` synthetic cards, made one at a time (the renderer must not need a list)."""
    from eventhub.printing.badges import BadgeCard

    rng = random.Random(seed)
    groups = [group for share, *group in PEOPLE for _ in range(share)]
    for _ in range(count):
        given, family, organisations, countries = rng.choice(groups)
        category, label = rng.choice(CATEGORIES)
        east_asian = any("\u3000" <= c <= "\ud7af" for c in family[0])
        name = f"{rng.choice(family)}{rng.choice(given)}" if east_asian else f"{rng.choice(given)} {rng.choice(family)}"
        yield BadgeCard(token="EH1-" + "".join(rng.choice(ALPHABET) for _ in range(26)), full_name=name,
                        position=rng.choice(POSITIONS), organisation=rng.choice(organisations),
                        country=rng.choice(countries), category=category, category_label=label)


def _memory_kib() -> tuple[int, int]:
    """(resident now, peak resident) of this process in KiB: /proc on Linux, else ru_maxrss twice."""
    import resource

    try:
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak


def _reset_peak() -> None:
    """Start the peak afresh (Linux), so it is the rendering's and not the font loading's before it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


def measure(count: int, layout: str = "a4") -> dict:
    """Render `count` badges into a temporary file in this process; the figures as a dict."""
    import gc
    import tempfile
    import time

    sys.path.insert(0, str(ROOT))
    from eventhub.printing.badges import BadgeEvent, render_badges
    from eventhub.printing.typesetting import coverage

    coverage()  # the fonts, loaded once per process in any case (the CLI's start-up pays for it too)
    gc.collect()
    _reset_peak()
    before, _peak = _memory_kib()
    event = BadgeEvent("World Congress of Cities and Local Governments 2027", "12–15 May 2027 · Malmö")
    with tempfile.TemporaryFile() as out:
        began = time.perf_counter()
        rendered = render_badges(event, cards(count), out, layout=layout)
        spent = time.perf_counter() - began
        size = out.tell()
    _now, peak = _memory_kib()
    return {"count": rendered, "seconds": spent, "rate": rendered / spent, "bytes": size,
            "rss_before_kib": before, "rss_peak_kib": peak}


def _in_subprocess(count: int, layout: str) -> dict:
    result = subprocess.run([sys.executable, __file__, str(count), layout], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return json.loads(result.stdout)


def run() -> None:
    """Both runs, each in a fresh interpreter, printed beside the targets."""
    runs = [_in_subprocess(count, "a4") for count in (500, 2000)]
    print("badges.pdf, A4 (4 a page), renderer only, synthetic mixed-script cards:")
    for figures in runs:
        growth = (figures["rss_peak_kib"] - figures["rss_before_kib"]) / 1024
        print(f"  {figures['count']:>5} badges: {figures['seconds']:.2f} s, {figures['rate']:.0f} badges/s "
              f"(target >= {TARGET_RATE}), {figures['bytes'] / 1024:.0f} KiB; peak memory "
              f"{figures['rss_peak_kib'] / 1024:.0f} MiB, {growth:+.1f} MiB over the {figures['rss_before_kib'] / 1024:.0f} "
              f"MiB before rendering (fonts loaded)")
    small, large = runs
    extra = (large["rss_peak_kib"] - small["rss_peak_kib"]) / 1024
    print(f"  peak memory for 2,000 vs 500 badges: {extra:+.1f} MiB, {extra * 1024 / 1500:.1f} KiB per extra badge "
          f"(target: flat, a few KiB a badge at most)")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "a4")))
    else:
        sys.path.insert(0, str(ROOT))
        run()
