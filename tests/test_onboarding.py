"""Onboarding and menu transcripts on the real engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.messages import Inbound, Kind
from db.models import ConversationState, Profile, User
from tests.conftest import Database, make_settings
from tests.transcript import Chat


async def onboard(chat: Chat, commune: str = "cao lanh") -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("HTX Sen Vàng")
    await chat.click("Hợp tác xã")
    await chat.send(commune)
    await chat.click("Phường Cao Lãnh")
    await chat.click("Thực phẩm")
    await chat.send("Xoài sấy dẻo")
    await chat.share_phone("0912 345 678")


async def profile_of(app: App, user_id: str = "u1") -> tuple[User, Profile | None]:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        return user, await session.get(Profile, user.id)


async def test_start_greets_in_vietnamese_and_asks_language(chat: Chat) -> None:
    await chat.start()
    assert "Trợ lý OCOP" in chat.replies[0].text
    assert chat.labels() == ["Tiếng Việt", "English"]


async def test_full_onboarding_stores_profile_and_shows_menu(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    assert "Bạn có đồng ý không?" in chat.text
    await chat.click("Đồng ý")
    assert "Câu 1/6" in chat.text and "Tên cơ sở" in chat.text
    await chat.send("HTX Sen Vàng")
    assert "Câu 2/6" in chat.text and "Hợp tác xã" in chat.labels()
    await chat.click("Hợp tác xã")
    await chat.send("Phường Cao Lãnh")
    assert chat.labels()[0] == "Phường Cao Lãnh"
    await chat.click("Phường Cao Lãnh")
    assert "Câu 4/6" in chat.text
    await chat.click("Thực phẩm")
    await chat.send("Xoài sấy dẻo")
    assert "Câu 6/6" in chat.text and chat.last.request_contact
    await chat.share_phone("0912 345 678")
    assert "Hồ sơ của bạn đã được lưu" in chat.text
    assert "✅ Kiểm tra điều kiện" in chat.labels() and "⚙️ Cài đặt" in chat.labels()
    user, profile = await profile_of(app)
    assert user.locale == "vi" and user.consent_at is not None
    assert profile is not None
    assert (profile.org_name, profile.producer_type, profile.commune_code, profile.product_group) == (
        "HTX Sen Vàng", "htx", "phuong-cao-lanh", "thuc-pham")
    assert profile.main_product == "Xoài sấy dẻo" and profile.phone == "+84912345678"
    assert profile.completed_at is not None


async def test_commune_typed_without_diacritics_and_with_typos(chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("Co so Ba Tu")
    await chat.click("Hộ kinh doanh")
    await chat.send("xa lai vung")
    assert chat.labels()[0] == "Xã Lai Vung"
    await chat.click("gõ lại")
    await chat.send("khong co xa nay")
    assert "chưa tìm thấy" in chat.text
    await chat.send("lai vungg")
    assert "Xã Lai Vung" in chat.labels()


async def test_english_onboarding_uses_english_catalog(chat: Chat) -> None:
    await chat.start()
    await chat.click("English")
    assert "Do you agree?" in chat.text
    await chat.click("I agree")
    assert "Question 1/6" in chat.text
    await chat.send("Lotus Coop")
    assert "Cooperative" in chat.labels()  # content label translated by the content catalog


async def test_typing_number_or_label_presses_the_button(chat: Chat) -> None:
    await chat.start()
    await chat.send("2")  # English
    assert "Do you agree?" in chat.text
    await chat.send("✅ i agree")  # the label, typed loosely
    assert "Question 1/6" in chat.text


async def test_a_question_typed_at_the_language_screen_is_answered_in_its_language(app: App) -> None:
    """A new user types a question instead of choosing a language: the question's language is taken (and
    said), the question answered, and onboarding goes on with consent; nothing typed is lost."""
    vi = Chat(app.engine, user_id="vi-typist")
    await vi.start()
    await vi.send("ho so ocop gom nhung gi vay")
    assert "trả lời bằng tiếng Việt" in vi.text and "Mẫu 01" in vi.text and "Bạn có đồng ý không?" in vi.text
    await vi.send("ok")  # yes, on the consent question
    assert "Câu 1/6" in vi.text
    en = Chat(app.engine, user_id="en-typist")
    await en.start()
    await en.send("What documents do I need to apply?")
    assert "reply in English" in en.text and "Do you agree?" in en.text and "Trợ lý" not in en.text
    asked = Chat(app.engine, user_id="wants-english")
    await asked.start()
    await asked.send("tieng anh")  # a request for a language is taken as asked
    assert "reply in English" in asked.text and "Do you agree?" in asked.text
    hello = Chat(app.engine, user_id="greeter")
    await hello.start()
    await hello.send("chao ad")  # a greeting: no FAQ answer, straight on
    assert "trả lời bằng tiếng Việt" in hello.text and "Câu trả lời này có hữu ích" not in hello.text
    assert "Bạn có đồng ý không?" in hello.text
    for user_id, locale in (("vi-typist", "vi"), ("en-typist", "en"), ("wants-english", "en"), ("greeter", "vi")):
        async with app.sessions() as session:
            user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        assert user.locale == locale


async def test_repeated_update_changes_nothing(app: App) -> None:
    first = Inbound("telegram", "77", Kind.STARTED, dedup_key="telegram:1000")
    assert (await app.engine.handle(first)).replies
    pressed = Inbound("telegram", "77", Kind.BUTTON, dedup_key="telegram:1001", payload="onboarding:language:en")
    assert (await app.engine.handle(pressed)).replies
    again = Inbound("telegram", "77", Kind.BUTTON, dedup_key="telegram:1001", payload="onboarding:language:vi")
    assert (await app.engine.handle(again)).replies == []
    user, _ = await profile_of(app, "77")
    assert user.locale == "en"


async def test_restart_mid_onboarding_resumes_without_asking_twice(database: Database) -> None:
    first = await App.create(make_settings(database), db=database.engine())
    chat = Chat(first.engine)
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("HTX Sen Vàng")
    await chat.click("Doanh nghiệp")
    assert "Câu 3/6" in chat.text
    await first.close()

    second = await App.create(make_settings(database), db=database.engine())
    chat = Chat(second.engine)
    await chat.send("my tho")  # the awaited answer, in a new process
    await chat.click("Phường Mỹ Tho")
    assert "Câu 4/6" in chat.text
    await chat.start()  # /start again: resumes at the next unanswered question
    assert "tiếp tục" in chat.text and "Câu 4/6" in chat.text
    user, profile = await profile_of(second)
    assert profile is not None and profile.org_name == "HTX Sen Vàng" and profile.producer_type == "dn"
    assert profile.commune_code == "phuong-my-tho"
    await second.close()


async def test_cancel_word_returns_to_menu_and_keeps_answers(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("HTX Sen Vàng")
    await chat.send("huỷ")
    assert "⚙️ Cài đặt" in chat.labels()
    await chat.send("/menu")
    assert "⚙️ Cài đặt" in chat.labels()
    _, profile = await profile_of(app)
    assert profile is not None and profile.org_name == "HTX Sen Vàng"


async def test_refused_consent_stores_no_profile(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Không, cảm ơn")
    assert "không lưu" in chat.text and "⚙️ Cài đặt" in chat.labels()
    await chat.press("profile:type:htx")  # a forged profile button without consent
    assert "cần đồng ý" in chat.text
    user, profile = await profile_of(app)
    assert user.consent_at is None and profile is None


async def test_forged_and_stale_buttons_change_nothing(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("profile:type:not-a-type")
    assert "loại hình" in chat.text
    await chat.press("nothing:here")
    assert "không còn dùng được" in chat.text
    await chat.press("settings:delete_yes")  # without the confirmation step: nothing is deleted
    _, profile = await profile_of(app)
    assert profile is not None and profile.producer_type == "htx"


async def test_invalid_answers_get_polite_errors(chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("x")
    assert "ít nhất 2 ký tự" in chat.text
    await chat.send("Cơ sở A" + "\x00\x07" + "B" * 500)
    assert "Câu 2/6" in chat.text


async def test_settings_edit_profile_and_language(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.click("Cài đặt")
    await chat.click("Hồ sơ của tôi")
    assert "HTX Sen Vàng" in chat.text and "Phường Cao Lãnh" in chat.text
    await chat.click("Sửa sản phẩm chính")
    await chat.send("Trà sen")
    assert "Đã lưu" in chat.text and "Trà sen" in chat.text
    await chat.click("Cài đặt")
    await chat.click("Ngôn ngữ")
    await chat.click("English")
    assert "Language saved" in chat.text and "Settings" in chat.text
    await chat.click("Turn off")
    user, profile = await profile_of(app)
    assert profile is not None and profile.main_product == "Trà sen"
    assert user.locale == "en" and user.notifications is False


async def test_delete_my_data_leaves_no_personal_field(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.click("Cài đặt")
    await chat.click("Xoá dữ liệu")
    await chat.click("Có, xoá hết")
    assert "Đã xoá" in chat.text
    personal = ("HTX Sen Vàng", "Xoài sấy dẻo", "+84912345678", "u1")
    async with app.sessions() as session:
        for table in User.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    assert str(value) not in personal, f"{table.name} still holds {value!r}"
        assert (await session.execute(select(ConversationState))).first() is None
    await chat.start()
    assert chat.labels() == ["Tiếng Việt", "English"]  # a fresh start
