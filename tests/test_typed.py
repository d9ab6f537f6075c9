"""The rules that turn typed text into a button press (bot/core/typed.py), and the one numbering every
channel prints (messages.numbered): unit tests, no database."""

from __future__ import annotations

import pytest

from bot.channels import console, zalo
from bot.core.messages import NO, YES, Button, Outgoing, numbered
from bot.core.typed import (
    exact_press,
    keyboard_buttons,
    loose_matches,
    payload_id,
    stored_keyboard,
    typed_number,
    yes_no_press,
)

MENU = [Button("✅ Kiểm tra điều kiện", "eligibility:start"), Button("📋 Hồ sơ cần chuẩn bị", "dossier:open"),
        Button("▶️ Tiếp tục bài đang làm", "assessment:resume:1"), Button("🆕 Làm bài mới", "assessment:new"),
        Button("🏠 Menu chính", "menu:open")]
PAGE_2 = [*(Button(f"⬜ {n}", f"dossier:item:lan-dau:i{n}", number=n) for n in range(9, 17)),
          Button("◀ Trang trước", "dossier:list:lan-dau:0"), Button("Trang sau ▶", "dossier:list:lan-dau:2"),
          Button("🏠 Menu chính", "menu:open")]
CONSENT = [Button("✅ Đồng ý", "onboarding:consent:yes", means=YES),
           Button("Không, cảm ơn", "onboarding:consent:no", means=NO)]


@pytest.mark.parametrize(("typed", "number"), [
    ("1", 1), (" 12 ", 12), ("01", 1), ("007", 7), ("999999", 999999),
    ("0", 0), ("-1", None), ("+1", None), ("1.5", None), ("1,5", None), ("1e3", None), ("", None), (" ", None),
    ("²", None), ("①", None), ("١", None), ("٣", None), ("１", None), ("߁", None), ("৩", None),
    ("1234567", None), ("9" * 5000, None), ("1 2", None), ("5a", None),
])
def test_only_short_ascii_decimal_numbers_are_numbers(typed: str, number: int | None) -> None:
    assert typed_number(typed) == number


@pytest.mark.parametrize("typed", ["²", "①", "١", "٣", "１", "9" * 5000, "-1", "1.5", "0", "99"])
def test_digit_like_text_presses_nothing(typed: str) -> None:
    assert exact_press(typed, MENU) is None


def test_numbers_are_positions_unless_the_screen_numbers_its_items() -> None:
    assert exact_press("3", MENU) == MENU[2] and exact_press("01", MENU) == MENU[0]
    assert exact_press("9", PAGE_2).payload == "dossier:item:lan-dau:i9"  # item 9, not "◀ Trang trước"
    assert exact_press("16", PAGE_2).payload == "dossier:item:lan-dau:i16"
    assert exact_press("1", PAGE_2) is None and exact_press("17", PAGE_2) is None  # not shown on this page
    assert [n for n, _ in numbered(PAGE_2)] == [*range(9, 17), None, None, None]
    assert exact_press("3", MENU, numbers=False) is None  # where a typed number is the answer


def test_whole_label_folded_presses_it() -> None:
    assert exact_press("✅ kiem tra dieu kien", MENU) == MENU[0]
    assert exact_press("MENU CHÍNH", MENU) == MENU[4]
    assert exact_press("kiem tra", MENU) is None  # a part is the loose rule's, after commands


def test_prefix_or_whole_words_of_one_label() -> None:
    assert loose_matches("tiep tuc", MENU) == [MENU[2]]
    assert loose_matches("Tiếp tục bài", MENU) == [MENU[2]]
    assert loose_matches("tiep tu", MENU) == [MENU[2]]  # the last word cut short
    assert loose_matches("bai dang lam", MENU) == [MENU[2]]  # whole words inside the label
    assert loose_matches("ho so", MENU) == [MENU[1]]
    assert loose_matches("dang lam bai", MENU) == []  # words in another order
    assert loose_matches("ai dang", MENU) == []  # not at a word's start
    assert loose_matches("co", MENU) == [] and loose_matches("k", MENU) == []  # too short to press anything
    assert loose_matches("bai", MENU) == [MENU[2], MENU[3]]  # two fit: the engine asks which
    assert loose_matches("trang", PAGE_2) == [PAGE_2[8], PAGE_2[9]]
    assert loose_matches("trang sau", PAGE_2) == [PAGE_2[9]]


@pytest.mark.parametrize("typed", ["ok", "OK", "có", "co", "Có rồi", "co roi", "đã có", "da co", "rồi", "yes", "Yes!",
                                   "vâng", "dạ", "đúng rồi", "đồng ý"])
def test_yes_words_press_the_button_marked_yes(typed: str) -> None:
    assert yes_no_press(typed, CONSENT) == CONSENT[0]


@pytest.mark.parametrize("typed", ["không", "khong", "ko", "k", "K", "chưa", "chua", "no", "No.", "chưa có", "không ạ"])
def test_no_words_press_the_button_marked_no(typed: str) -> None:
    assert yes_no_press(typed, CONSENT) == CONSENT[1]


def test_yes_no_needs_a_marker_never_a_guess_from_the_label() -> None:
    unmarked = [Button("Có", "x:y:1"), Button("Không", "x:y:2")]
    assert yes_no_press("có", unmarked) is None and yes_no_press("ok", MENU) is None
    assert yes_no_press("có lẽ", CONSENT) is None and yes_no_press("không biết", CONSENT) is None
    two_yes = [Button("A", "a:b:1", means=YES), Button("B", "a:b:2", means=YES)]
    assert yes_no_press("ok", two_yes) is None  # ambiguous: nothing pressed


def test_keyboard_memory_keeps_markers_and_reads_old_rows() -> None:
    stored = stored_keyboard([*CONSENT, PAGE_2[0], MENU[0]])
    assert stored[-1] == ["✅ Kiểm tra điều kiện", "eligibility:start"]  # unmarked: as before
    assert keyboard_buttons(stored) == [*CONSENT, PAGE_2[0], MENU[0]]
    assert keyboard_buttons([["A", "a:b"], ["broken"], "x", None, ["B", "b:c", "nine", "maybe"]]) == [
        Button("A", "a:b"), Button("B", "b:c")]


def test_payload_ids_take_one_to_nine_ascii_digits() -> None:
    assert payload_id("12") == 12 and payload_id("123456789") == 123456789
    for odd in ("²", "١", "1" * 10, "-1", "", "1.0", " 1"):
        assert payload_id(odd) is None


def test_console_and_zalo_print_the_numbers_typing_takes() -> None:
    page = Outgoing("Trang 2/3", buttons=tuple((b,) for b in PAGE_2))
    rendered = console.render(page)
    assert "  9. ⬜ 9" in rendered and "  16. ⬜ 16" in rendered and "  • Trang sau ▶" in rendered
    assert "1. " not in rendered.replace("11. ", "").replace("21. ", "")
    text, shown = zalo.render(page, 5)
    assert [b.label for b in shown] == ["⬜ 9", "⬜ 10", "⬜ 11", "⬜ 12", "⬜ 13"]
    assert "14. ⬜ 14" in text and "• ◀ Trang trước" in text and "• 🏠 Menu chính" in text
    menu = Outgoing("Menu", buttons=tuple((b,) for b in MENU))
    assert "  3. ▶️ Tiếp tục bài đang làm" in console.render(menu)
    assert zalo.render(menu, 3)[0].endswith("4. 🆕 Làm bài mới\n5. 🏠 Menu chính")
