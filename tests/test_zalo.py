"""The Zalo OA channel end to end: real signed webhook posts, the stand-in OA API and OAuth server,
a real database (SQLite and PostgreSQL)."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from bot.channels.base import SendError, SendFailure
from bot.channels.zalo_client import ZaloClient
from bot.core.messages import (
    Attachment,
    Button,
    FileRef,
    Handled,
    Inbound,
    Kind,
    Limits,
    Outgoing,
    Purpose,
    Sent,
)
from db.migrate import upgrade
from db.models import ProcessedUpdate, Profile, User, ZaloToken
from db.repositories import processed_key
from db.session import session_factory
from db.zalo_tokens import ZaloTokenStore
from tests.conftest import Database
from tests.fakes.zalo_api import FakeZaloApi
from tests.zalo_driver import ZaloBot, ZaloUser, api, bot, fixture, running_zalo, sign, zalo_settings  # noqa: F401 - pytest fixtures (shared, see there)

USER = "2468458835296117922"


async def count(bot: ZaloBot, model: type[Any]) -> int:
    async with bot.app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


def inbound(kind: Kind, key: str, **fields: Any) -> Inbound:
    return Inbound("zalo", USER, kind, dedup_key=key, **fields)


# --- webhook: raw Zalo events become neutral inbound messages ------------------------------------------
WEBHOOK_CASES = [
    ("text", lambda ts: inbound(Kind.TEXT, "zalo:96d3cdf3af150460909", text="Xin chào"), 1),
    ("follow", lambda ts: inbound(Kind.STARTED, f"zalo:follow:{USER}:{ts}"), 1),
    ("unfollow", lambda ts: inbound(Kind.STOPPED, f"zalo:unfollow:{USER}:{ts}"), 1),
    ("image", lambda ts: inbound(Kind.FILE, "zalo:a1b2c3d4e5f60718293a", text="Nhãn sản phẩm",
                                 file=FileRef("https://photo-stal.zadn.vn/image/abc.jpg", "photo.jpg", "image/jpeg", True)), 1),
    ("location", lambda ts: inbound(Kind.LOCATION, "zalo:b8de7d84fa1b3043690c", text="Cơ sở sản xuất",
                                    latitude=10.2899, longitude=105.7563), 1),
    ("file", lambda ts: inbound(Kind.FILE, "zalo:c9f0e1d2c3b4a5968778",
                                file=FileRef("https://f.zalo.me/hoso.pdf", "ho-so.pdf", "pdf", size=20480)), 1),
    ("submit_info", lambda ts: inbound(Kind.CONTACT, f"zalo:user_submit_info:{USER}:{ts}", phone="84912345678"), 1),
    ("unknown", lambda ts: None, 0),
]


@pytest.mark.parametrize(("name", "expected", "users"), WEBHOOK_CASES, ids=[c[0] for c in WEBHOOK_CASES])
async def test_webhook_event_becomes_neutral_inbound(bot: ZaloBot, api: FakeZaloApi, name: str, expected: Any,
                                                     users: int) -> None:
    event = fixture(name)
    assert await bot.post(event) == 200
    want = expected(event["timestamp"])
    assert bot.seen == ([want] if want else [])
    assert await count(bot, User) == users
    async with bot.app.sessions() as session:
        keys = list((await session.execute(select(ProcessedUpdate.key))).scalars())
        user = (await session.execute(select(User))).scalar_one_or_none()
    assert keys == ([processed_key(want.dedup_key)] if want else [])  # stored hashed
    if name == "unfollow":
        assert user is not None and user.active is False and api.to(USER) == []  # no answer to a leaver
    if name == "follow":
        assert user is not None and user.channel_user_id == USER and user.active is True
        assert api.to(USER)[-1].labels == ["Tiếng Việt", "English"] and api.to(USER)[-1].endpoint == "cs"
    if name == "unknown":
        assert api.sent == []


async def test_bad_missing_or_old_signatures_are_refused_and_store_nothing(bot: ZaloBot, api: FakeZaloApi) -> None:
    event = fixture("follow")
    raw = json.dumps(event).encode()
    tampered = raw.replace(USER.encode(), b"1111111111111111111")
    old = fixture("follow", timestamp=str(int((time.time() - 3600) * 1000)))
    assert await bot.post(event, signature="") == 403
    assert await bot.post(event, signature=sign(raw, event, secret="not-the-oa-secret")) == 403
    assert await bot.post(event, signature=sign(raw, event).removeprefix("mac=")) == 403
    assert await bot.post(event, body=tampered, signature=sign(raw, event)) == 403  # body changed after signing
    assert await bot.post(old) == 403  # correctly signed, but an hour old: a replay
    assert await bot.post(event, body=b"{not json", signature="mac=00") == 403  # the signature is checked first
    assert await bot.post(event, body=b"[" * 100_000, signature="mac=00") == 403  # never parsed: no 500
    assert bot.seen == [] and api.sent == []
    assert await count(bot, User) == 0 and await count(bot, ProcessedUpdate) == 0
    assert await bot.post(event) == 200  # the same event, properly signed, is accepted
    assert await count(bot, User) == 1


async def test_repeated_msg_id_is_handled_once(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api)
    await user.follow()
    event = fixture("text", message={"text": "2", "msg_id": "repeated0000000000001"})
    assert await bot.post(event) == 200
    after_first = len(api.to(USER))
    assert "Do you agree?" in api.to(USER)[-1].text  # "2" pressed English once
    assert await bot.post(fixture("text", message={"text": "1", "msg_id": "repeated0000000000001"})) == 200
    assert len(api.to(USER)) == after_first  # Zalo's redelivery changed nothing
    async with bot.app.sessions() as session:
        locale = (await session.execute(select(User.locale))).scalar_one()
    assert locale == "en"


async def test_webhook_answers_before_the_event_is_handled(database: Database, api: FakeZaloApi) -> None:
    bot = await running_zalo(database, api)
    release = asyncio.Event()
    handle = bot.channel.handle

    async def slow_handle(inbound: Inbound, limits: Limits) -> Handled:
        await release.wait()
        return await handle(inbound, limits)

    bot.channel.handle = slow_handle
    try:
        event = fixture("follow")
        raw = json.dumps(event).encode()
        async with aiohttp.ClientSession() as client, client.post(
            bot.webhook_url, data=raw, headers={"X-ZEvent-Signature": sign(raw, event)}
        ) as response:
            assert response.status == 200  # answered while the handler is still waiting
        assert api.sent == [] and len(bot.channel._tasks) == 1  # noqa: SLF001 - the kept task
        release.set()
    finally:
        await bot.stop()  # stop() waits for the in-flight event
    assert api.to(USER)[-1].labels == ["Tiếng Việt", "English"]


# --- conversations over Zalo ---------------------------------------------------------------------------
async def test_onboarding_and_settings_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api)
    await user.follow()
    assert "Trợ lý OCOP" in user.text and user.labels() == ["Tiếng Việt", "English"]
    await user.press("Tiếng Việt")
    assert "Bạn có đồng ý không?" in user.text and user.labels() == ["✅ Đồng ý", "Không, cảm ơn"]
    await user.press("Đồng ý")
    assert "Câu 1/6" in user.text
    await user.send("HTX Sen Vàng")
    await user.press("Hợp tác xã")
    assert "Câu 3/6" in user.text
    await user.send("cao lanh")
    assert user.labels()[0] == "Phường Cao Lãnh"
    await user.press("Phường Cao Lãnh")
    await user.press("Thực phẩm")
    await user.send("Xoài sấy dẻo")
    assert "Câu 6/6" in user.text and "gõ số" in user.text  # no share-contact button on Zalo: type it
    assert all("request_contact" not in json.dumps(m.message) for m in user.replies)
    await user.send("0912 345 678")
    assert "Hồ sơ của bạn đã được lưu" in user.text and "⚙️ Cài đặt" in user.text + " ".join(user.labels())
    # Every button went out as an oa.query.hide button whose payload is a registered press.
    for message in api.to(USER):
        assert all(b["type"] == "oa.query.hide" and ":" in b["payload"] for b in message.buttons)
        assert len(message.buttons) <= 5 and message.endpoint == "cs"

    await user.press("Cài đặt")
    await user.press("Hồ sơ của tôi")
    assert "HTX Sen Vàng" in user.text and "Phường Cao Lãnh" in user.text
    await user.press("Sửa sản phẩm chính")
    await user.send("Trà sen")
    assert "Đã lưu" in user.text and "Trà sen" in user.text
    await user.press("Cài đặt")
    await user.press("Hồ sơ của tôi")
    # The profile summary has 8 buttons: 5 in the template, the rest as numbered lines of the text.
    assert len(user.labels()) == 5 and "\n6. Sửa số điện thoại" in user.text
    assert "Sửa số điện thoại" not in user.labels()
    await user.send("6")  # typing the number presses the numbered choice
    await user.send("0987 654 321")
    assert "Đã lưu" in user.text and "+84987654321" in user.text
    await user.press("Cài đặt")
    await user.press("Ngôn ngữ")
    await user.press("English")
    assert "Language saved" in user.text
    async with bot.app.sessions() as session:
        stored = (await session.execute(select(User))).scalar_one()
        profile = await session.get(Profile, stored.id)
    assert stored.locale == "en" and profile is not None
    assert (profile.org_name, profile.commune_code, profile.main_product, profile.phone) == (
        "HTX Sen Vàng", "phuong-cao-lanh", "Trà sen", "+84987654321")


async def test_phone_shared_through_zalo_info_form_is_stored(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api)
    await user.answer_profile_until_phone()
    await user.submit_phone("84912345678")  # user_submit_info: Zalo's own "share my info" form
    assert "Hồ sơ của bạn đã được lưu" in user.text
    async with bot.app.sessions() as session:
        assert (await session.execute(select(Profile.phone))).scalar_one() == "+84912345678"


async def test_more_buttons_than_allowed_fall_back_to_numbered_text(database: Database, api: FakeZaloApi) -> None:
    bot = await running_zalo(database, api, zalo_settings(database, api, zalo_max_buttons=1))
    try:
        user = ZaloUser(bot, api)
        await user.follow()
        assert user.labels() == ["Tiếng Việt"] and "\n2. English" in user.text
        await user.send("2")
        assert "Do you agree?" in user.text
    finally:
        await bot.stop()


# --- sending -------------------------------------------------------------------------------------------
async def test_purpose_picks_the_message_kind_and_long_text_is_split(bot: ZaloBot, api: FakeZaloApi) -> None:
    for purpose, endpoint in ((Purpose.REPLY, "cs"), (Purpose.REMINDER, "transaction"),
                              (Purpose.BULLETIN, "promotion"), (Purpose.BROADCAST, "promotion")):
        sent = await bot.channel.send(USER, Outgoing(text=f"{purpose}"), purpose)
        assert isinstance(sent, Sent) and sent.message_id and api.sent[-1].endpoint == endpoint
    api.sent.clear()
    text = ("Đoạn văn dài về tiêu chí OCOP. " * 150).strip()  # ~4,600 characters
    await bot.channel.send(USER, Outgoing(text=text, buttons=((Button("OK", "menu:open"),),)))
    assert len(api.sent) == 3 and all(len(m.text) <= 2000 for m in api.sent)
    assert [m.labels for m in api.sent] == [[], [], ["OK"]]
    assert "".join(m.text for m in api.sent).replace(" ", "") == text.replace(" ", "")


async def test_image_is_uploaded_then_sent_as_attachment(bot: ZaloBot, api: FakeZaloApi) -> None:
    chart = b"\x89PNG\r\n\x1a\n" + b"0" * 2048
    await bot.channel.send(USER, Outgoing(text="Biểu đồ tháng 11", attachment=Attachment("chart.png", chart)),
                           Purpose.BULLETIN)
    assert api.uploads == [("image", "chart.png", chart)]
    media, caption = api.sent
    element = media.message["attachment"]["payload"]["elements"][0]
    assert element == {"media_type": "image", "attachment_id": element["attachment_id"]}
    assert element["attachment_id"].startswith("image-") and caption.text == "Biểu đồ tháng 11"
    assert {media.endpoint, caption.endpoint} == {"promotion"}


@pytest.mark.parametrize(("code", "status", "failure", "detail"), [
    (-213, 200, SendFailure.BLOCKED, "not reachable"),
    (-230, 200, SendFailure.REFUSED, "quota/window"),
    (-211, 200, SendFailure.REFUSED, "quota/window"),
    (-201, 200, SendFailure.REFUSED, "bad request"),
    (-999, 200, SendFailure.REFUSED, "unknown: zalo -999"),  # one message fails; the channel goes on
    (0, 502, SendFailure.TRANSIENT, "502"),
])
async def test_send_errors_are_classified(bot: ZaloBot, api: FakeZaloApi, code: int, status: int,
                                          failure: SendFailure, detail: str) -> None:
    await bot.channel.send(USER, Outgoing(text="warm up"))
    api.fail_next(code, status=status)
    with pytest.raises(SendError) as raised:
        await bot.channel.send(USER, Outgoing(text="x"), Purpose.BROADCAST)
    assert raised.value.failure is failure and detail in raised.value.detail
    assert USER not in raised.value.detail  # codes are logged, never who


async def test_expired_token_is_refreshed_and_the_message_resent_once(bot: ZaloBot, api: FakeZaloApi) -> None:
    await bot.channel.send(USER, Outgoing(text="first"))
    assert api.refreshes == 1
    api.expire_all_access_tokens()
    await bot.channel.send(USER, Outgoing(text="second"))
    assert api.refreshes == 2 and [m.text for m in api.sent] == ["first", "second"]
    async with bot.app.sessions() as session:
        row = await session.get(ZaloToken, api.app_id)
    assert row is not None and bot.channel.client.store.cipher.open(row.access_token) == api.sent[-1].token  # stored before use
    assert api.sent[-1].token not in row.access_token + row.refresh_token, "stored encrypted"


async def test_token_expiring_in_the_middle_of_a_bulk_send(bot: ZaloBot, api: FakeZaloApi) -> None:
    await bot.channel.client.access_token()
    assert api.refreshes == 1
    api.expire_tokens_after(100)
    users = [f"90000000000000{n:05d}" for n in range(200)]
    results = await asyncio.gather(*(bot.channel.send(u, Outgoing(text=f"Bản tin {u}"), Purpose.BROADCAST)
                                     for u in users))
    assert all(r.message_id for r in results)
    assert api.refreshes == 2  # exactly one refresh for the expiry, however many sends hit -216
    assert sorted(m.user_id for m in api.sent) == users  # every message delivered, once
    assert {m.endpoint for m in api.sent} == {"promotion"} and len({m.token for m in api.sent}) == 2
    assert api.reused_refresh_tokens == 0


async def test_two_processes_never_spend_one_refresh_token_twice(database: Database, api: FakeZaloApi) -> None:
    """Two clients on two engines (= two processes) on one database refresh at the same moment."""
    initial = api.issue_refresh_token()
    engines = [database.engine(), database.engine()]
    await upgrade(engines[0])
    clients = [ZaloClient(api_url=api.url, oauth_url=api.url, app_id=api.app_id, app_secret=api.app_secret,
                          store=ZaloTokenStore(session_factory(e), api.app_id, initial)) for e in engines]
    api.refresh_delay = 0.2  # both wait on the lock while the first refresh is in flight
    try:
        first = await asyncio.gather(*(c.access_token() for c in clients))
        assert first[0] == first[1] and api.refreshes == 1
        api.expire_all_access_tokens()
        again = await asyncio.gather(*(c.refresh(first[0]) for c in clients))
        assert again[0] == again[1] != first[0] and api.refreshes == 2
        assert api.reused_refresh_tokens == 0
    finally:
        for client in clients:
            await client.close()
        for engine in engines:
            await engine.dispose()


async def test_two_bot_processes_sending_when_the_token_expires(database: Database, api: FakeZaloApi) -> None:
    """Two running Zalo channels (own app, engine and pool each) on one database, like two processes."""
    settings = zalo_settings(database, api)
    bots = [await running_zalo(database, api, settings) for _ in range(2)]
    api.refresh_delay = 0.1
    try:
        await asyncio.gather(*(b.channel.send(USER, Outgoing(text="warm up")) for b in bots))
        assert api.refreshes == 1
        api.expire_all_access_tokens()
        users = [f"80000000000000{n:05d}" for n in range(40)]
        await asyncio.gather(*(bots[n % 2].channel.send(u, Outgoing(text="tin"), Purpose.BROADCAST)
                               for n, u in enumerate(users)))
        assert api.refreshes == 2 and api.reused_refresh_tokens == 0
        assert sorted(m.user_id for m in api.sent if m.endpoint == "promotion") == users
    finally:
        for running in bots:
            await running.stop()


class RecordingChannel:
    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Outgoing]] = []

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        self.sent.append((user_id, message))
        return Sent()


async def test_refresh_failure_tells_officers_once_and_keeps_pushes_queued(database: Database,
                                                                          api: FakeZaloApi) -> None:
    officers = RecordingChannel()
    settings = zalo_settings(database, api, zalo_refresh_token="revoked-by-admin", officers=["telegram:42"])
    bot = await running_zalo(database, api, settings, officer_channels={"telegram": officers})
    try:
        for _ in range(2):
            with pytest.raises(SendError) as raised:
                await bot.channel.send(USER, Outgoing(text="Nhắc hạn nộp hồ sơ"), Purpose.REMINDER)
            assert raised.value.failure is SendFailure.CONFIG  # delivery keeps the row for later
        assert bot.channel.healthy is False and api.sent == []
        assert len(officers.sent) == 1 and officers.sent[0][0] == "42"
        assert "Zalo OA" in officers.sent[0][1].text and "cấp quyền lại" in officers.sent[0][1].text
        async with aiohttp.ClientSession() as client, client.get(f"{bot.http.url}/zalo/health") as response:
            assert response.status == 503
    finally:
        await bot.stop()
    # An OA admin authorises again: the new OCOP_ZALO_REFRESH_TOKEN replaces the dead one on restart.
    settings = zalo_settings(database, api, zalo_refresh_token=api.issue_refresh_token())
    bot = await running_zalo(database, api, settings)
    try:
        await bot.channel.send(USER, Outgoing(text="Nhắc hạn nộp hồ sơ"), Purpose.REMINDER)
        assert [m.endpoint for m in api.sent] == ["transaction"] and bot.channel.healthy
        async with aiohttp.ClientSession() as client, client.get(f"{bot.http.url}/zalo/health") as response:
            assert response.status == 200
    finally:
        await bot.stop()
    # A restart with the same (now spent) variable keeps the stored, newer refresh token.
    bot = await running_zalo(database, api, settings)
    try:
        bot.channel.client.margin = timedelta(days=30)  # force a refresh: the stored token must be the one used
        await bot.channel.send(USER, Outgoing(text="again"))
        assert api.reused_refresh_tokens == 0 and len(api.sent) == 2
    finally:
        await bot.stop()


async def test_access_token_is_refreshed_before_it_expires(bot: ZaloBot, api: FakeZaloApi) -> None:
    api.expires_in = 120  # shorter than the 5-minute margin: every use counts as "about to expire"
    await bot.channel.send(USER, Outgoing(text="one"))
    await bot.channel.send(USER, Outgoing(text="two"))
    assert api.refreshes == 2
    refused = [r for r in api.requests if r.path.startswith("/v3.0/") and r.headers.get("access_token") not in
               {m.token for m in api.sent}]
    assert refused == []  # refreshed ahead of time: Zalo never had to answer -216


async def test_run_stops_naming_the_missing_zalo_variable(tmp_path: Any) -> None:
    from bot.core.config import ConfigError, Settings
    from bot.runner import run_forever

    settings = Settings(_env_file=None, database_url=f"sqlite+direct:///{tmp_path}/x.db",  # type: ignore[call-arg]
                        zalo_app_id="1", zalo_oa_secret="o")
    with pytest.raises(ConfigError, match="OCOP_ZALO_APP_SECRET"):
        await run_forever(settings)


def test_settings_name_the_missing_zalo_secret() -> None:
    from bot.core.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="OCOP_ZALO_OA_SECRET"):
        Settings(_env_file=None, zalo_app_id="1", zalo_app_secret="s").require_zalo()  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="OCOP_ZALO_APP_SECRET"):
        Settings(_env_file=None, zalo_app_id="1", zalo_oa_secret="o").require_zalo()  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="OCOP_ZALO_TOKEN_KEY"):
        Settings(_env_file=None, zalo_app_id="1", zalo_app_secret="s", zalo_oa_secret="o").require_zalo()  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="OCOP_ZALO_TOKEN_KEY is not a Fernet key"):
        Settings(_env_file=None, zalo_app_id="1", zalo_app_secret="s", zalo_oa_secret="o",  # type: ignore[call-arg]
                 zalo_token_key="short").require_zalo()
    Settings(_env_file=None, zalo_app_id="1", zalo_app_secret="s", zalo_oa_secret="o",  # type: ignore[call-arg]
             zalo_token_key=Fernet.generate_key().decode()).require_zalo()

