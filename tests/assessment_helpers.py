"""Shared steps for the self-assessment transcripts: start one, answer from a map, read the stored row."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from bot.app import App
from bot.content.criteria import Criterion, Sheet
from db.models import Assessment, User
from tests.transcript import Chat

RULES = "qd26-2026"
SET = "I.3.c"


def sheet_of(app: App, rule_set: str = RULES) -> Sheet:
    sheet = app.content.criteria.sheet(rule_set, SET)
    assert sheet is not None
    return sheet


def top(criterion: Criterion) -> int:
    return max(range(len(criterion.options)), key=lambda i: criterion.options[i].points)


def bottom(criterion: Criterion) -> int:
    """The lowest-scoring option that is not a knock-out."""
    scored = [i for i, o in enumerate(criterion.options) if o.knock_out is None]
    return min(scored, key=lambda i: criterion.options[i].points)


def all_top(sheet: Sheet) -> dict[str, int]:
    return {c.code: top(c) for c in sheet.criteria()}


def all_bottom(sheet: Sheet) -> dict[str, int]:
    return {c.code: bottom(c) for c in sheet.criteria()}


async def start_assessment(chat: Chat, rules_label: str = "hiện hành") -> None:
    """From the menu: Tự đánh giá → Làm bài mới → the suggested I.3.c (unless the profile keeps it) → the rule
    set; stops at question 1."""
    await chat.send("menu")
    await chat.click("Tự đánh giá")
    await chat.click("Làm bài mới")
    await choose_set_if_asked(chat)
    await chat.click(rules_label)
    assert "Câu 1/32" in chat.text, chat.text


async def choose_set_if_asked(chat: Chat) -> None:
    """Press the I.3.c set button; once chosen it is kept on the profile and not asked again (then say so)."""
    if any(f"{SET} ·" in label for label in chat.labels()):
        await chat.click(f"{SET} ·")
    else:
        assert f"Bộ sản phẩm theo hồ sơ của bạn: #7 {SET}" in chat.text, chat.text


def question_code(chat: Chat) -> str | None:
    """The criterion code the last question's answer buttons carry, or None when no question is shown."""
    payloads = [b.payload for b in chat.last.flat_buttons() if b.payload.startswith("assessment:ans:")] if chat.replies else []
    return payloads[0].split(":")[3] if payloads else None


async def answer(chat: Chat, answers: Mapping[str, int], limit: int = 100) -> list[str]:
    """Answer each question shown with the option `answers` names, pressing its button; returns the codes asked."""
    asked: list[str] = []
    while (code := question_code(chat)) is not None and code in answers and len(asked) < limit:
        asked.append(code)
        button = next(b for b in chat.last.flat_buttons() if b.payload.endswith(f":{code}:{answers[code]}"))
        await chat.press(button.payload)
    return asked


async def assessments_of(app: App, user_id: str = "u1") -> list[Assessment]:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        query = select(Assessment).where(Assessment.user_id == user.id).order_by(Assessment.id)
        return list((await session.execute(query)).scalars())
