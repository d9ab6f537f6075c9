"""The console's pages over HTTP (SQLite and PostgreSQL), for what the browser test does not walk: a
broadcast due in quiet hours is shown with the time it will really go, a photo goes with a broadcast, the
live count follows the filters, cancel stops the rows, and a bad price table is explained in Vietnamese."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import select

from db.models import Broadcast, OutboxMessage
from tests.broadcast_files import big_photo, photo
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.pushes_support import add_producers
from tests.test_web_access import CSRF, client, sign_in
from tests.web_driver import api, ask_for_link, start_console, stop_console  # noqa: F401

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


async def signed_in(running, http: aiohttp.ClientSession) -> str:  # noqa: ANN001
    """Signs `http` in; returns a CSRF token of its session."""
    await sign_in(http, await ask_for_link(running.api))
    async with http.get(running.url + "/broadcasts/new") as page:
        return CSRF.search(await page.text()).group(1)


async def test_compose_warns_in_quiet_hours_takes_a_photo_and_cancels(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api, quiet_start=time(21), quiet_end=time(7))
    try:
        await add_producers(running.app.sessions, range(700_000, 700_004))
        await add_producers(running.app.sessions, range(700_010, 700_012), group="do-uong")
        async with client() as http:
            csrf = await signed_in(running, http)
            async with http.get(running.url + "/broadcasts/count?group=do-uong") as answer:
                assert (await answer.json())["count"] == 2
            async with http.get(running.url + "/broadcasts/count?stars=9") as answer:
                assert (await answer.json())["count"] is None  # a value no segment has
            evening = (datetime.now(ZONE) + timedelta(days=2)).replace(hour=22, minute=30, second=0, microsecond=0)
            form = aiohttp.FormData()
            for name, value in (("csrf", csrf), ("text", "Họp trực tuyến"), ("group", "thuc-pham"),
                                ("when", evening.strftime("%Y-%m-%dT%H:%M"))):
                form.add_field(name, value)
            form.add_field("attachment", photo(), filename="poster.jpg", content_type="image/jpeg")
            async with http.post(running.url + "/broadcasts/preview", data=form) as preview:
                html = await preview.text()
                assert preview.status == 200, html
            assert "giờ yên lặng" in html and "07:00" in html  # when it will really start
            assert "Số chủ thể sẽ nhận: 4" in html and "poster.jpg" in html and "data:image/jpeg;base64," in html
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html.split('id="confirm"')[1]))
            assert fields["group"] == "thuc-pham" and fields["media"].isdigit()
            async with http.post(running.url + "/broadcasts", data=fields, allow_redirects=False) as created:
                assert created.status == 303
                location = created.headers["Location"]
            async with http.get(running.url + location.removeprefix("/web")) as page:
                html = await page.text()
                assert "giờ yên lặng" in html and "poster.jpg" in html
            async with running.app.sessions() as session:
                broadcast = (await session.execute(select(Broadcast))).scalar_one()
                # the broadcast's rows (the sign-in link sent in chat is an outbox row of its own, source "reply")
                rows = list((await session.execute(select(OutboxMessage).where(OutboxMessage.source == "broadcast"))).scalars())
            assert broadcast.total == 4 and broadcast.media["name"] == "poster.jpg"
            assert {r.data.get("media") for r in rows} == {broadcast.media["id"]}
            async with http.post(f"{running.url}/broadcasts/{broadcast.id}/cancel", data={"csrf": csrf},
                                 allow_redirects=False) as stopped:
                assert stopped.status == 303
            async with running.app.sessions() as session:
                statuses = {r.status for r in (await session.execute(
                    select(OutboxMessage).where(OutboxMessage.source == "broadcast"))).scalars()}  # not the sign-in link's reply
                assert statuses == {"skipped"}
                assert (await session.get(Broadcast, broadcast.id)).status == "cancelled"
    finally:
        await stop_console(running)


async def test_a_bad_price_table_is_explained_in_the_officer_language(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with client() as http:
            csrf = await signed_in(running, http)
            data = {"csrf": csrf, "month": "2031-03", "summary_vi": "Giá ổn định.",
                    "prices": "product,market,unit,price,last_price\n"}
            async with http.post(running.url + "/bulletin", data=data) as page:
                assert page.status == 400
                assert "có dòng tiêu đề nhưng chưa có dòng giá nào" in await page.text()
            data["prices"] += "Xoài,Chợ Cao Lãnh,kg,42000,38000\n"
            async with http.post(running.url + "/bulletin", data=data, allow_redirects=False) as page:
                assert page.status == 303 and page.headers["Location"] == "/web/bulletin/2031-03"  # any month
            async with http.get(running.url + "/bulletin/2031-03") as page:
                html = await page.text()
                assert "Bản tin tháng 03/2031" in html and "MARKET BULLETIN, 03/2031" in html
            async with http.get(running.url + "/bulletin/2031-03/chart-en.png") as chart:
                assert chart.content_type == "image/png" and (await chart.read()).startswith(b"\x89PNG")
    finally:
        await stop_console(running)


async def test_a_big_photo_is_taken_and_made_smaller(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    """The bot's server refuses bodies over 2 MB (webhooks); the console streams its forms, so a 4.6 MB photo
    (under the 10 MB officers may send) still arrives, and is made smaller than 1 MB for Zalo."""
    running = await start_console(database, api)
    try:
        await add_producers(running.app.sessions, range(710_000, 710_002))
        async with client() as http:
            csrf = await signed_in(running, http)
            form = aiohttp.FormData()
            for name, value in (("csrf", csrf), ("text", "Ảnh hội chợ")):
                form.add_field(name, value)
            form.add_field("attachment", big_photo(), filename="hoi-cho.png", content_type="image/png")
            async with http.post(running.url + "/broadcasts/preview", data=form) as preview:
                html = await preview.text()
                assert preview.status == 200, html[:300]
            size = re.search(r"📎 [^(]+\(([^)]+)\)", html).group(1)
            assert size.endswith(" KB")  # under 1 MB now
    finally:
        await stop_console(running)


async def test_odd_ids_in_addresses_are_not_found_not_errors(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with client() as http:
            await signed_in(running, http)
            for path in ("/producers/99999999999999999999", "/producers/²", "/broadcasts/0", "/broadcasts/١٢x",
                         "/bulletin/2026-13", "/bulletin/2026-11/chart-fr.png"):
                async with http.get(running.url + path) as page:
                    assert page.status == 404, path
            async with http.get(running.url + "/exports?year=99999999999") as page:
                assert page.status == 200  # an impossible year is "every year"
    finally:
        await stop_console(running)
