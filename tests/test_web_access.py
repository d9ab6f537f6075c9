"""Who gets into the officers' web console (SQLite and PostgreSQL), over HTTP against the running bot: a
page without a session, a form without its CSRF token, a reused or expired link, a forged cookie, a
producer's session and an officer on an admin page are all refused and change nothing; sign-in is
audited and rate-limited; sign-out ends the session. The browser tests are in test_web_browser.py."""

from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
from sqlalchemy import func, select

from bot.officer.roles import set_role
from bot.web.access import cookie_value, digest, open_session
from db.models import AuditEntry, ProvinceDeadlineRow, User, WebLink, utcnow
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.web_driver import OFFICER, SECRET, api, ask_for_link, start_console, stop_console  # noqa: F401

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies for 127.0.0.1


async def sign_in(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    token = link.rsplit("/", 1)[1]
    async with http.post(link.rsplit("/", 1)[0], data={"token": token}, allow_redirects=False) as response:
        await response.read()
        return response


async def count(app, model, *where) -> int:  # noqa: ANN001
    async with app.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def test_a_link_from_chat_opens_one_session_once(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with client() as http:
            async with http.get(running.url + "/") as page:
                assert page.status == 401 and "/web" in await page.text()  # no session: how to get a link
            link = await ask_for_link(api)
            assert link.startswith(running.url + "/login/")
            async with http.get(link) as page:  # a chat app fetching the link for a preview spends nothing
                assert page.status == 200 and 'name="token"' in await page.text()
            response = await sign_in(http, link)
            assert response.status == 303 and response.headers["Location"] == "/web/"
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/web" in cookie and "Max-Age=28800" in cookie
            async with http.get(running.url + "/") as page:
                assert page.status == 200 and "Tổng quan" in await page.text()
        async with client() as other:  # the same link again, from another browser: refused
            again = await sign_in(other, link)
            assert again.status == 403
            async with other.get(running.url + "/") as page:
                assert page.status == 401
        entries = await actions(running.app)
        assert entries.count("web.link") == 1 and entries.count("web.signin") == 1
        assert entries.count("web.signin_failed") == 1
        async with running.app.sessions() as session:  # only the token's hash is kept, and nothing logs it
            token = link.rsplit("/", 1)[1]
            assert await session.get(WebLink, digest(token)) is not None
            details = [str(e.details) for e in (await session.execute(select(AuditEntry))).scalars()]
            assert not any(token in d for d in details)
    finally:
        await stop_console(running)


async def actions(app) -> list[str]:  # noqa: ANN001
    async with app.sessions() as session:
        return list((await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars())


async def test_an_expired_or_unknown_link_and_a_forged_cookie_are_refused(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        link = await ask_for_link(api)
        async with running.app.sessions() as session, session.begin():
            row = await session.get(WebLink, digest(link.rsplit("/", 1)[1]))
            row.expires_at = utcnow() - timedelta(seconds=1)  # the few minutes have passed
        async with client() as http:
            expired = await sign_in(http, link)
            assert expired.status == 403
            async with http.post(running.url + "/login", data={"token": "not-a-token"}) as unknown:
                assert unknown.status == 403 and "không đúng" in await unknown.text()
            officer = await user(running.app, OFFICER)
            async with running.app.sessions() as session, session.begin():
                session_id = await open_session(session, officer, utcnow(), 8)
            forged = session_id + ".AAAA" + cookie_value(SECRET, session_id)[-10:]
            http.cookie_jar.update_cookies({"ocop_web": forged})
            async with http.get(running.url + "/") as page:
                assert page.status == 401
            http.cookie_jar.update_cookies({"ocop_web": cookie_value("another key " * 4, session_id)})
            async with http.get(running.url + "/") as page:
                assert page.status == 401
            http.cookie_jar.update_cookies({"ocop_web": cookie_value(SECRET, session_id)})
            async with http.get(running.url + "/") as page:
                assert page.status == 200
        assert (await actions(running.app)).count("web.signin_failed") == 2
    finally:
        await stop_console(running)


async def test_forms_without_their_csrf_token_change_nothing(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with client() as http:
            await sign_in(http, await ask_for_link(api))
            async with http.get(running.url + "/calendar") as page:
                csrf = CSRF.search(await page.text()).group(1)
            form = {"date": "2027-03-01", "title": "Hạn báo cáo quý I"}
            async with http.post(running.url + "/calendar", data=form, allow_redirects=False) as refused:
                assert refused.status == 403
            async with http.post(running.url + "/calendar", data={**form, "csrf": "x" * 43}, allow_redirects=False) as wrong:
                assert wrong.status == 403
            async with http.post(running.url + "/calendar", data={**form, "csrf": csrf}, allow_redirects=False,
                                 headers={"Origin": "https://evil.example"}) as elsewhere:
                assert elsewhere.status == 403  # a form posted from another site, even with a token
            assert await count(running.app, ProvinceDeadlineRow) == 0
            async with http.post(running.url + "/calendar", data={**form, "csrf": csrf}, allow_redirects=False) as done:
                assert done.status == 303
            assert await count(running.app, ProvinceDeadlineRow) == 1
            async with http.post(running.url + "/signout", data={}, allow_redirects=False) as out:
                assert out.status == 403  # sign-out is a form too
            async with http.post(running.url + "/signout", data={"csrf": csrf}) as out:
                assert out.status == 200
            async with http.get(running.url + "/calendar") as page:
                assert page.status == 401  # the session ended on the server, not only in this browser
    finally:
        await stop_console(running)


async def user(app, chat_id: int) -> User:  # noqa: ANN001
    async with app.sessions() as session:
        return (await session.execute(select(User).where(User.channel_user_id == str(chat_id)))).scalar_one()


async def test_a_producer_session_and_an_officer_on_admin_pages_are_refused(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with running.app.sessions() as session, session.begin():
            producer = await set_role(session, "telegram", "777", "officer")
            producer.role = "producer"  # a session row for a producer (say, an officer since demoted)
            producer_session = await open_session(session, producer, utcnow(), 8)
        async with client() as http:
            http.cookie_jar.update_cookies({"ocop_web": cookie_value(SECRET, producer_session)})
            for path in ("/", "/producers", "/inbox", "/exports/ocop-bao-cao.xlsx", "/broadcasts/count"):
                async with http.get(running.url + path) as page:
                    assert page.status == 403, path
                    assert "chỉ dành cho cán bộ" in await page.text()
        async with client() as http:
            await sign_in(http, await ask_for_link(api))
            async with http.get(running.url + "/audit") as page:
                assert page.status == 403  # officers are not admins
            async with http.get(running.url + "/officers") as page:
                assert page.status == 403
            async with running.app.sessions() as session, session.begin():
                await set_role(session, "telegram", str(OFFICER), "producer")
            async with http.get(running.url + "/") as page:
                assert page.status == 403  # the role is checked on every request: demoted means out
        api.clear_calls()
        api.push_command(777, "/web")  # a producer asking the bot for a link gets a refusal, no link
        call = await api.wait_for(lambda c: c.chat_id == 777, method="sendMessage", timeout=10)
        assert "/web/login/" not in (call.text or "")
    finally:
        await stop_console(running)


async def test_failed_sign_ins_are_rate_limited_and_links_too(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    try:
        async with client() as http:
            for _ in range(10):
                async with http.post(running.url + "/login", data={"token": "guess"}) as response:
                    assert response.status == 403
            link = await ask_for_link(api)
            good = await sign_in(http, link)
            assert good.status == 429  # even a good link waits once this address failed ten times
        for _ in range(4):
            await ask_for_link(api)
        api.clear_calls()
        api.push_command(OFFICER, "/web")  # the sixth link within a quarter of an hour
        call = await api.wait_for(lambda c: c.chat_id == OFFICER, method="sendMessage", timeout=10)
        assert "/web/login/" not in (call.text or "") and "15 phút" in (call.text or "")
    finally:
        await stop_console(running)
