"""FAQ retrieval: latency per question (median and p95, ms) and top-1 accuracy on the labelled questions,
and on the held-out set when someone has added it (tests/data/faq_questions_heldout.yaml).

The FAQ keywords were tuned on tests/data/faq_questions.yaml by their author, so that figure flatters;
the held-out set is the honest one. "answered right" counts only answers above the confidence threshold
(what the producer actually sees); below it the bot offers an officer instead.

    python -m bench.faq [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from bot.content import load_content
from bot.core.i18n import I18n
from bot.domain.faq_search import FaqIndex, is_good_enough

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"labelled": DATA / "faq_questions.yaml", "held-out": DATA / "faq_questions_heldout.yaml"}


def measure(index: FaqIndex, rows: list[dict[str, str]], repeat: int) -> dict[str, float]:
    timings: list[float] = []
    top1 = answered = 0
    for row in rows:
        for _ in range(repeat):
            started = time.perf_counter()
            found = index.search(row["text"], limit=3)
            timings.append((time.perf_counter() - started) * 1000)
        if found and found[0].entry_id == row["expect"]:
            top1 += 1
            answered += is_good_enough(found[0])
    timings.sort()
    return {
        "questions": len(rows),
        "top1": top1 / len(rows),
        "answered_right": answered / len(rows),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(0.95 * (len(timings) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="searches per question for the timings")
    args = parser.parse_args()
    content = load_content()
    english = I18n(Path(content.root) / "locale").translator("en").content
    started = time.perf_counter()
    index = FaqIndex(content.faq, english)
    print(f"index built in {(time.perf_counter() - started) * 1000:.1f} ms for {len(content.faq.entries)} entries")
    for name, path in SETS.items():
        if not path.exists():
            print(f"{name:9s}: {path.name} not present, skipped")
            continue
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
        r = measure(index, rows, args.repeat)
        print(f"{name:9s}: {r['questions']:.0f} questions, top-1 {r['top1']:.1%}, answered right {r['answered_right']:.1%}, "
              f"latency median {r['median_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms")


if __name__ == "__main__":
    main()
