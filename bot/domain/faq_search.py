"""Ranked FAQ retrieval for questions typed on a phone: pure Python, no I/O, built once per loaded FAQ.

How a question is matched (each step is there because producers type that way):
- the questions producers typed before (content/faq_examples.yaml) count as a field of their entry;
- folded (no diacritics, lowercase, no punctuation): "hồ sơ" and "ho so" are the same words;
- abbreviations expanded with the FAQ's synonyms ("hs" → "ho so", "attp" → "an toan thuc pham");
- a word the FAQ never uses is corrected to the closest word it does use (edit distance 1, or 2 for
  long words, found through a deletion index so no word list is scanned), counted with less weight;
- BM25F weighting over the question, the keywords and (weakly) the answer, with word pairs as terms
  too, since Vietnamese meaning sits in two-syllable words ("ho so" is not "ho" + "so");
- English questions are matched against the English catalog texts in a second index; an entry's
  score is the better of the two;
- the best few are re-ranked by how much of the question's words the entry's own question and keywords
  hold, whatever their order (rapidfuzz's token-set ratio): it tells "phiếu đăng ký" from an answer that
  merely mentions it, and it held up with typos (figures in bench/faq.py's history).
`confidence` (0–1) is how much of the question's weight an entry explains: a word counts fully where the
entry's question or keywords hold it, less where only its (long) answer does, and a word that is half of a
two-syllable word the FAQ knows ("hội chợ", "nông sản") counts fully only where the entry has the pair
("hỏi" is not "hội chợ"). `FaqIndex.answer` turns the ranking into what the bot does: `Confident(entry)`,
`Ambiguous(a, b)` when two entries are about as good (the bot asks "Ý bạn là …?"), or `NoAnswer` below the
thresholds (the bot offers an officer rather than answer the wrong question).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.content.faq import Faq
from bot.content.text import fold

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.5  # a corrected word is a guess: it counts, but less than a word typed right (0.7 until
# 2026-12-02; 0.5 chosen with RANK_CONFIDENCE by cross-validation on the three labelled sets, see RANK_CONFIDENCE)
PAIR_WEIGHT = 1.0
UNKNOWN_LIKE = 6  # an unknown word weighs as much as a word found in this many entries
PREFIX_LENGTH = 6  # English words sharing their first six letters are taken for one word ("certif…")
TYPO_MIN_LENGTH = 3  # shorter unknown words are not corrected ("nhug", "dag", "hoò" are: 1 edit, 3+ letters)
MIN_CONFIDENCE = 0.65
MIN_SCORE = 10.0
"""An entry answers only when it explains about two thirds of the question's weight AND scores at least
MIN_SCORE (one shared common word is not a match). Tuned on the labelled questions and their off-topic
rows (tests/data/faq_questions.yaml, never the held-out set); see bench/faq.py."""
ANSWER_COVER = 0.5  # a word found only in an entry's answer explains this much of itself
HALF_PAIR_COVER = 0.35  # one syllable of a known two-syllable word, where the entry lacks the pair
COLLOCATION = 0.7
"""A pair of content words is a two-syllable word ("bao bì", "hội chợ") when it is found in at least this
share of the entries holding its rarer syllable; "nhiều mẫu" or "có nhắc" are just neighbours."""
CLOSE = 0.8
EN_SCALE = 1.4
"""The English index has no keywords field, so its scores run lower for an equally good match."""
EXAMPLES_WEIGHT = 0.5
"""Questions producers typed (content/faq_examples.yaml, the labelled sets' FAQ rows) are a field of their entry,
weighing less than its own question and keywords. Chosen by cross-validation on the labelled sets (bench/faq.py,
each part without its own examples): 0 → top-1 91.0 %, wrong 2.6 %; 0.5 → 92.3 %, 2.7 %; 1 → 92.1 %, 3.1 %;
2 → 92.3 %, 3.5 %; 3 → 91.8 %, 3.8 %. Scoring each example on its own (nearest question) or re-ranking by the
closest example's similarity did no better and was dropped."""
RERANK = 8  # how many of the best entries the similarity re-ranking looks at
SIMILARITY_BOOST = 0.3
"""A match's score grows by up to this share with its question's and keywords' similarity to the text."""
RANK_CONFIDENCE = 0.3
"""Entries are ranked by score × confidence ** RANK_CONFIDENCE: a long answer sharing many common words
scores high, but should not outrank an entry that explains the whole question. 5-fold cross-validation on the
three labelled sets (1,141 FAQ questions, 2026-12-02), top-1 / wrong confident: 0.5 with TYPO_WEIGHT 0.7 (before)
93.8 % / 2.4 %; 0.3 → 94.3 % / 2.3 %; 0.2 → 94.3 % / 2.3 %; 0.8 → 92.9 % / 2.7 %; 0.3 with TYPO_WEIGHT 0.5 →
94.4 % / 2.2 % (chosen); SIMILARITY_BOOST, EN_SCALE and the field weights moved top-1 by 0.2 points at most."""
"""When the second entry scores at least CLOSE × the first and is good enough too, the two are too close
to tell: the bot asks which one was meant."""

VI_FIELDS = {"question": 3.0, "keywords": 2.5, "examples": EXAMPLES_WEIGHT, "answer": 0.5}
EN_FIELDS = {"question": 3.0, "examples": EXAMPLES_WEIGHT, "answer": 0.5}

# English words that carry no meaning for matching (Vietnamese function words are left to IDF: many
# of them are also content syllables, "co" is both "có" and "cỏ").
# Vietnamese words that make a sentence a question or polite but say nothing of its topic: they still
# score, but they do not count towards how much of the question an entry explains.
_VI_FUNCTION = frozenset(
    "la gi khong nao sao the vay a ak ah nhe nha oi di roi thi ma co duoc toi em minh ban cho cua va voi nhu "
    "bao nhieu lam hay hong hok ko k phai can muon nay kia do nhung cac mot cai ha hả nhi ne hen ad admin giup "
    "xin theo bay gio gom may trong con o dau de vao tu den len ve khi van da dang se chua nua ai tren ra "
    "thang ngay nam".split()
)
_EN_FUNCTION = frozenset(
    "what how which who where when why need needs can could must should will would much many get have has there "
    "any please".split()
)
_EN_STOP = frozenset(
    "a an the is are am be do does did i my me we our you your to of for in on it this that and or from about at by "
    "if with into also just only very really some then than".split()
)


# Words that mark a question as English. The short English words that are also Vietnamese syllables
# ("the" thế, "can" cần, "an" an toàn, "my" Mỹ, "do", "to", "in", "on", "it") are left out: they prove nothing.
_EN_MARKERS = frozenset(
    "what how which who where when why does did is are am be need needs must should will would much many get "
    "have has there any please you your our this that and or for of with from about i me we".split()
)


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float
    confidence: float


@dataclass(frozen=True)
class Confident:
    """Answer with this entry; `also` are other good entries, worth offering as related questions."""

    entry_id: str
    confidence: float
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ambiguous:
    """Two entries are about as good: ask the producer which one was meant (best first)."""

    entry_ids: tuple[str, str]
    confidence: float


@dataclass(frozen=True)
class NoAnswer:
    """No entry is good enough: say so and offer an officer. `best` is the closest entry, if any."""

    best: str | None = None


Answer = Confident | Ambiguous | NoAnswer


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
    prefixes: dict[str, set[str]] = field(default_factory=dict)  # English only: first letters → words
    by_prefix: bool = False
    # Precomputed per term, for every entry holding it: its BM25F part (before the query's weight), and how
    # fully the entry holds it (1 in the question or keywords, ANSWER_COVER in the answer only).
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    covers: dict[str, dict[int, float]] = field(default_factory=dict)

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
        for i, (bags, lengths) in enumerate(zip(self.docs, self.lengths, strict=True)):
            tfs: dict[str, float] = {}
            held: dict[str, float] = {}
            for name, weight in self.weights.items():
                norm = weight / (1 - B + B * lengths[name] / self.average[name])
                cover = ANSWER_COVER if name == "answer" else 1.0
                for term, count in bags[name].items():
                    tfs[term] = tfs.get(term, 0.0) + count * norm
                    held[term] = max(held.get(term, 0.0), cover)
            for term, tf in tfs.items():
                self.postings.setdefault(term, []).append((i, self.idf[term] * tf * (K1 + 1) / (tf + K1)))
                self.covers.setdefault(term, {})[i] = held[term]
        for word in (t for t in df if " " not in t and len(t) >= TYPO_MIN_LENGTH and not t.isdigit()):
            for deleted in _deletions(word, 2 if len(word) >= 7 else 1):
                self.deletions.setdefault(deleted, set()).add(word)
            if self.by_prefix and len(word) >= PREFIX_LENGTH:
                self.prefixes.setdefault(word[:PREFIX_LENGTH], set()).add(word)

    @property
    def unknown_idf(self) -> float:
        """The weight of a word the FAQ never uses: that of a word found in a few entries. The largest
        IDF would let one unusual spelling ("vô" for "vào") sink a question that is otherwise clear."""
        return math.log(1 + (len(self.docs) - UNKNOWN_LIKE + 0.5) / (UNKNOWN_LIKE + 0.5))

    def correct(self, word: str) -> str | None:
        """The FAQ word closest to a word it never uses (None when nothing is close enough); in the English
        index, failing that, the commonest word sharing its first letters ("certify" → "certificate")."""
        if len(word) < TYPO_MIN_LENGTH or word.isdigit():  # short syllables are too often real, different words
            return None
        found = self._closest(word)
        if found is None and self.prefixes and len(word) >= PREFIX_LENGTH:
            candidates = self.prefixes.get(word[:PREFIX_LENGTH], ())
            found = max(candidates, key=lambda w: (self.frequency[w], w), default=None)
        return found

    def _closest(self, word: str) -> str | None:
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

    def compound(self, first: str, second: str, pair: str, function_words: frozenset[str]) -> bool:
        """Whether a pair of query words is one two-syllable word of the FAQ's (see COLLOCATION)."""
        if first in function_words or second in function_words or first.isdigit() or second.isdigit():
            return False
        return self.frequency[pair] >= COLLOCATION * min(self.frequency[first], self.frequency[second])

    def query_terms(self, words: list[str], function_words: frozenset[str] = frozenset()) -> _Query:
        """Weighted query terms, and the question's total weight. Unknown words count fully (they are
        what the FAQ does not cover); function words score but are not counted; a number counts only as
        part of a pair the FAQ knows ("5 sao", "đợt 1", "mẫu 03": there "sao" counts too), else it is a
        value ("45 điểm", "2027"), not what the question is about."""
        query = _Query()
        known: list[tuple[str, float]] = []
        for word in words:
            if word in self.idf:
                known.append((word, 1.0))
            elif word not in function_words and (term := self.correct(word)) is not None:
                known.append((term, TYPO_WEIGHT))
            else:
                known.append(("", 0.0))
                if word not in function_words and not word.isdigit():
                    query.total += self.unknown_idf
        pairs: list[str | None] = []  # between word i and i + 1: the pair, when it is a two-syllable word
        numbered = [False] * len(known)  # words in a pair with a number
        for i, ((first, w1), (second, w2)) in enumerate(zip(known, known[1:], strict=False)):
            pair = f"{first} {second}"
            if not (first and second and pair in self.idf):
                pairs.append(None)
                continue
            query.add(pair, PAIR_WEIGHT * min(w1, w2))
            with_number = first.isdigit() != second.isdigit()
            if with_number:
                numbered[i] = numbered[i + 1] = True
            pairs.append(pair if with_number or self.compound(first, second, pair, function_words) else None)
        for i, (term, weight) in enumerate(known):
            if not term:
                continue
            query.add(term, weight)
            counted = numbered[i] if (term.isdigit() or term in function_words) else True
            if counted:
                around = tuple(p for p in (pairs[i - 1] if i else None, pairs[i] if i < len(pairs) else None) if p)
                query.units.append((term, self.idf[term] * weight, around))
                query.total += self.idf[term] * weight
        return query

    def score(self, query: _Query) -> list[tuple[float, float]]:
        """(score, confidence) per entry."""
        scores = [0.0] * len(self.docs)
        explained = [0.0] * len(self.docs)
        for term, weight in query.terms.items():
            for i, part in self.postings.get(term, ()):
                scores[i] += weight * part
        for term, weight, pairs in query.units:
            alone = self.covers.get(term, {})
            if not pairs:
                for i, value in alone.items():
                    explained[i] += weight * value
                continue
            held = {i: value * HALF_PAIR_COVER for i, value in alone.items()}
            for pair in pairs:
                for i, value in self.covers.get(pair, {}).items():
                    if value > held.get(i, 0.0):
                        held[i] = value
            for i, value in held.items():
                explained[i] += weight * value
        total = query.total
        return [(score, part / total if total else 0.0) for score, part in zip(scores, explained, strict=True)]


@dataclass
class _Query:
    terms: dict[str, float] = field(default_factory=dict)
    units: list[tuple[str, float, tuple[str, ...]]] = field(default_factory=list)  # counted words: weight, pairs
    total: float = 0.0

    def add(self, term: str, weight: float) -> None:
        self.terms[term] = max(self.terms.get(term, 0.0), weight)


class FaqIndex:
    """Built once from the loaded FAQ and the English text of each question and answer."""

    def __init__(self, faq: Faq, english: Callable[[str], str]) -> None:
        self.faq = faq
        self.ids = [entry.id for entry in faq.entries]
        self.vietnamese = _Index(VI_FIELDS)
        self.english = _Index(EN_FIELDS, by_prefix=True)
        for entry in faq.entries:
            examples = faq.examples.get(entry.id, [])
            self.vietnamese.add({
                "question": [self._vi_words(entry.question)],
                "keywords": [self._vi_words(k) for k in entry.keywords],
                "examples": [self._vi_words(e) for e in examples if not _is_english(e)],
                "answer": [self._vi_words(entry.answer)],
            })
            self.english.add({
                "question": [_en_words(english(entry.question))],
                "examples": [_en_words(e) for e in examples if _is_english(e)],
                "answer": [_en_words(english(entry.answer))],
            })
        self.vietnamese.finish()
        self.english.finish()
        self.titles = [" ".join([" ".join(self._vi_words(e.question)), *(" ".join(self._vi_words(k)) for k in e.keywords)])
                       for e in faq.entries]
        self.english_titles = [" ".join(_en_words(english(e.question))) for e in faq.entries]
        # The terms of each entry's own question and keywords (both languages), to tell two close entries apart.
        self.title_terms = [{*vi["question"], *vi["keywords"], *en["question"]}
                            for vi, en in zip(self.vietnamese.docs, self.english.docs, strict=True)]
        self._position = {entry_id: i for i, entry_id in enumerate(self.ids)}

    def _vi_words(self, text: str) -> list[str]:
        return self.faq.expand(fold(text)).split()

    def search(self, text: str, limit: int = 3) -> list[Match]:
        """The best entries for a typed question, best first (an empty question finds nothing)."""
        return self._search(text, limit)[0]

    def _search(self, text: str, limit: int) -> tuple[list[Match], set[str]]:
        """The best entries, and the terms the question was searched with (words, pairs, in both languages)."""
        words = self._vi_words(text)
        # An English question's small words ("the", "can", "my") are Vietnamese syllables too ("thế", "cần",
        # "Mỹ"): in the Vietnamese index they would only add noise, so they are left out there.
        if _is_english(text):
            words = [w for w in words if w not in _EN_STOP and w not in _EN_FUNCTION]
        # English function words are not counted in the Vietnamese index either: keywords hold a few
        # English words ("documents"), and "what", "do", "for" say nothing of the topic in any language.
        vi_query = self.vietnamese.query_terms(words, _VI_FUNCTION | _EN_FUNCTION | _EN_STOP)
        en_query = self.english.query_terms(_en_words(text), _EN_FUNCTION)
        if not vi_query.terms and not en_query.terms:
            return [], set()
        vi = self.vietnamese.score(vi_query)
        en = self.english.score(en_query)
        # Rank by the better language; the question is explained by whichever index explains more of it
        # (keywords may hold English words too, scoring in the Vietnamese index).
        ranked = heapq.nsmallest(
            RERANK,
            ((max(a[0], b[0] * EN_SCALE), max(a[1], b[1]), i) for i, (a, b) in enumerate(zip(vi, en, strict=True))
             if a[0] > 0 or b[0] > 0),
            key=lambda m: (-m[0] * m[1] ** RANK_CONFIDENCE, self.ids[m[2]]))
        typed, english = " ".join(words), " ".join(_en_words(text))
        matches = []
        for score, confidence, i in ranked:
            similar = max(fuzz.token_set_ratio(typed, self.titles[i]), fuzz.token_set_ratio(english, self.english_titles[i]))
            matches.append(Match(self.ids[i], score * (1 + SIMILARITY_BOOST * similar / 100), confidence))
        matches.sort(key=lambda m: (-_rank(m), m.entry_id))
        return matches[:limit], {*vi_query.terms, *en_query.terms}

    def best(self, text: str) -> Match | None:
        """The best entry if it is good enough to answer with, else None."""
        found = self.search(text, limit=1)
        return found[0] if found and is_good_enough(found[0]) else None

    def answer(self, text: str) -> Answer:
        """What to do with a typed question: answer it, ask which of two entries was meant, or say the
        FAQ has no answer."""
        return self._decide(*self._search(text, limit=3))

    def _decide(self, found: list[Match], terms: set[str]) -> Answer:
        if not found or not is_good_enough(found[0]):
            return NoAnswer(found[0].entry_id if found else None)
        top, second = found[0], found[1] if len(found) > 1 else None
        also = tuple(m.entry_id for m in found[1:] if is_good_enough(m))
        # A runner-up this close makes the first a guess, even when the runner-up alone would not be answered.
        if second is not None and _rank(second) >= CLOSE * _rank(top):
            # A word or pair of the question that one entry's own question or keywords hold and the other's
            # do not ("đợt 1" against "đợt 2") still tells them apart.
            mine, theirs = (terms & self.title_terms[self._position[m.entry_id]] for m in (top, second))
            if mine - theirs and not theirs - mine:
                return Confident(top.entry_id, top.confidence, also)
            if theirs - mine and not mine - theirs and is_good_enough(second):
                return Confident(second.entry_id, second.confidence, (top.entry_id,))
            return Ambiguous((top.entry_id, second.entry_id), top.confidence)
        return Confident(top.entry_id, top.confidence, also)


def looks_english(text: str) -> bool:
    """Two or more words that only English uses: the text is English (most Vietnamese typed without
    diacritics shares no such word)."""
    return sum(w in _EN_MARKERS for w in fold(text).split()) >= 2


_is_english = looks_english


def _rank(match: Match) -> float:
    return match.score * match.confidence**RANK_CONFIDENCE


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
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps (rapidfuzz's,
    in C: the same answers as the pure-Python version it replaced, about ten times faster)."""
    return OSA.distance(a, b)
