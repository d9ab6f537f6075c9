"""What a producer gets for free text, on the labelled set and on the held-out set, reported separately.

Each row of tests/data/faq_questions*.yaml is a text and what the bot should do with it: an FAQ entry id,
"intent:<id>[:<arg>]" (a request bot/domain/intents.py routes, e.g. to an officer), "none" (the FAQ has no
answer: the bot must say so and offer an officer), or a list of two ids (the text could mean either: the
bot should ask which; answering with one of them is not counted right, nor wrong). A text goes the way the handler sends it: the request
classifier first, then the FAQ, which answers confidently, asks "Ý bạn là …?" between two close entries,
or has no answer. Reported per set:

- top-1: FAQ questions whose best-ranked entry is the right one (and that no request rule took);
- answered right: every row the bot handles as labelled (the right entry confidently, the right
  request, or no answer for "none");
- wrong confident: rows answered confidently with a wrong entry, an FAQ answer given to a request or
  to a "none" question, or a request rule firing where it should not (worse than "ask an officer");
- asked: rows where the bot asks "Ý bạn là …?", and how many of those offer the right entry;
- intents: requests routed right, and request rules firing on questions;
- latency of classifying and answering one text, median and p95 (ms).

The keywords were tuned on the labelled sets (faq_questions.yaml, _2 and _3) and their FAQ rows are
the index's examples (content/faq_examples.yaml), so that figure flatters; the labelled figure by cross-validation
(each part measured on an index without that part's examples) is the one to tune on, and the held-out set
(faq_questions_heldout.yaml, written by someone who saw neither the keywords nor the other sets) is the honest
one, never tuned on. Runs on older code too (before bot/domain/intents.py and FaqIndex.answer existed): then the
handler's old chatter rules stand in for the classifier and the old threshold for the answer.

    python -m bench.faq [--repeat 5] [--misses] [--set labelled]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content import load_content
from bot.content.text import fold as fold_text
from bot.core.i18n import I18n
from bot.domain.faq_search import FaqIndex

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# The labelled sets were tuned on (keywords, thresholds) and are the FAQ's examples; the held-out set never.
LABELLED = [DATA / "faq_questions.yaml", DATA / "faq_questions_2.yaml", DATA / "faq_questions_3.yaml"]
SETS = {"labelled": LABELLED, "held-out": [DATA / "faq_questions_heldout.yaml"]}


@dataclass(frozen=True)
class Outcome:
    """What the bot does with a text: kind is "intent", "confident", "ambiguous" or "none"."""

    kind: str
    ids: tuple[str, ...] = ()  # the intent (and its argument), the entry, or the two entries offered


def router(index: FaqIndex) -> Callable[[str], Outcome]:
    """The handler's decision for a text, with whatever API this version of the code has."""
    classify = _classifier()
    answer = getattr(index, "answer", None) or _legacy_answer(index)

    def route(text: str) -> Outcome:
        intent = classify(text)
        if intent is not None:
            return Outcome("intent", intent)
        return answer(text)

    return route


def _classifier() -> Callable[[str], tuple[str, ...] | None]:
    try:
        from bot.domain.intents import classify
    except ImportError:  # before bot/domain/intents.py: the FAQ handler's chatter rules were all there was
        from handlers.producer.faq import chatter_reply

        legacy = {"faq.chatter_hello": "greeting", "faq.chatter_thanks": "thanks", "faq.chatter_ok": "ack"}

        def old(text: str) -> tuple[str, ...] | None:
            reply = chatter_reply(text)
            return (legacy[reply],) if reply else None

        return old

    def new(text: str) -> tuple[str, ...] | None:
        intent = classify(text, "vi")
        if intent is None:
            return None
        return (intent.id, intent.arg) if intent.arg else (intent.id,)

    return new


def _legacy_answer(index: FaqIndex) -> Callable[[str], Outcome]:
    from bot.domain.faq_search import is_good_enough

    def answer(text: str) -> Outcome:
        found = index.search(text, limit=1)
        return Outcome("confident", (found[0].entry_id,)) if found and is_good_enough(found[0]) else Outcome("none")

    return answer


def _adapt(result: object) -> Outcome:
    """FaqIndex.answer's Confident / Ambiguous / NoAnswer as an Outcome."""
    if isinstance(result, Outcome):
        return result
    name = type(result).__name__
    if name == "Confident":
        return Outcome("confident", (result.entry_id,))  # type: ignore[attr-defined]
    if name == "Ambiguous":
        return Outcome("ambiguous", tuple(result.entry_ids))  # type: ignore[attr-defined]
    return Outcome("none")


@dataclass
class Figures:
    rows: int = 0
    faq_rows: int = 0
    intent_rows: int = 0
    none_rows: int = 0
    top1: int = 0
    right: int = 0
    wrong_confident: int = 0
    asked: int = 0
    asked_with_right: int = 0
    intents_right: int = 0
    false_intents: int = 0
    timings: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def judge(expect: str | list[str], outcome: Outcome, top: str | None) -> tuple[bool, bool, bool]:
    """(top-1 right, handled right, wrong and confident) for one labelled row."""
    if isinstance(expect, list):
        right = outcome.kind == "ambiguous" and set(outcome.ids) == set(expect)
        top1 = outcome.kind != "intent" and top in expect
        return top1, right, outcome.kind == "intent" or (outcome.kind == "confident" and outcome.ids[0] not in expect)
    if expect.startswith("intent:"):
        want = tuple(expect.split(":")[1:])
        got = outcome.ids[: len(want)] if outcome.kind == "intent" else ()
        right = got == want
        return False, right, not right and outcome.kind in ("intent", "confident")
    if expect == "none":
        return False, outcome.kind == "none", outcome.kind in ("intent", "confident")
    top1 = outcome.kind != "intent" and top == expect
    right = outcome.kind == "confident" and outcome.ids == (expect,)
    return top1, right, not right and outcome.kind in ("intent", "confident")


def measure(index: FaqIndex, rows: list[dict[str, str]], repeat: int) -> Figures:
    route = router(index)
    figures = Figures(rows=len(rows))
    for row in rows:
        text, expect = row["text"], row["expect"] if isinstance(row["expect"], list) else str(row["expect"])
        for _ in range(repeat):
            started = time.perf_counter()
            outcome = _adapt(route(text))
            figures.timings.append((time.perf_counter() - started) * 1000)
        found = index.search(text, limit=1)
        top1, right, wrong = judge(expect, outcome, found[0].entry_id if found else None)
        is_intent = isinstance(expect, str) and expect.startswith("intent:")
        is_none = expect == "none"
        figures.intent_rows += is_intent
        figures.none_rows += is_none
        figures.faq_rows += not (is_intent or is_none)
        figures.top1 += top1
        figures.right += right
        figures.wrong_confident += wrong
        if outcome.kind == "ambiguous":
            figures.asked += 1
            figures.asked_with_right += bool(set(expect if isinstance(expect, list) else [expect]) & set(outcome.ids))
        if is_intent:
            figures.intents_right += right
        elif outcome.kind == "intent":
            figures.false_intents += 1
        if not right:
            figures.misses.append(f"{'WRONG ' if wrong else ''}{text!r}: expected {expect}, got {outcome.kind} {outcome.ids}")
    figures.timings.sort()
    return figures


def load_rows(paths: list[Path]) -> list[dict[str, str]]:
    return [row for path in paths for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


def cross_validated(faq: object, english: Callable[[str], str], rows: list[dict[str, str]], folds: int) -> Figures:
    """The labelled rows are also the FAQ's examples (content/faq_examples.yaml), so measured as they are they
    only show the index finds its own examples. Here each part of the rows is measured on an index built
    without that part's examples: a fair figure to tune on without touching the held-out set."""
    total = Figures()
    for k in range(folds):
        part = rows[k::folds]
        left_out = {fold_text(row["text"]) for row in part}
        examples = {entry: kept for entry, texts in faq.examples.items()  # type: ignore[attr-defined]
                    if (kept := [t for t in texts if fold_text(t) not in left_out])}
        figures = measure(FaqIndex(faq.model_copy(update={"examples": examples}), english), part, 1)  # type: ignore[attr-defined]
        for name in ("rows", "faq_rows", "intent_rows", "none_rows", "top1", "right", "wrong_confident", "asked",
                     "asked_with_right", "intents_right", "false_intents"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        total.timings.extend(figures.timings)
        total.misses.extend(figures.misses)
    total.timings.sort()
    return total


def report(name: str, f: Figures) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{part / whole:.1%}" if whole else "-"

    median = statistics.median(f.timings)
    p95 = f.timings[int(0.95 * (len(f.timings) - 1))]
    return (
        f"{name}: {f.rows} rows ({f.faq_rows} FAQ questions, {f.intent_rows} requests, {f.none_rows} without answer)\n"
        f"  top-1 {pct(f.top1, f.faq_rows)} of FAQ questions; answered right {pct(f.right, f.rows)}; "
        f"wrong confident {f.wrong_confident} = {pct(f.wrong_confident, f.rows)}\n"
        f"  asked \"Ý bạn là …?\" {f.asked} = {pct(f.asked, f.rows)} ({f.asked_with_right} offering the right entry); "
        f"intents {f.intents_right}/{f.intent_rows} = {pct(f.intents_right, f.intent_rows)}, "
        f"{f.false_intents} fired on a question\n"
        f"  latency median {median:.2f} ms, p95 {p95:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per text for the timings")
    parser.add_argument("--misses", action="store_true", help="list every row not handled as labelled")
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only this set (default: both)")
    parser.add_argument("--folds", type=int, default=5,
                        help="also measure the labelled set by cross-validation: its rows in this many parts, each "
                             "measured on an index whose examples leave that part out (0: skip)")
    args = parser.parse_args()
    content = load_content()
    english = I18n(Path(content.root) / "locale").translator("en").content
    started = time.perf_counter()
    index = FaqIndex(content.faq, english)
    print(f"index built in {(time.perf_counter() - started) * 1000:.1f} ms for {len(content.faq.entries)} entries; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates p95)")
    for name, paths in SETS.items():
        if args.set and name not in args.set:
            continue
        if missing := [p.name for p in paths if not p.exists()]:
            print(f"{name}: {', '.join(missing)} not present, skipped")
            continue
        rows = load_rows(paths)
        figures = measure(index, rows, args.repeat)
        print(report(name, figures))
        if args.misses:
            print("\n".join(f"    {m}" for m in figures.misses))
        if name == "labelled" and args.folds > 1 and content.faq.examples:
            folded = cross_validated(content.faq, english, rows, args.folds)
            print(report(f"labelled, {args.folds}-fold (examples of the part measured left out)", folded))
            if args.misses:
                print("\n".join(f"    {m}" for m in folded.misses))


if __name__ == "__main__":
    main()
