"""Wiring of the Zalo OA channel: its token store in our database, its client, and who hears about a
token failure. Kept out of bot/channels/zalo.py, which must not know the database or the catalogs."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.app import App
from bot.channels.base import Channel, SendError
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloClient
from bot.core.http import HttpServer
from bot.core.inbox import Inbox
from bot.core.messages import Outgoing
from db.zalo_tokens import ZaloTokenStore

log = logging.getLogger(__name__)


def build_zalo_channel(app: App, http: HttpServer, officer_channels: Mapping[str, Channel] | None = None) -> ZaloChannel:
    """The Zalo channel on `http`; a token failure is told to the officers on `officer_channels`
    (Telegram, console…: not Zalo itself, which is what failed)."""
    settings = app.settings
    store = ZaloTokenStore(app.sessions, settings.zalo_app_id, settings.zalo_refresh_token,
                           key=settings.zalo_token_key)
    client = ZaloClient(api_url=settings.zalo_api_url, oauth_url=settings.zalo_oauth_url,
                        app_id=settings.zalo_app_id, app_secret=settings.zalo_app_secret, store=store)

    async def tell_officers(detail: str) -> None:
        t = app.i18n.translator(settings.default_locale)
        text = t("zalo.token_failed")
        reached = 0
        for channel_name, user_id in sorted(settings.officer_ids()):
            channel = (officer_channels or {}).get(channel_name)
            if channel is None or channel_name == "zalo":
                continue
            try:
                await channel.send(user_id, Outgoing(text=text))
                reached += 1
            except SendError as exc:
                log.warning("could not tell an officer on %s: %s", channel_name, exc.failure)
        if not reached:
            log.error("no officer could be told that Zalo refused our token; /healthz-style flag: channel.healthy")

    return app.connect(ZaloChannel(app.engine.handle, settings, client, http=http, on_token_failure=tell_officers,
                                   inbox=Inbox(app.sessions)))
