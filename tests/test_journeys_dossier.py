"""Dossier checklist transcripts on the real engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import App
from db.models import DossierItem, User, UserDate
from tests.test_onboarding import onboard
from tests.transcript import Chat


async def marks(app: App, user_id: str = "u1") -> dict[tuple[str, str], bool]:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        rows = (await session.execute(select(DossierItem).where(DossierItem.user_id == user.id))).scalars()
        return {(row.kind, row.item_id): row.has_it for row in rows}


async def dates(app: App, user_id: str = "u1") -> dict[str, date]:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        rows = (await session.execute(select(UserDate).where(UserDate.user_id == user.id))).scalars()
        return {row.kind: row.value for row in rows}


async def open_first_time(chat: Chat) -> None:
    await chat.press("dossier:open")
    assert "loại hồ sơ nào" in chat.text
    await chat.click("Đăng ký lần đầu")


async def test_marking_items_updates_ready_count(app: App, chat: Chat) -> None:
    await onboard(chat)  # a cooperative (HTX) making a food product
    await open_first_time(chat)
    assert "Hồ sơ Đăng ký lần đầu: 0/18 sẵn sàng" in chat.text
    assert "⬜ 1. Mẫu 01: Phiếu đăng ký sản phẩm" in chat.text and "Trang 1/3" in chat.text
    assert "Kết quả xếp loại hợp tác xã" not in chat.text  # on a later page
    await chat.click("⬜ 1")
    assert "Mẫu 01: Phiếu đăng ký sản phẩm" in chat.text and "Phụ lục III" in chat.text
    assert "(chưa đối chiếu văn bản gốc)" in chat.text
    await chat.click("Đã có")
    assert "1/18 sẵn sàng" in chat.text and "✅ 1. Mẫu 01" in chat.text and "✅ 1" in chat.labels()
    await chat.click("⬜ 2")
    await chat.click("Chưa có")
    assert "1/18 sẵn sàng" in chat.text and "❌ 2. Mẫu 02" in chat.text
    await chat.click("Trang sau")
    assert "Trang 2/3" in chat.text and "Kết quả xếp loại hợp tác xã (tiêu chí 3.4)" in chat.text
    assert "Báo cáo tài chính" not in chat.text  # not for cooperatives
    await chat.click("Trang sau")
    assert "5 mẫu sản phẩm" in chat.text and "📮 19. Nộp hồ sơ tại UBND cấp xã" in chat.text
    assert await marks(app) == {("lan-dau", "mau-01"): True, ("lan-dau", "mau-02"): False}


async def test_missing_list_shows_only_missing_items(chat: Chat) -> None:
    await onboard(chat)
    await open_first_time(chat)
    await chat.click("⬜ 1")
    await chat.click("Đã có")
    await chat.click("⬜ 3")
    await chat.click("Đã có")
    await chat.click("Còn thiếu")
    assert "Còn thiếu" in chat.text and "2/18 sẵn sàng" in chat.text
    assert "Mẫu 01" not in chat.text and "đăng ký kinh doanh" not in chat.text
    assert "⬜ 2. Mẫu 02" in chat.text and "⬜ 4. Giấy chứng nhận cơ sở đủ điều kiện" in chat.text
    assert "Nộp hồ sơ tại UBND" not in chat.text
    assert "✅ 1" not in chat.labels() and "⬜ 2" in chat.labels()


async def test_expiring_item_asks_a_date_and_rejects_bad_ones(app: App, chat: Chat) -> None:
    await onboard(chat)
    await open_first_time(chat)
    await chat.click("⬜ 4")
    assert "an toàn thực phẩm" in chat.text
    await chat.click("Đã có")
    assert "hết hạn ngày nào" in chat.text and "⏭ Bỏ qua" in chat.labels()
    for bad in ("31/02/2027", "ngày mai", "2027-12-31", "12/13/2027"):
        await chat.send(bad)
        assert "chưa hiểu ngày này" in chat.text and "⏭ Bỏ qua" in chat.labels(), bad
    assert await dates(app) == {}
    await chat.send("15-6-28")
    assert "Đã lưu ngày hết hạn" in chat.text and "1/18 sẵn sàng" in chat.text
    assert await dates(app) == {"food_safety_expiry": date(2028, 6, 15)}
    await chat.click("✅ 4")
    assert "Ngày hết hạn đã lưu: 15 thg 6, 2028" in chat.text
    await chat.click("Đã có")
    await chat.click("Bỏ qua")
    assert "không lưu ngày nào" in chat.text
    assert await dates(app) == {"food_safety_expiry": date(2028, 6, 15)}


async def test_ocop_certificate_asks_the_decision_date_and_computes_expiry(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("dossier:open")
    await chat.click("Đánh giá lại")
    assert "Giấy chứng nhận sản phẩm OCOP đang có" in chat.text
    await chat.click("⬜ 3")
    await chat.click("Đã có")
    assert "quyết định công nhận OCOP ký ngày nào" in chat.text
    await chat.send("01/01/2099")
    assert "không thể sau hôm nay" in chat.text
    await chat.send("15/06/2025")
    assert "hết hạn ngày 15 thg 6, 2028" in chat.text
    assert "từ 18 thg 12, 2027 đến 16 thg 2, 2028" in chat.text
    assert await dates(app) == {"ocop_certificate_expiry": date(2028, 6, 15)}


async def test_tourism_has_no_samples_and_forged_payloads_change_nothing(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("profile:edit:product_group")
    await chat.click("Dịch vụ du lịch")
    await open_first_time(chat)
    assert "sẵn sàng" in chat.text
    for page in range(2):
        assert "5 mẫu sản phẩm" not in chat.text and "Hồ sơ công bố chất lượng" not in chat.text
        if page == 0:
            await chat.click("Trang sau")
    for forged in ("dossier:has:lan-dau:mau-san-pham", "dossier:has:lan-dau:khong-co", "dossier:has:khac:mau-01",
                   "dossier:has:lan-dau:giay-chung-nhan-ocop", "dossier:no:nang-hang", "dossier:item:lan-dau:x"):
        await chat.press(forged)
        assert "Nút này không còn dùng được" in chat.text, forged
    await chat.send("15/06/2028")  # no date is awaited
    assert await marks(app) == {} and await dates(app) == {}


async def test_without_consent_the_list_shows_but_marks_need_consent(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Không, cảm ơn")
    await open_first_time(chat)
    assert "0/" in chat.text and "chưa thể ghi nhớ" in chat.text
    await chat.click("⬜ 1")
    await chat.click("Đã có")
    assert "cần anh/chị đồng ý" in chat.text and "✅ Đồng ý" in chat.labels()
    assert await marks(app) == {}
    await chat.click("Đồng ý")
    assert "Câu 1/6" in chat.text  # consent given: the profile questions begin


def test_every_journey_payload_fits_zalo_and_telegram() -> None:
    """Zalo sends button payloads back as text, matched by the engine's payload pattern (argument ≤ 40
    characters); Telegram allows 64 bytes. Every dossier item and eligibility answer must fit both."""
    from bot.content import load_content
    from bot.content.documents import KINDS
    from bot.core.context import payload
    from bot.core.engine import _PAYLOAD

    content = load_content()
    made = [payload("dossier", action, kind, item.id) for kind in KINDS for item in content.documents.items
            for action in ("item", "has", "no")]
    made += [payload("eligibility", "ans", q.id, code) for q in content.eligibility.questions for code in q.option_codes]
    made += [payload("eligibility", "set", s.code) for s in content.product_sets.sets]
    assert made and all(_PAYLOAD.match(p) for p in made), [p for p in made if not _PAYLOAD.match(p)]


async def test_deleting_my_data_removes_marks_and_dates(app: App, chat: Chat) -> None:
    await onboard(chat)
    await open_first_time(chat)
    await chat.click("⬜ 4")
    await chat.click("Đã có")
    await chat.send("15/06/2028")
    assert await marks(app) and await dates(app)
    await chat.press("settings:delete")
    await chat.press("settings:delete_yes")
    async with app.sessions() as session:
        assert (await session.execute(select(DossierItem))).first() is None
        assert (await session.execute(select(UserDate))).first() is None
