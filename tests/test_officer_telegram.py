"""The officer uploads the price CSV as a document over the real python-telegram-bot (stand-in Bot API):
the channel downloads it (getFile + file URL) and the bulletin is previewed from it."""

from __future__ import annotations

from sqlalchemy import select

from bot.content import DEFAULT_ROOT
from db.models import Bulletin
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import TelegramUser, api, running_bot, stop_bot  # noqa: F401

OFFICER = 4242
CSV = (DEFAULT_ROOT / "samples" / "bulletin-2026-11.csv").read_bytes()


async def test_an_uploaded_price_csv_is_downloaded_and_previewed(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    app, channel, http = await running_bot(database, api, officers=[f"telegram:{OFFICER}"])
    try:
        assert await channel.download(api.add_file(b"abc", "x.csv")) == b"abc"
        officer = TelegramUser(api, OFFICER)
        await officer.send("xin chào", "")
        api.clear_calls()
        api.push_callback(OFFICER, "officer_bulletin:start")
        call = await officer._wait_reply("tháng nào")
        month_payload = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        api.clear_calls()
        api.push_callback(OFFICER, month_payload)
        await officer._wait_reply("CSV")
        update = api.text_update(OFFICER, "x")
        message = update["message"]
        del message["text"]
        message["document"] = {"file_id": api.add_file(CSV, "gia-thang.csv", "text/csv"), "file_unique_id": "u-csv",
                               "file_name": "gia-thang.csv", "mime_type": "text/csv", "file_size": len(CSV)}
        api.clear_calls()
        api.push_raw(update)
        await officer._wait_reply("nhận định thị trường")
        api.clear_calls()
        api.push_text(OFFICER, "Giá xoài tăng.")
        await officer._wait_reply("Gửi theo lịch")
        async with app.sessions() as session:
            [bulletin] = (await session.execute(select(Bulletin))).scalars().all()
        assert bulletin.month == month_payload.split(":")[2]
        assert [p["product"] for p in bulletin.prices][0] == "Xoài cát Hòa Lộc"
    finally:
        await stop_bot(app, channel, http)
