"""Ranked FAQ retrieval for questions typed on a phone: pure Python, no I/O, built once per loaded FAQ.

How a question is matched (each step is there because producers type that way):
- folded (no diacritics, lowercase, no punctuation): "hồ sơ" and "ho so" are the same words;
- abbreviations expanded with the FAQ's synonyms ("hs" → "ho so", "attp" → "an toan thuc pham");
- a word the FAQ never uses is corrected to the closest word it does use (edit distance 1, or 2 for
  long words, found through a deletion index so no word list is scanned), counted with less weight;
- BM25F weighting over the question, the keywords and (weakly) the answer, with word pairs as terms
  too, since Vietnamese meaning sits in two-syllable words ("ho so" is not "ho" + "so");
- English questions are matched against the English catalog texts in a second index; an entry's
  score is the better of the two.
`confidence` (0–1) is how much of the question's weight the best entry explains; below the threshold
the bot says it does not know rather than answer the wrong question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.content.faq import Faq
from bot.content.text import fold

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.7  # a corrected word is a guess: it counts, but less than a word typed right
PAIR_WEIGHT = 1.0
UNKNOWN_LIKE = 6  # an unknown word weighs as much as a word found in this many entries
MIN_CONFIDENCE = 0.5
MIN_SCORE = 9.0
"""An entry answers only when it explains at least half of the question's weight AND scores at least
MIN_SCORE (one shared common word is not a match). Calibrated once on the labelled questions (about 95%
stay above) and on off-topic chatter (weather, football, health: below); see bench/faq.py."""

VI_FIELDS = {"question": 3.0, "keywords": 2.5, "answer": 0.5}
EN_FIELDS = {"question": 3.0, "answer": 0.5}

# English words that carry no meaning for matching (Vietnamese function words are left to IDF: many
# of them are also content syllables, "co" is both "có" and "cỏ").
# Vietnamese words that make a sentence a question or polite but say nothing of its topic: they still
# score, but they do not count towards how much of the question an entry explains.
_VI_FUNCTION = frozenset(
    "la gi khong nao sao the vay a ak nhe nha oi di roi thi ma co duoc toi em minh ban cho cua va voi nhu "
    "bao nhieu lam hay hong hok ko k phai can muon nay kia do".split()
)
_EN_FUNCTION = frozenset(
    "what how which who where when why need needs can could must should will would much many get have has there "
    "any please".split()
)
_EN_STOP = frozenset("a an the is are am be do does did i my me we our you your to of for in on it this that and or".split())


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float
    confidence: float


@dataclass
class _Index:
    """One language's BM25F index: per entry, per field, a bag of terms (words and word pairs)."""

    weights: dict[str, float]
    docs: list[dict[str, Counter[str]]] = field(default_factory=list)
    lengths: list[dict[str, int]] = field(default_factory=list)
    average: dict[str, float] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    frequency: Counter[str] = field(default_factory=Counter)
    deletions: dict[str, set[str]] = field(default_factory=dict)

    def add(self, fields: dict[str, list[list[str]]]) -> None:
        bags = {name: Counter(t for phrase in phrases for t in _terms(phrase)) for name, phrases in fields.items()}
        self.docs.append(bags)
        self.lengths.append({name: sum(len(p) for p in phrases) for name, phrases in fields.items()})

    def finish(self) -> None:
        count = len(self.docs)
        for name in self.weights:
            self.average[name] = max(1.0, sum(lengths[name] for lengths in self.lengths) / max(1, count))
        df: Counter[str] = Counter()
        for bags in self.docs:
            df.update({term for bag in bags.values() for term in bag})
        self.idf = {term: math.log(1 + (count - n + 0.5) / (n + 0.5)) for term, n in df.items()}
        self.frequency = df
        for word in (t for t in df if " " not in t and len(t) >= 4 and not t.isdigit()):
            for deleted in _deletions(word, 2 if len(word) >= 7 else 1):
                self.deletions.setdefault(deleted, set()).add(word)

    @property
    def unknown_idf(self) -> float:
        """The weight of a word the FAQ never uses: that of a word found in a few entries. The largest
        IDF would let one unusual spelling ("vô" for "vào") sink a question that is otherwise clear."""
        return math.log(1 + (len(self.docs) - UNKNOWN_LIKE + 0.5) / (UNKNOWN_LIKE + 0.5))

    def correct(self, word: str) -> str | None:
        """The FAQ word closest to a word it never uses (None when nothing is close enough)."""
        if len(word) < 4 or word.isdigit():  # short syllables are too often real, different words
            return None
        limit = 2 if len(word) >= 7 else 1
        candidates: set[str] = set()
        for deleted in _deletions(word, limit):
            candidates |= self.deletions.get(deleted, set())
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = _edit_distance(word, candidate)
            if distance <= limit and (best is None or (distance, -self.frequency[candidate]) < best[:2]):
                best = (distance, -self.frequency[candidate], candidate)
        return best[2] if best else None

    def query_terms(self, words: list[str], function_words: frozenset[str] = frozenset()) -> _Query:
        """Weighted query terms, and the question's total weight. Unknown words count fully (they are
        what the FAQ does not cover); function words score but are not counted."""
        query = _Query()
        known: list[tuple[str, float]] = []
        for word in words:
            counted = word not in function_words
            term, weight = (word, 1.0) if word in self.idf else (self.correct(word) if counted else None, TYPO_WEIGHT)
            if term is None:
                known.append(("", 0.0))
                query.total += self.unknown_idf if counted and not word.isdigit() else 0.0
                continue
            known.append((term, weight))
            query.add(term, weight)
            if counted:
                query.counted.add(term)
                query.total += self.idf[term]
        for (first, w1), (second, w2) in zip(known, known[1:], strict=False):
            pair = f"{first} {second}"
            if first and second and pair in self.idf:
                query.add(pair, PAIR_WEIGHT * min(w1, w2))
        return query

    def score(self, query: _Query) -> list[tuple[float, float]]:
        """(score, confidence) per entry."""
        results = []
        for bags, lengths in zip(self.docs, self.lengths, strict=True):
            score = 0.0
            explained = 0.0
            for term, weight in query.terms.items():
                tf = 0.0
                for name, field_weight in self.weights.items():
                    count = bags[name].get(term, 0)
                    if count:
                        tf += field_weight * count / (1 - B + B * lengths[name] / self.average[name])
                if tf:
                    score += weight * self.idf[term] * tf * (K1 + 1) / (tf + K1)
                    if term in query.counted:
                        explained += weight * self.idf[term]
            results.append((score, explained / query.total if query.total else 0.0))
        return results


@dataclass
class _Query:
    terms: dict[str, float] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)  # the words whose weight makes up `total`
    total: float = 0.0

    def add(self, term: str, weight: float) -> None:
        self.terms[term] = max(self.terms.get(term, 0.0), weight)


class FaqIndex:
    """Built once from the loaded FAQ and the English text of each question and answer."""

    def __init__(self, faq: Faq, english: Callable[[str], str]) -> None:
        self.faq = faq
        self.ids = [entry.id for entry in faq.entries]
        self.vietnamese = _Index(VI_FIELDS)
        self.english = _Index(EN_FIELDS)
        for entry in faq.entries:
            self.vietnamese.add({
                "question": [self._vi_words(entry.question)],
                "keywords": [self._vi_words(k) for k in entry.keywords],
                "answer": [self._vi_words(entry.answer)],
            })
            self.english.add({
                "question": [_en_words(english(entry.question))],
                "answer": [_en_words(english(entry.answer))],
            })
        self.vietnamese.finish()
        self.english.finish()

    def _vi_words(self, text: str) -> list[str]:
        return self.faq.expand(fold(text)).split()

    def search(self, text: str, limit: int = 3) -> list[Match]:
        """The best entries for a typed question, best first (an empty question finds nothing)."""
        # English function words are not counted in the Vietnamese index either: keywords hold a few
        # English words ("documents"), and "what", "do", "for" say nothing of the topic in any language.
        vi_query = self.vietnamese.query_terms(self._vi_words(text), _VI_FUNCTION | _EN_FUNCTION | _EN_STOP)
        en_query = self.english.query_terms(_en_words(text), _EN_FUNCTION)
        if not vi_query.terms and not en_query.terms:
            return []
        vi = self.vietnamese.score(vi_query)
        en = self.english.score(en_query)
        # Rank by the better language; the question is explained by whichever index explains more of it
        # (keywords may hold English words too, scoring in the Vietnamese index).
        matches = [Match(entry_id, max(a[0], b[0]), max(a[1], b[1])) for entry_id, a, b in zip(self.ids, vi, en, strict=True)]
        matches = [m for m in matches if m.score > 0]
        matches.sort(key=lambda m: (-m.score, m.entry_id))
        return matches[:limit]

    def best(self, text: str) -> Match | None:
        """The best entry if it is good enough to answer with, else None."""
        found = self.search(text, limit=1)
        return found[0] if found and is_good_enough(found[0]) else None


def is_good_enough(match: Match) -> bool:
    return match.confidence >= MIN_CONFIDENCE and match.score >= MIN_SCORE


def _terms(words: list[str]) -> Iterable[str]:
    yield from words
    yield from (f"{a} {b}" for a, b in zip(words, words[1:], strict=False))


def _en_words(text: str) -> list[str]:
    return [_stem(w) for w in fold(text).split() if w not in _EN_STOP]


def _stem(word: str) -> str:
    """Plural and -ing/-ed endings off, enough to match "documents" with "document"."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
