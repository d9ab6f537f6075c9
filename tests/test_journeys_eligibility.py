"""Eligibility check transcripts on the real engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from db.models import Eligibility, User
from tests.conftest import Database, make_settings
from tests.test_onboarding import onboard
from tests.transcript import Chat

# Answers that keep a food product fully in order, by question text fragment → button label fragment.
ALL_IN_ORDER = ["Từ 50% trở lên lấy trong tỉnh", "Của cơ sở mình", "Đã bán ra ngoài", "Đã có, còn hạn",
                "Đã công bố", "Đã có phiếu", "Có nhãn đầy đủ", "Đã được cấp", "Đã có câu chuyện"]


async def stored_check(app: App, user_id: str = "u1") -> Eligibility | None:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        return await session.get(Eligibility, user.id)


async def answer_all(chat: Chat, labels: list[str]) -> None:
    for number, label in enumerate(labels, start=1):
        assert f"Câu {number}/{len(labels)}" in chat.text, chat.text
        await chat.click(label)


async def start_food_check(chat: Chat) -> None:
    """From the menu: confirm the profile's type (HTX), take the suggested set for "Xoài sấy dẻo"."""
    await chat.press("eligibility:start")
    assert "Theo hồ sơ: Hợp tác xã — đúng không?" in chat.text
    await chat.click("Đúng")
    assert "Xoài sấy dẻo" in chat.text
    assert chat.labels()[0] == "Bộ số 7: Chế biến từ rau, củ, quả, hạt"
    await chat.click("Bộ số 7")


async def test_everything_in_order_is_eligible_and_stored(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    assert "Câu 1/9" in chat.text and "Nguyên liệu chính" in chat.text
    await answer_all(chat, ALL_IN_ORDER)
    assert "✅ Kết quả" in chat.text and "Chế biến từ rau, củ, quả, hạt" in chat.text
    assert "Việc cần làm" not in chat.text and "Kết quả đã được lưu" in chat.text
    assert "🏠 Menu chính" in chat.labels()
    check = await stored_check(app)
    assert check is not None and check.verdict == "eligible" and check.product_set == "I.3.c"
    assert check.answers["producer_type"] == "htx" and check.answers["raw_material"] == "trong-tinh"
    assert len(check.answers) == 10


async def test_unregistered_household_is_eligible_after_registering(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("eligibility:start")
    await chat.click("Đổi")
    await chat.click("Chưa đăng ký kinh doanh")
    await chat.click("Bộ số 7")
    await answer_all(chat, ALL_IN_ORDER)
    assert "🟡 Kết quả" in chat.text
    assert "Đăng ký hộ kinh doanh tại UBND cấp xã" in chat.text  # the named step
    assert "Căn cứ: QĐ 26/2026/QĐ-TTg, Điều 2 khoản 3" in chat.text
    assert "(chưa đối chiếu văn bản gốc)" in chat.text
    check = await stored_check(app)
    assert check is not None and check.verdict == "eligible_after_steps"


async def test_all_imported_raw_material_is_not_eligible(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    await answer_all(chat, ["Toàn bộ nhập khẩu", *ALL_IN_ORDER[1:]])
    assert "⛔ Kết quả" in chat.text and "nhập khẩu" in chat.text
    assert "bảng điểm bộ số 7 của anh/chị: tiêu chí 1.1 «Nguồn nguyên liệu»" in chat.text and "(điểm loại" in chat.text
    check = await stored_check(app)
    assert check is not None and check.verdict == "not_eligible"


async def test_product_typed_without_diacritics_finds_processed_fruit(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("eligibility:start")
    await chat.click("Đúng")
    await chat.click("gõ lại tên")
    assert "Sản phẩm của anh/chị tên là gì?" in chat.text
    await chat.send("xoai say")
    assert chat.labels()[0] == "Bộ số 7: Chế biến từ rau, củ, quả, hạt"
    await chat.send("zzzz wwww")
    assert "chưa tìm thấy bộ sản phẩm" in chat.text
    await chat.click("Chọn theo nhóm")
    await chat.click("Thực phẩm")
    await chat.click("Bộ số 8")
    assert "Câu 1/9" in chat.text


async def test_tourism_skips_product_questions(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("eligibility:start")
    await chat.click("Đúng")
    await chat.click("Chọn theo nhóm")
    await chat.click("Dịch vụ du lịch")
    await chat.click("Bộ số")
    # set #26's sheet has no raw-material, label or quality-declaration item: idea, trademark, story only
    assert "Câu 1/3" in chat.text and "Ý tưởng" in chat.text and "Nguyên liệu" not in chat.text


async def test_back_and_typed_text_keep_the_place(chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    await chat.click("Từ 50% trở lên lấy trong tỉnh")
    await chat.click("Của cơ sở mình")
    assert "Câu 3/9" in chat.text
    await chat.click("Quay lại")
    assert "Câu 2/9" in chat.text and chat.labels()[0] == "↩ Giữ câu trả lời trước: Của cơ sở mình, hoặc đặc sản của địa phương"
    await chat.send("hello")
    assert "bấm một nút" in chat.text and "Câu 2/9" in chat.text
    await chat.press("eligibility:ans:story:co")  # a forged answer to a question not asked now
    assert "Câu 2/9" in chat.text
    await chat.press("eligibility:ans:idea_origin:khong-co-ma-nay")
    assert "Câu 2/9" in chat.text


async def test_restart_in_the_middle_resumes_at_the_same_question(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    chat = Chat(app.engine)
    await onboard(chat)
    await start_food_check(chat)
    await chat.click("Từ 50% trở lên lấy trong tỉnh")
    await chat.click("Của cơ sở mình")
    assert "Câu 3/9" in chat.text
    await app.close()

    app = await App.create(make_settings(database), db=database.engine())  # a new process
    chat = Chat(app.engine)
    await chat.press("eligibility:start")  # the menu button of an old message
    assert "tiếp tục" in chat.text and "Câu 3/9" in chat.text and "bán ra ngoài xã" in chat.text
    await chat.send("1")  # typed number of the first answer button
    assert "Câu 4/9" in chat.text
    await app.close()


async def test_rerun_prefills_previous_answers(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    await answer_all(chat, ["Toàn bộ nhập khẩu", *ALL_IN_ORDER[1:]])
    await chat.click("Kiểm tra lại")
    assert "điền sẵn" in chat.text
    assert "Bộ sản phẩm (theo hồ sơ của anh/chị): #7 I.3.c" in chat.text  # chosen once, kept on the profile
    await chat.click("Đúng")
    assert "Câu 1/9" in chat.text  # the set is not asked again
    assert chat.labels()[0] == "↩ Giữ câu trả lời trước: Toàn bộ nhập khẩu từ nước ngoài"
    await chat.click("Từ 50% trở lên lấy trong tỉnh")
    for number in range(2, 10):
        assert f"Câu {number}/9" in chat.text and chat.labels()[0].startswith("↩ Giữ")
        await chat.click("Giữ câu trả lời trước")
    assert "✅ Kết quả" in chat.text
    check = await stored_check(app)
    assert check is not None and check.verdict == "eligible" and check.answers["raw_material"] == "trong-tinh"


async def test_without_consent_it_runs_but_stores_nothing(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Không, cảm ơn")
    await chat.press("eligibility:start")
    assert "chưa đồng ý cho lưu dữ liệu" in chat.text
    await chat.click("Doanh nghiệp")
    assert "tên là gì" in chat.text
    await chat.send("xoài sấy")
    await chat.click("Bộ số 7")
    await answer_all(chat, ALL_IN_ORDER)
    assert "✅ Kết quả" in chat.text and "không được lưu" in chat.text
    assert await stored_check(app) is None


async def test_old_buttons_after_the_check_change_nothing(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    await answer_all(chat, ALL_IN_ORDER)
    await chat.press("eligibility:ans:story:chua")
    assert "Nút này không còn dùng được" in chat.text
    check = await stored_check(app)
    assert check is not None and check.answers["story"] == "co" and check.verdict == "eligible"


async def test_result_in_english(chat: Chat) -> None:
    await chat.start()
    await chat.click("English")
    await chat.click("Agree")
    await chat.send("Sen Vang Coop")
    await chat.click("Company")
    await chat.send("cao lanh")
    await chat.click("Cao Lãnh")
    await chat.click("Food")
    await chat.send("Dried mango")
    await chat.share_phone("0912 345 678")
    await chat.press("eligibility:start")
    assert "According to your profile" in chat.text
    await chat.click("Yes")
    await chat.click("Other: type")
    await chat.send("xoai say")
    await chat.click("Set 7")
    assert "Question 1/9" in chat.text and "50% or more from the province" in chat.labels()
    for _ in range(9):
        await chat.send("1")  # the first option of every question is the one in order
    assert "✅ Result: the product (Processed from vegetables" in chat.text, chat.text
    assert "The result is saved" in chat.text
