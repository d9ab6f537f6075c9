"""A complete self-assessment over Zalo: signed webhook events in, OA API messages out, the result stored."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

from tests.assessment_helpers import SET, all_top, assessments_of, sheet_of
from tests.fakes.zalo_api import FakeZaloApi
from tests.zalo_driver import ZaloBot, ZaloUser, api, bot, running_zalo  # noqa: F401 - pytest fixtures (shared, see there)

USER = "2468458835296117922"


def shown_answer_payloads(user: ZaloUser) -> list[str]:
    return [b["payload"] for m in user.replies for b in m.buttons if b["payload"].startswith("assessment:ans:")]


async def test_complete_self_assessment_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api, USER)
    await user.answer_profile_until_phone()
    await user.send("0912 345 678")
    await user.press("Tự đánh giá")
    await user.press("Làm bài mới")
    await user.press(f"{SET} ·")
    await user.press("hiện hành")
    assert "Câu 1/32" in user.text
    sheet = sheet_of(bot.app)
    wanted = all_top(sheet)
    asked: list[str] = []
    while payloads := shown_answer_payloads(user):
        _, _, assessment_id, code, _ = payloads[0].split(":")
        asked.append(code)
        # Tapping an oa.query.hide button sends its payload back as the user's text; the top option may
        # sit among the numbered lines instead, whose payload the engine still knows as a press.
        await user.send(f"assessment:ans:{assessment_id}:{code}:{wanted[code]}")
        assert len(asked) <= 40
    assert asked == [c.code for c in sheet.criteria()]
    assert "Tổng: 100/100 điểm" in user.text and "⭐⭐⭐⭐⭐ 5 sao" in user.text
    assert all(m.endpoint == "cs" and len(m.text) <= 2000 for m in api.to(USER))
    [row] = await assessments_of(bot.app, USER)
    assert (row.status, row.total, row.stars) == ("done", 100, 5) and row.answers == wanted
