"""FAQ retrieval on its own (pure, no database): the labelled questions producers type (diacritics,
abbreviations, typos, English), off-topic chatter staying unanswered, close entries asked about, and the
figures issue 14 asks for on the held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.faq import measure
from bot.content import load_content
from bot.content.text import fold
from bot.core.i18n import I18n
from bot.domain.faq_search import Ambiguous, Confident, FaqIndex, NoAnswer, _edit_distance, is_good_enough
from handlers.producer.faq import chatter_reply

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    content = load_content()
    return FaqIndex(content.faq, I18n(Path(content.root) / "locale").translator("en").content)


def top_entry(index: FaqIndex, text: str) -> str | None:
    found = index.search(text, limit=1)
    return found[0].entry_id if found else None


def test_labelled_questions_reach_their_entry(index: FaqIndex) -> None:
    """The labelled set (its keywords were tuned on it: the held-out figure below is the honest one)."""
    rows = yaml.safe_load((DATA / "faq_questions.yaml").read_text(encoding="utf-8"))
    figures = measure(index, rows, repeat=1)
    print(f"\nlabelled: top-1 {figures.top1}/{figures.faq_rows}, right {figures.right}/{figures.rows}, "
          f"wrong confident {figures.wrong_confident}; misses: {figures.misses}")
    assert len(rows) == 592  # a shorter file is a bad merge or a truncated edit
    assert figures.top1 / figures.faq_rows >= 0.93
    assert figures.right / figures.rows >= 0.85  # the thresholds must not turn away most real questions
    assert figures.wrong_confident / figures.rows <= 0.02
    assert figures.intents_right == figures.intent_rows and figures.false_intents == 0


def test_held_out_figures_do_not_regress(index: FaqIndex) -> None:
    """The held-out set, never tuned on: a guard against regressions, not a target to fit. Issue 14 asks for
    top-1 >= 92% and at most 3% wrong confident answers; on this set (written 2026-12-02) the code before the
    examples reached 87.4% and 3.3%, with them 91.9% and 3.0%, with a third labelled set and the ranking
    chosen on it by cross-validation 92.6% and 1.8% (bench/faq.py), so the guard sits a little under what was
    reached rather than at the target."""
    rows = yaml.safe_load((DATA / "faq_questions_heldout.yaml").read_text(encoding="utf-8"))
    figures = measure(index, rows, repeat=1)
    assert len(rows) >= 300
    assert figures.top1 / figures.faq_rows >= 0.91
    assert figures.wrong_confident / figures.rows <= 0.03


def test_examples_are_searched_and_held_out_rows_are_not_examples(index: FaqIndex) -> None:
    """The labelled sets' FAQ rows are examples; a held-out row among them, even one differing only in
    diacritics, case or punctuation (the index folds those away), would make its figure a lie."""
    examples = {fold(text) for texts in index.faq.examples.values() for text in texts}
    assert len(examples) >= 1000
    held_out = yaml.safe_load((DATA / "faq_questions_heldout.yaml").read_text(encoding="utf-8"))
    assert not examples & {fold(row["text"]) for row in held_out}
    # An example typed in a way no keyword covers finds its entry through the examples field alone.
    bare = FaqIndex(index.faq.model_copy(update={"examples": {}}), lambda text: text)
    wording = "nha e co vuon trai cay cho khach vao tham quan, dang ky ocop dc ko"  # a labelled row, see faq_questions_2.yaml
    assert wording in index.faq.examples["du-lich-tham-gia"]
    assert top_entry(index, wording) == "du-lich-tham-gia"
    assert top_entry(bare, wording) != "du-lich-tham-gia"


def test_examples_naming_an_unknown_entry_are_refused_at_load(tmp_path: Path) -> None:
    import shutil

    from bot.content import DEFAULT_ROOT, ContentErrors

    root = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, root)
    (root / "faq_examples.yaml").write_text('examples:\n  khong-co-muc-nay:\n    - "hs can gi"\n', encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content(root)
    assert "faq_examples.yaml" in str(caught.value) and "khong-co-muc-nay" in str(caught.value)
    (root / "faq_examples.yaml").write_text('examples:\n  chi-phi:\n    - "  "\n', encoding="utf-8")
    with pytest.raises(ContentErrors, match="non-blank"):
        load_content(root)


def test_diacritics_abbreviations_and_typos_find_the_same_entry(index: FaqIndex) -> None:
    same = ["hồ sơ OCOP gồm những gì?", "ho so ocop gom nhung gi", "hs ocop gom nhung gi", "hồ sơ ocop gồm nhũng gì",
            "hs ocop can gi"]
    assert {top_entry(index, text) for text in same} == {"ho-so-gom-gi"}
    assert top_entry(index, "chứg nhận attp") == top_entry(index, "chứng nhận an toàn thực phẩm") == "chung-nhan-attp"
    assert index.vietnamese.correct("nhiue") == "nhieu"  # adjacent letters swapped
    assert index.vietnamese.correct("truog") == "truong"  # a letter dropped ("nhug" is in the examples: producers type it)
    assert index.vietnamese.correct("zzzz") is None


def test_english_questions_use_the_english_texts(index: FaqIndex) -> None:
    assert top_entry(index, "What is OCOP?") == "ocop-la-gi"
    assert top_entry(index, "is there a fee to join OCOP") == "chi-phi"
    assert top_entry(index, "how many product samples must I send") == "mau-san-pham"
    assert top_entry(index, "who recognises 5 star products") == "ai-cong-nhan-5-sao"


@pytest.mark.parametrize(("text", "expected"), [
    ("khi nao het han nop ho so dot 1", "han-nop-dot-1"),  # the commune's 30/4, not re-evaluation
    ("nop ho so dot 1 nam 2027 han cuoi khi nao", "han-nop-dot-1"),
    ("dot 2 han cuoi", "han-nop-dot-2"),
    ("lam sao de duoc ho tro kinh phi", "ho-tro-kinh-phi"),  # support, not fees
    ("ocop co ton phi ko", "chi-phi"),
    ("hs ocop can gi", "ho-so-gom-gi"),
    ("5 sao ai cong nhan", "ai-cong-nhan-5-sao"),
])
def test_confident_answers(index: FaqIndex, text: str, expected: str) -> None:
    answer = index.answer(text)
    assert isinstance(answer, Confident) and answer.entry_id == expected, answer


@pytest.mark.parametrize(("text", "pair"), [
    ("han nop ho so ocop", {"han-nop-dot-1", "han-nop-dot-2"}),  # which round?
    ("ai cong nhan sao", {"ai-cong-nhan-3-4-sao", "ai-cong-nhan-5-sao"}),  # which stars?
])
def test_close_entries_are_asked_about(index: FaqIndex, text: str, pair: set[str]) -> None:
    answer = index.answer(text)
    assert isinstance(answer, Ambiguous) and set(answer.entry_ids) == pair, answer


@pytest.mark.parametrize("text", [
    "thời tiết Cao Lãnh ngày mai", "giá vàng hôm nay", "tối nay đá bóng không", "cho tôi công thức nấu lẩu mắm",
    "điện thoại tôi bị hỏng màn hình", "what's the capital of France", "qwerty asdf zxcv",
    "tôi muốn mua xe máy trả góp", "con cá koi nhà tôi bị bệnh", "máy sấy của tôi bị hỏng thì sửa ở đâu", "", "   ",
])
def test_off_topic_text_is_not_answered(index: FaqIndex, text: str) -> None:
    assert isinstance(index.answer(text), NoAnswer)
    assert index.best(text) is None
    assert all(not is_good_enough(m) for m in index.search(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("ok", "faq.chatter_ok"), ("Oke", "faq.chatter_ok"), ("👍", "faq.chatter_ok"), ("cảm ơn", "faq.chatter_thanks"),
    ("Cảm ơn bạn nhiều nha!", "faq.chatter_thanks"), ("thanks", "faq.chatter_thanks"), ("hi", "faq.chatter_hello"),
    ("Xin chào", "faq.chatter_hello"), ("ho so ocop gom gi", None), ("ok vậy nộp hồ sơ ở đâu", None),
])
def test_chatter_is_told_apart_from_questions(text: str, expected: str | None) -> None:
    assert chatter_reply(text) == expected


def test_edit_distance() -> None:
    assert _edit_distance("chung", "chug") == 1
    assert _edit_distance("nhieu", "nhiue") == 1
    assert _edit_distance("kiem", "kiem") == 0
    assert _edit_distance("abc", "xyz") == 3
