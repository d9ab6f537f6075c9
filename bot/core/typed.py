"""What typed text stands for on the screen just shown: the keyboard memory, and the rules that turn a
typed number, label, part of a label or yes/no word into a button press, on every channel and every screen.

The engine applies them before routing (bot/core/engine.py), in this order:
1. **exact**: the number a button shows (`messages.numbered`: its position, or its own number on a numbered
   list), or its whole label folded (case, diacritics, emoji and punctuation ignored): "✅ dong y" → "✅ Đồng ý".
   Only ASCII decimal numbers count (see `typed_number`); "²", "①", "١", "１", "-1", "1.5" and a 5,000-digit
   number are plain text, never a press and never an error.
2. commands and the words that always lead back ("/menu", "huỷ") come next, in the engine.
3. **yes/no**: a yes or a no word ("ok", "có", "có rồi", "đã có", "rồi", "yes" / "không", "ko", "k", "chưa",
   "no") presses the button marked `means=YES` or `means=NO`, where the screen has one. The marker is set by
   the handler or the flow declaration, never guessed from the label.
4. **loose**, only where the step does not wait for typed text (a name, a question, a date): an unambiguous
   prefix, or a run of whole words, of one label presses it ("tiep tuc" → "▶️ Tiếp tục bài đang làm"); when
   several labels fit, the engine asks which one, with those buttons. At least three letters are needed, so
   "co" or "k" never press a button by accident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.content.text import fold
from bot.core.messages import NO, YES, Button, numbered

if TYPE_CHECKING:
    from bot.core.context import Context

MAX_TYPED_DIGITS = 6
"""A keyboard never has a million buttons: longer digit strings are plain text, never converted."""
LOOSE_MIN_LETTERS = 3

_ASCII_NUMBER = re.compile(rf"[0-9]{{1,{MAX_TYPED_DIGITS}}}")
# Folded (no diacritics, lower case, no punctuation): "Có rồi" → "co roi", "Không!" → "khong".
YES_WORDS = frozenset({"ok", "oke", "okay", "okie", "oki", "co", "co a", "co roi", "da co", "da co roi", "roi",
                       "yes", "y", "vang", "da", "dung", "dung roi", "dong y", "u", "uh"})
NO_WORDS = frozenset({"khong", "khong a", "khong co", "ko", "k", "kh", "hong", "chua", "chua a", "chua co",
                      "no", "n", "ko co"})


def typed_number(text: str) -> int | None:
    """The number typed, when the text is an ASCII decimal number of at most MAX_TYPED_DIGITS digits ("7",
    " 12 ", "01" → 1); None for anything else. Deliberately ASCII only: every channel shows button numbers in
    ASCII and Vietnamese keyboards type them so; Arabic-Indic ("١"), full-width ("１"), superscript ("²") or
    circled ("①") digits, signs and decimals are text for the step to answer (str.isdigit accepts several
    of them and int() then fails or reads "١" as 1)."""
    stripped = text.strip()
    return int(stripped) if _ASCII_NUMBER.fullmatch(stripped) else None


def payload_id(text: str) -> int | None:
    """A row id from a button payload's argument: 1–9 ASCII digits (fits an INTEGER column on every
    database), else None. A payload can be typed (Zalo sends them back as text) or forged, so "²", "١" and
    30 digits must find nothing rather than fail."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


# --- the keyboard memory ------------------------------------------------------------------------------
def stored_keyboard(buttons: Sequence[Button]) -> list[list[Any]]:
    """How the buttons last shown are kept in the conversation state: [label, payload] per button, with
    [label, payload, number, means] where a button carries a marker."""
    return [[b.label, b.payload] if b.number is None and b.means is None else [b.label, b.payload, b.number, b.means]
            for b in buttons]


def keyboard_buttons(stored: Sequence[Any] | None) -> list[Button]:
    """The buttons of the keyboard memory (rows saved by any version: two or four fields)."""
    buttons = []
    for row in stored or []:
        if isinstance(row, (list, tuple)) and len(row) >= 2:
            number = row[2] if len(row) > 2 and isinstance(row[2], int) else None
            means = row[3] if len(row) > 3 and row[3] in (YES, NO) else None
            buttons.append(Button(str(row[0]), str(row[1]), number, means))
    return buttons


def remember_keyboard(ctx: Context) -> None:
    """Save the buttons last shown, so typing "2", a button's label or "ok" presses it on any channel."""
    keyboard = None
    for reply in reversed(ctx.replies):
        if reply.buttons:
            keyboard = stored_keyboard(reply.flat_buttons())
            break
    if keyboard is None and ctx.replies:
        keyboard = []
    if keyboard is not None and keyboard != ctx.state.keyboard:  # unchanged = no UPDATE
        ctx.state.keyboard = keyboard


# --- the rules ------------------------------------------------------------------------------------------
def exact_press(text: str, buttons: Sequence[Button], *, numbers: bool = True) -> Button | None:
    """Rule 1: the button whose shown number (unless the step takes a typed number as its answer) or whole
    folded label was typed."""
    number = typed_number(text) if numbers else None
    if number is not None:
        return next((b for n, b in numbered(buttons) if n == number), None)
    folded = fold(text)
    return next((b for b in buttons if folded and fold(b.label) == folded), None) if folded else None


def yes_no_press(text: str, buttons: Sequence[Button]) -> Button | None:
    """Rule 3: the one button marked YES (or NO) when a yes (or no) word was typed."""
    folded = fold(text)
    means = YES if folded in YES_WORDS else NO if folded in NO_WORDS else None
    marked = _distinct([b for b in buttons if means is not None and b.means == means])
    return marked[0] if len(marked) == 1 else None


def loose_matches(text: str, buttons: Sequence[Button]) -> list[Button]:
    """Rule 4: the buttons whose folded label starts with the typed text, else those with it as a run of
    whole words (the last one may be cut short); one match presses it, several are asked about."""
    typed = fold(text)
    if sum(ch.isalpha() for ch in typed) < LOOSE_MIN_LETTERS:
        return []
    labels = [(" " + fold(b.label), b) for b in buttons]
    prefix = [b for label, b in labels if label.startswith(" " + typed)]
    return _distinct(prefix or [b for label, b in labels if " " + typed in label])


def _distinct(buttons: list[Button]) -> list[Button]:
    """One button per payload (the same choice shown twice is one choice)."""
    seen: dict[str, Button] = {}
    for button in buttons:
        seen.setdefault(button.payload, button)
    return list(seen.values())
