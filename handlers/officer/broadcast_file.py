"""The photo or document an officer sends while writing a broadcast: fetched from their channel, checked
(type and size, bot/broadcasts/media.py), stored in the database. The conversation state keeps only its
id and description, never the bytes. Also: taking the file off again, and showing it in the preview."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.broadcasts.media import (
    MediaError,
    check_file,
    discard_media,
    limit_for,
    load_media,
    media_info,
    size_text,
    store_media,
)
from bot.broadcasts.source import MediaBytes, read_remote_ids
from bot.core.context import Context
from bot.core.downloads import download
from bot.core.i18n import N_
from bot.core.messages import Attachment
from handlers.producer.menu import back_to_menu_row

log = logging.getLogger(__name__)
KINDS = {True: N_("broadcast.kind_photo"), False: N_("broadcast.kind_document")}


async def receive_file(ctx: Context) -> dict[str, Any] | None:
    """The stored file's description (replacing the file sent before, if any); None after telling the
    officer why it cannot go with a broadcast (nothing is stored then, the draft stays as it was)."""
    ref = ctx.inbound.file
    rows = refused_rows(ctx)
    if ref is None:
        ctx.reply("broadcast.file_unavailable", buttons=rows)
        return None
    kind = "photo" if ref.is_image else "document"
    if ref.size > limit_for(kind):  # the platform told us the size: no need to download it
        ctx.reply("broadcast.file_too_big", buttons=rows, size=size_text(ref.size), limit=size_text(limit_for(kind)))
        return None
    try:
        data = await download(ctx.inbound.channel, ref.file_id)
    except Exception:  # the platform refused (e.g. over a bot's 20 MB download limit) or is unreachable
        log.warning("could not download an officer's broadcast file on %s", ctx.inbound.channel, exc_info=True)
        data = None
    if data is None:
        ctx.reply("broadcast.file_unavailable", buttons=rows)
        return None
    try:
        file = await asyncio.to_thread(check_file, data, ref.name)
    except MediaError as exc:
        tell_refused(ctx, exc)
        return None
    row = await store_media(ctx.repos.session, file, created_by=ctx.user.id, now=ctx.now)
    if ctx.data.get("media"):
        await discard_media(ctx.repos.session, int(ctx.data["media"]["id"]))
    if file.reencoded:
        ctx.reply("broadcast.file_reencoded", size=size_text(file.size), original=size_text(len(data)))
    return media_info(row)


def refused_rows(ctx: Context) -> list[list[Any]]:
    """After a refused file: back to the draft as it was (when it has a text already), or the menu."""
    keep = [[ctx.button("broadcast.keep", "broadcast", "audience")]] if ctx.data.get("text") else []
    return [*keep, back_to_menu_row(ctx)]


def tell_refused(ctx: Context, error: MediaError) -> None:
    rows = refused_rows(ctx)
    if error.code == "too_big":
        ctx.reply("broadcast.file_too_big", buttons=rows, size=error.values["size"], limit=error.values["limit"])
    elif error.code == "wrong_type":
        ctx.reply("broadcast.file_wrong_type", buttons=rows)
    elif error.code == "bad_shape":
        ctx.reply("broadcast.file_bad_shape", buttons=rows)
    else:
        ctx.reply("broadcast.file_bad_image", buttons=rows)


def attached_line(ctx: Context, media: dict[str, Any]) -> str:
    """"📎 With a photo: poster.jpg (240 KB)"."""
    return ctx.t("broadcast.attached", kind=ctx.t(KINDS[bool(media.get("is_image"))]), name=media.get("name", ""),
                 size=size_text(int(media.get("size", 0))))


async def remove_file(ctx: Context) -> None:
    """Takes the file off the draft (the text stays) and deletes it."""
    media = ctx.data.get("media")
    if media:
        await discard_media(ctx.repos.session, int(media["id"]))
    ctx.remember(media=None)


async def preview_attachment(ctx: Context, media: dict[str, Any]) -> Attachment | None:
    """The file as producers will get it, sent to the officer by its platform id when one is known;
    None when it is no longer stored."""
    row = await load_media(ctx.repos.session, int(media["id"]))
    if row is None:
        return None
    stored = MediaBytes(row.id, row.name, row.is_image, bytes(row.data), read_remote_ids(row.remote_ids))
    return stored.attachment(stored.remote_id(ctx.inbound.channel, ctx.now))
