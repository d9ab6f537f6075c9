"""End-to-end checks of tests.fakes.telegram_api.FakeBotApi with the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import FakeBotApi

CHAT = 1001

# RetryAfter.__init__ itself reads the deprecated int-valued ``retry_after``.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.file_base_url) as b:
        yield b


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Có", callback_data="yes"), InlineKeyboardButton("Không", callback_data="no")]]
    )


# --------------------------------------------------------------------------- plain Bot


async def test_get_me_and_send_message_with_keyboard(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "test_bot"

    msg = await bot.send_message(CHAT, "Xin chào", reply_markup=_keyboard())
    assert msg.text == "Xin chào"
    assert msg.chat.id == CHAT and msg.chat.type == "private"
    assert msg.from_user.id == me.id
    assert msg.reply_markup.inline_keyboard[0][1].callback_data == "no"

    msg2 = await bot.send_message(CHAT, "123")  # numeric-looking text stays a string
    assert msg2.message_id > msg.message_id

    [first, second] = api.sent(CHAT)
    assert first.method == "sendMessage"
    assert first.params["chat_id"] == CHAT  # JSON-decoded to int
    assert first.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Có", "callback_data": "yes"}, {"text": "Không", "callback_data": "no"}]
        ]
    }
    assert second.params["text"] == "123"
    assert api.sent_texts(CHAT) == ["Xin chào", "123"]
    assert api.sent(CHAT + 1) == []
    assert api.delivered[CHAT] == 2
    assert api.calls[0].method == "getMe"  # Bot.initialize()


async def test_send_photo_and_document_record_files(api: FakeBotApi, bot: Bot) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    photo_msg = await bot.send_photo(CHAT, photo=png, caption="Ảnh sản phẩm")
    assert photo_msg.caption == "Ảnh sản phẩm" and photo_msg.photo
    call = api.sent(CHAT)[-1]
    assert call.method == "sendPhoto"
    filename, data = call.files["photo"]
    assert data == png and filename

    doc_msg = await bot.send_document(CHAT, document=b"a,b\n1,2\n", filename="bao_cao.csv")
    assert doc_msg.document.file_name == "bao_cao.csv"
    assert api.sent(CHAT)[-1].files["document"] == ("bao_cao.csv", b"a,b\n1,2\n")

    # getFile + download through base_file_url
    tg_file = await doc_msg.document.get_file()
    assert tg_file.file_path.startswith(api.file_base_url)
    assert bytes(await tg_file.download_as_bytearray()) == b"a,b\n1,2\n"

    # re-sending by file_id needs no upload
    again = await bot.send_document(CHAT, document=doc_msg.document.file_id)
    assert again.document.file_id == doc_msg.document.file_id
    assert api.sent(CHAT)[-1].files == {}


async def test_edit_delete_commands_and_misc(api: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_message(CHAT, "Câu hỏi", reply_markup=_keyboard())
    edited = await bot.edit_message_text("Đã trả lời", chat_id=CHAT, message_id=msg.message_id)
    assert edited.text == "Đã trả lời" and edited.reply_markup is None  # text edit drops the keyboard
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("Đã trả lời", chat_id=CHAT, message_id=msg.message_id)
    edited = await bot.edit_message_reply_markup(
        chat_id=CHAT, message_id=msg.message_id, reply_markup=_keyboard()
    )
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "yes"
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=99999)

    assert await bot.send_chat_action(CHAT, "typing")
    assert await bot.delete_message(CHAT, msg.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(CHAT, msg.message_id)

    assert await bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")
    assert await bot.set_my_commands([BotCommand("start", "Start")])
    assert api.commands[("default", "vi")] == [{"command": "start", "description": "Bắt đầu"}]
    assert api.commands[("default", "")][0]["description"] == "Start"
    assert api.calls_to("setMyCommands")[0].params["language_code"] == "vi"
    assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["start"]

    assert await bot.set_webhook("https://example.test/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.test/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert (await bot.get_chat(CHAT)).type == "private"
    assert await bot.close()
    assert await bot.log_out()


async def test_custom_method_handler(api: FakeBotApi, bot: Bot) -> None:
    from tests.fakes import ApiError

    api.on("getChatMemberCount", lambda params: 42 if params["chat_id"] == -100 else 0)
    assert await bot.get_chat_member_count(-100) == 42

    def refuse(params: dict) -> None:
        raise ApiError(400, "Bad Request: chat not found")

    api.on("sendMessage", refuse)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(CHAT, "x")
    assert api.errors == []


async def test_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass
    assert api.calls[-1].status == 401


# --------------------------------------------------------------------------- faults & limits


async def test_blocked_chat_raises_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.blocked_chats.add(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hello")
    call = api.calls[-1]
    assert call.status == 403
    assert call.response == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    assert api.sent(CHAT) == [] and len(api.sent(CHAT, include_failed=True)) == 1
    assert api.delivered[CHAT] == 0
    await bot.send_message(CHAT + 1, "other chats still work")


async def test_fail_next_429_and_500(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next(2, status=429, retry_after=3)
    for _ in range(2):
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "x")
        assert _retry_seconds(info.value) == 3
    assert api.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    await bot.send_message(CHAT, "third one goes through")

    api.fail_next(1, status=500)
    assert await bot.get_me()  # non-send methods are not affected
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "x")
    await bot.send_message(CHAT, "ok again")
    assert api.sent_texts(CHAT) == ["third one goes through", "ok again"]
    assert api.rate_violations == 0


async def test_per_chat_rate_limit() -> None:
    async with (
        FakeBotApi(per_chat_per_second=1.0) as api,
        Bot(api.token, base_url=api.base_url) as bot,
    ):
        await bot.send_message(CHAT, "first")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "second")
        assert _retry_seconds(info.value) >= 1
        await bot.send_message(CHAT + 1, "another chat is fine")
        assert api.rate_violations == 1
        assert api.delivered == {CHAT: 1, CHAT + 1: 1}
        assert api.sent_texts(CHAT) == ["first"]


async def test_overall_rate_limit_sliding_window() -> None:
    clock = FakeClock()
    async with (
        FakeBotApi(overall_per_second=3, per_chat_per_second=1.0, clock=clock) as api,
        Bot(api.token, base_url=api.base_url) as bot,
    ):
        for chat in (1, 2, 3):
            await bot.send_message(chat, "x")
            clock.now += 0.2
        with pytest.raises(RetryAfter):
            await bot.send_message(4, "x")  # 4th within one second
        clock.now = 1000.0 + 1.0  # the send at t=1000.0 leaves the window
        await bot.send_message(4, "x")
        with pytest.raises(RetryAfter):
            await bot.send_message(5, "x")
        clock.now += 0.25  # t=1001.25: send at 1000.2 left the window, chat 1 sent 1.25 s ago
        await bot.send_message(1, "x")
        assert api.rate_violations == 2
        assert sum(api.delivered.values()) == 5


# --------------------------------------------------------------------------- raw getUpdates


async def test_get_updates_offset_and_long_poll(api: FakeBotApi) -> None:
    url = f"{api.base_url}{api.token}/getUpdates"
    async with ClientSession() as http:

        async def get_updates(**params: object) -> list[dict]:
            async with http.post(url, data={k: str(v) for k, v in params.items()}) as resp:
                body = await resp.json()
            assert body["ok"] is True
            return body["result"]

        u1 = api.push_text(7, "một")
        u2 = api.push_text(7, "hai")
        assert [u["update_id"] for u in await get_updates()] == [u1, u2]
        assert [u["update_id"] for u in await get_updates(offset=u2)] == [u2]  # u1 confirmed
        assert api.pending_updates[0]["update_id"] == u2
        assert await get_updates(offset=u2 + 1) == []  # all confirmed

        # long poll returns as soon as an update is pushed
        t0 = time.perf_counter()
        poll = asyncio.create_task(get_updates(offset=u2 + 1, timeout=30))
        await asyncio.sleep(0.1)
        u3 = api.push_text(7, "ba")
        result = await asyncio.wait_for(poll, 2)
        assert [u["update_id"] for u in result] == [u3]
        assert result[0]["message"]["text"] == "ba"
        assert time.perf_counter() - t0 < 1.0

        # with nothing to deliver it waits, but never longer than max_poll_timeout (1 s)
        t0 = time.perf_counter()
        assert await get_updates(offset=u3 + 1, timeout=30) == []
        assert 0.9 <= time.perf_counter() - t0 < 2.0

        # JSON bodies are accepted too
        async with http.post(url, json={"offset": u3 + 1, "timeout": 0}) as resp:
            assert (await resp.json()) == {"ok": True, "result": []}


async def test_update_builders_parse_in_ptb(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(5, "Chọn", reply_markup=_keyboard())
    text = Update.de_json(api.make_update_json("text", 5, "xin chào", first_name="Lan"), bot)
    assert text.message.text == "xin chào" and text.effective_user.first_name == "Lan"
    assert text.effective_user.language_code == "vi" and text.effective_chat.type == "private"
    cmd = Update.de_json(api.make_update_json("command", 5, "/start ref_42"), bot)
    assert cmd.message.entities[0].type == "bot_command" and cmd.message.entities[0].length == 6
    cb = Update.de_json(api.make_update_json("callback", 5, "yes"), bot)
    assert cb.callback_query.data == "yes" and cb.callback_query.message.message_id == sent.message_id
    assert cb.callback_query.message.reply_markup.inline_keyboard[0][0].callback_data == "yes"
    synthetic = Update.de_json(api.make_update_json("callback", 6, "x"), bot)  # nothing sent to chat 6
    assert synthetic.callback_query.message.chat.id == 6
    contact = Update.de_json(api.make_update_json("contact", 5, "+84901234567"), bot)
    assert contact.message.contact.phone_number == "+84901234567" and contact.message.contact.user_id == 5
    ids = [u.update_id for u in (text, cmd, cb, synthetic, contact)]
    assert ids == sorted(set(ids))
    assert api.pending_updates == []  # make_update_json does not queue


async def test_post_to_webhook(api: FakeBotApi, bot: Bot) -> None:
    received: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        host, port = runner.addresses[0][:2]
        await bot.set_webhook(f"http://{host}:{port}/hook", secret_token="s3cret")
        update = api.make_update_json("text", 9, "qua webhook")
        assert await api.post_to_webhook(update) == 200
        assert received == [(update, "s3cret")]
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- Application polling


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder().token(api.token).base_url(api.base_url).base_file_url(api.file_base_url).build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"start args={context.args}", reply_markup=_keyboard())

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"chosen: {query.data}")

    async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"phone {update.effective_message.contact.phone_number}")

    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(MessageHandler(filters.CONTACT, contact))
    application.add_handler(CallbackQueryHandler(button))
    async with application:
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def test_polling_echo_command_callback_contact(api: FakeBotApi, app: Application) -> None:
    t0 = time.perf_counter()
    api.push_text(CHAT, "Xin chào bot")
    call = await api.wait_for(method="sendMessage", chat_id=CHAT)
    assert call.params["text"] == "echo: Xin chào bot"
    assert time.perf_counter() - t0 < 1.0  # long poll is woken by the push, no waiting

    api.push_command(CHAT, "/start abc")
    start_call = await api.wait_for(lambda c: c.method == "sendMessage" and c.text.startswith("start"))
    assert start_call.text == "start args=['abc']"
    start_msg_id = start_call.result["message_id"]

    api.push_callback(CHAT, "yes")  # pressed on the bot's last message (the /start reply)
    answer = await api.wait_for(method="answerCallbackQuery")
    assert answer.params["text"] == "got yes"
    edit = await api.wait_for(method="editMessageText")
    assert edit.params["message_id"] == start_msg_id and edit.params["text"] == "chosen: yes"
    assert api.messages[(CHAT, start_msg_id)]["text"] == "chosen: yes"

    api.push_contact(CHAT, "0901234567")
    await api.wait_for(lambda c: c.text == "phone 0901234567")

    assert api.sent_texts(CHAT) == ["echo: Xin chào bot", "start args=['abc']", "phone 0901234567"]
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]


async def test_polling_many_users_and_clean_shutdown(api: FakeBotApi) -> None:
    application = (
        ApplicationBuilder().token(api.token).base_url(api.base_url).concurrent_updates(True).build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text.upper())

    application.add_handler(MessageHandler(filters.TEXT, echo))
    t0 = time.perf_counter()
    async with application:
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        for user in range(1, 51):
            api.push_text(user, f"hello {user}")
        await api.wait_until(lambda: sum(api.delivered.values()) >= 50)
        await application.updater.stop()
        await application.stop()
    assert time.perf_counter() - t0 < 5.0
    assert api.sent_texts(7) == ["HELLO 7"]
    assert api.pending_updates == []  # the final getUpdates confirmed everything


async def test_wait_for_timeout_message(api: FakeBotApi) -> None:
    with pytest.raises(TimeoutError, match="no matching call"):
        await api.wait_for(method="sendMessage", timeout=0.1)
