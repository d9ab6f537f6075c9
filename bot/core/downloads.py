"""Files users send, fetched from their channel: a channel that can download registers itself here by name,
so handlers (which do not see channel objects) can read an uploaded document, e.g. an officer's price CSV."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Downloader = Callable[[str], Awaitable[bytes]]

_downloaders: dict[str, Downloader] = {}


def register_downloader(channel: str, download: Downloader) -> None:
    _downloaders[channel] = download


async def download(channel: str, file_id: str) -> bytes | None:
    """The file's bytes, or None when that channel cannot download files."""
    downloader = _downloaders.get(channel)
    return None if downloader is None else await downloader(file_id)
