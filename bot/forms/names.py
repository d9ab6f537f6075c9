"""`lacks_diacritics`: was a Vietnamese name typed without its diacritics ("Hop tac xa Sen Thap Muoi")?

The chat asks before such a name goes on a form. The check must not bother a producer whose brand is English
("Green Lotus"), a code ("ST25", "TCCS 01:2024") or a Vietnamese name that really has no marks ("Nem Lai Vung",
"Ban Mai"). So it flags a text only when all of these hold:

1. no letter of the text carries a diacritic (a text with any diacritic was typed with a Vietnamese
   keyboard; a half-marked name is not something this can tell apart from correct spelling);
2. at least two of its words are Vietnamese syllables in shape (onset + rime of Vietnamese spelling,
   letters a–y without f, j, w, z), not counting acronyms (HTX, OCOP, TNHH), words with digits and a short
   list of common English words that happen to have that shape ("hot", "top", "tea" has not);
3. those are at least 60 % of the words counted;
4. at least one of them cannot be Vietnamese without a mark: a rime ending in -p, -t, -c, -ch (such
   syllables always carry the sắc or nặng tone: "thap" is "tháp"), or a vowel group that exists only with
   a circumflex or horn: "ie"/"ye" + ending ("nguyen", "viet", "yen"), "uo" ("muoi", "duong"), "uu" ("huu"),
   "ua" + ending after any onset but qu ("tuan" is "tuân").
"""

from __future__ import annotations

import re
import unicodedata

_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
_OPEN = ("a e i o u y ai ao au ay eo eu ia iu oa oe oi ua ue ui uy oai oay oeo uay uya uyu uoi uou uu "
         "ieu yeu ya uya oao").split()
_NUCLEI = "a e i o u oa oe oo ie ye uo uy ua ue uye".split()
_CODAS = "c ch m n ng nh p t".split()
_RIMES = sorted(set(_OPEN) | {n + c for n in _NUCLEI for c in _CODAS}, key=len, reverse=True)
_SYLLABLE = re.compile(rf"({_ONSET})({'|'.join(_RIMES)})")

_ENGLISH = frozenset("""
the of my is am as us we or if he by oh ok hi so go no on in
at it up bat rat sat pat vat sit pit hit kit lit set net let met pet bet vet cut nut hut but not lot rot dot
got hot pot top tap map cap nap rap sap tip lip hip dip rip sip cup mac sac tic rich
""".split())
"""Common English words of Vietnamese syllable shape, most ending in -p/-t/-c, so "Hot Pot" is not flagged.
Not here, because they are everyday Vietnamese syllables in names: an, van, tan, man, can, cam, con, ton,
hat (hạt), cat (cát), mat (mật), lap (lập), to (tô), do (đỗ), me (mẹ), be (bé)."""


def _has_diacritic(text: str) -> bool:
    for ch in text:
        if ch in "đĐ":
            return True
        if ch.isalpha() and any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", ch)):
            return True
    return False


def _shape(word: str) -> tuple[str, str] | None:
    """(onset, rime) when `word` (lowercase ASCII) is spelt like a Vietnamese syllable, else None."""
    match = _SYLLABLE.fullmatch(word)
    if match is None:
        return None
    onset, rime = match.groups()
    first = rime[0]
    # Vietnamese spelling: k, gh, ngh only before e/i/y; c, g, ng never before e/i (g + i is the onset gi).
    if onset in ("k", "gh", "ngh") and first not in "eiy":
        return None
    if onset in ("c", "ng") and first in "eiy":
        return None
    if onset == "g" and first == "e":
        return None
    if onset == "qu" and first == "u":
        return None
    return onset, rime


def _needs_mark(onset: str, rime: str) -> bool:
    if rime.endswith(("p", "t", "c", "ch")):
        return True
    if re.match(r"(ie|ye|uye)[cmnpt]", rime) or rime in ("ieu", "yeu"):
        return True
    if "uo" in rime or "uu" in rime:
        return True
    return onset != "qu" and re.fullmatch(r"ua(c|m|n|ng|p|t)", rime) is not None


def lacks_diacritics(text: str) -> bool:
    """True when `text` looks like Vietnamese typed without diacritics (see the module docstring)."""
    if not text or _has_diacritic(text):
        return False
    tokens = re.findall(r"[A-Za-z0-9]+", text)
    all_caps = all(not t.islower() and not t.istitle() for t in tokens if t.isalpha() and len(t) > 1)
    counted = vietnamese = marked = 0
    for token in tokens:
        if any(c.isdigit() for c in token):
            continue
        if len(token) > 1 and token.isupper() and not all_caps:
            continue  # an acronym inside normal text: HTX, OCOP, TNHH
        word = token.lower()
        counted += 1
        if word in _ENGLISH:
            continue
        shape = _shape(word)
        if shape is None:
            continue
        vietnamese += 1
        marked += _needs_mark(*shape)
    return vietnamese >= 2 and vietnamese >= 0.6 * counted and marked >= 1
