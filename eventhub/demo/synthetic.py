"""Plausible invented places for `flask demo --members N` beyond the real list.

Names are built from parts typical of a language (Lindenfeld, Björkvik, Porto das Flores,
高浜市 Takahama), so larger demos still look like a network of cities and not "City 151".
Where the local script differs, the parts carry it too and the local name is built alongside.
"""
import random

from eventhub.core.text import fold

_ENGLISH_ENDINGS = ["ton", "field", "wood", "view", "ville", "port", "dale", "brook", "ford", "ridge"]

# Each style: where such names are found (country, region, website pattern; {slug} is the folded
# name), and the two lists of parts, either plain strings or (latin, local script) pairs.
STYLES = [
    {
        "places": [("DE", "Europe", "www.{slug}.de"), ("AT", "Europe", "www.{slug}.gv.at")],
        "first": ["Alt", "Neu", "Ober", "Nieder", "Rosen", "Linden", "Eichen", "Buchen", "Birken", "Wald"],
        "second": ["burg", "dorf", "feld", "hausen", "heim", "stadt", "bach", "berg", "au", "tal"],
    },
    {
        "places": [("JP", "East Asia", "www.city.{slug}.lg.jp")],
        "first": [("Kita", "北"), ("Minami", "南"), ("Higashi", "東"), ("Nishi", "西"), ("Taka", "高"),
                  ("Naka", "中"), ("Ō", "大"), ("Mori", "森"), ("Aki", "秋"), ("Sakura", "桜")],
        "second": [("kawa", "川"), ("yama", "山"), ("hara", "原"), ("shima", "島"), ("da", "田"),
                   ("saki", "崎"), ("oka", "岡"), ("hama", "浜"), ("no", "野"), ("sawa", "沢")],
        "local_suffix": "市",
    },
    {
        "places": [("IN", "South Asia", None)],
        "first": [("Ram", "राम"), ("Shiv", "शिव"), ("Chandra", "चंद्र"), ("Surya", "सूर्य"),
                  ("Krishna", "कृष्ण"), ("Ganga", "गंगा"), ("Hari", "हरि"), ("Dev", "देव")],
        "second": [("pur", "पुर"), ("nagar", "नगर"), ("garh", "गढ़"),
                   ("ganj", "गंज"), ("puram", "पुरम"), ("kot", "कोट")],
    },
    {
        "places": [("MX", "Latin America & Caribbean", "www.{slug}.gob.mx"),
                   ("CO", "Latin America & Caribbean", "www.{slug}.gov.co"),
                   ("AR", "Latin America & Caribbean", "www.{slug}.gob.ar"),
                   ("CL", "Latin America & Caribbean", "www.muni{slug}.cl")],
        "first": ["San Miguel", "Santa Rosa", "San José", "Villa Nueva", "Puerto", "Santa Cruz", "San Pedro", "Valle"],
        "second": [" de los Ríos", " de la Sierra", " de las Flores", " del Monte", " de Tierra Alta",
                   " de la Costa", " de Piedras", " de la Laguna", " del Sol", " de los Andes"],
    },
    {
        "places": [("ZA", "Africa", "www.{slug}.gov.za")],
        "first": ["Kloof", "Riet", "Mooi", "Bosch", "Groot", "Klip", "Wit", "Doorn"],
        "second": ["fontein", "rivier", "dal", "kop", "berg", "vlei", "bult", "kraal"],
    },
    {
        "places": [("US", "North America", "www.cityof{slug}.gov"), ("CA", "North America", "www.{slug}.ca")],
        "first": ["Maple", "Cedar", "River", "Lake", "Fair", "Green", "Oak", "Pine", "Clear", "Spring"],
        "second": _ENGLISH_ENDINGS,
    },
    {
        "places": [("ID", "Southeast Asia", "www.{slug}kota.go.id")],
        "first": ["Sungai", "Tanjung", "Bukit", "Kota", "Pulau", "Teluk", "Muara", "Batu"],
        "second": [" Jaya", " Indah", " Baru", " Makmur", " Raya", " Sari", " Permai", " Asri"],
    },
    {
        "places": [("AU", "Oceania", "www.{slug}.nsw.gov.au"), ("NZ", "Oceania", "www.{slug}.govt.nz")],
        "first": ["Glen", "Kings", "Bay", "Wattle", "Hill", "Sea", "Bright", "Ash", "Rose", "Stan"],
        "second": _ENGLISH_ENDINGS,
    },
    {
        "places": [("SE", "Europe", "www.{slug}.se")],
        "first": ["Sjö", "Berg", "Lund", "Ek", "Björk", "Strand", "Hag", "Norr", "Söder", "Väster"],
        "second": ["by", "köping", "vik", "holm", "hamn", "sund", "torp", "åsen", "näs", "dal"],
    },
    {
        "places": [("MA", "Africa", None)],
        "first": [("Sidi", "سيدي"), ("Aïn", "عين"), ("Oued", "واد"), ("Bni", "بني"), ("Dar", "دار"), ("Ksar", "قصر")],
        "second": [(" Bennour", " بنور"), (" Tamellalt", " تملالت"), (" Zaer", " زعير"),
                   (" Amar", " عمار"), (" Hassan", " حسان"), (" Slimane", " سليمان")],
    },
    {
        "places": [("KR", "East Asia", "www.{slug}.go.kr")],
        "first": [("Cheong", "청"), ("Nam", "남"), ("Seo", "서"), ("Dong", "동"),
                  ("Hwa", "화"), ("Yeong", "영"), ("Geum", "금"), ("Hae", "해")],
        "second": [("ju", "주"), ("cheon", "천"), ("san", "산"), ("won", "원"), ("pyeong", "평"), ("yang", "양")],
        "local_suffix": "시",
    },
    {
        "places": [("BR", "Latin America & Caribbean", "www.{slug}.sp.gov.br")],
        "first": ["São João", "Santa Luzia", "Vila Nova", "Porto", "Campo", "Boa Vista", "Bom Jesus", "Santo Antônio"],
        "second": [" do Norte", " das Flores", " da Serra", " do Sul",
                   " dos Pinhais", " do Mar", " das Palmeiras", " do Oeste"],
    },
]


def _parts(part) -> tuple[str, str | None]:
    """(latin, local script or None) of a name part."""
    return part if isinstance(part, tuple) else (part, None)


def _compose(style: dict, first, second) -> tuple[str, str | None]:
    """(name, local name) from two parts; the local name only for styles with their own script."""
    (latin_a, local_a), (latin_b, local_b) = _parts(first), _parts(second)
    local = local_a + local_b + style.get("local_suffix", "") if local_a else None
    return latin_a + latin_b, local


class _Names:
    """Hands out names nobody has yet, per style: random parts first, then any free pair, then numbered."""

    def __init__(self, rng: random.Random, taken: set[str]):
        """Names from `rng`, unique against `taken` (which grows as names are handed out)."""
        self.rng, self.taken = rng, taken
        # Styles whose every pair is taken, and the next number of each numbered base name: without
        # them, each of tens of thousands of names would try every pair again and count up from 2.
        self.exhausted, self.numbers = set(), {}

    def unique(self, index: int, style: dict) -> tuple[str, str | None]:
        """(name, local name) of this style, added to the taken names."""
        name, local = self._pick(index, style)
        self.taken.add(name)
        return name, local

    def _pick(self, index: int, style: dict) -> tuple[str, str | None]:
        """A free name of the style, not yet added to the taken names."""
        if index not in self.exhausted:
            for _ in range(20):
                name, local = _compose(style, self.rng.choice(style["first"]), self.rng.choice(style["second"]))
                if name not in self.taken:
                    return name, local
            for first in style["first"]:
                for second in style["second"]:
                    name, local = _compose(style, first, second)
                    if name not in self.taken:
                        return name, local
            self.exhausted.add(index)
        # Every combination is used (thousands of members): number them, as new towns sometimes are.
        base, local = _compose(style, self.rng.choice(style["first"]), self.rng.choice(style["second"]))
        number = self.numbers.get(base, 2)
        while f"{base} {number}" in self.taken:
            number += 1
        self.numbers[base] = number + 1
        return f"{base} {number}", (f"{local} {number}" if local else None)


def synthetic_organisations(count: int, rng: random.Random, taken: set[str]) -> list[dict]:
    """`count` invented cities and towns, cycling through the styles so every region grows.

    `taken` holds names already planned; it is updated so names stay unique.
    """
    plans, names = [], _Names(rng, taken)
    for index in range(count):
        style = STYLES[index % len(STYLES)]
        name, local_name = names.unique(index % len(STYLES), style)
        country, region, website = rng.choice(style["places"])
        is_town = rng.random() < 0.35
        slug = "".join(ch for ch in fold(name) if ch.isascii() and ch.isalnum())
        plans.append(
            {
                "name": name,
                "local_name": local_name,
                "kind": "town" if is_town else "city",
                "country": country,
                "region": region,
                "population": rng.randrange(3_000, 60_000, 100) if is_town else rng.randrange(60_000, 900_000, 1_000),
                "website": f"https://{website.format(slug=slug)}" if website else None,
                "tags": "".join(tag for tag in "rnc" if rng.random() < 0.15),
            }
        )
    return plans
