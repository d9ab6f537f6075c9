"""Bounded input at the webhooks: the body read with a size cap, and JSON parsed only when its nesting is
shallow (Python's parser recurses: `[` × 100,000 is a RecursionError, a 500 and a traceback). Nothing
here trusts the body; the callers check the signature or the secret token first.

Sizes: a Telegram update carries at most 4,096 characters of text plus entities, a Zalo event a
2,000-character text and a few ids; 256 KiB is far above either and far below anything that hurts.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32  # Telegram's deepest real update (a reply inside a callback's message) is under 12
MAX_TEXT_CHARS = 8192  # what a text field may hold: Telegram allows 4,096, Zalo about 2,000; console lines too


class Refused(Exception):  # noqa: N818 - it carries the HTTP status to answer
    """The request is not accepted: answer `status`, change nothing, log nothing of its content."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> web.Response:
        return web.Response(status=self.status, text=self.reason)


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused with 413 beyond `limit` bytes (by Content-Length, or while reading)."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, "too large")
    data = bytearray()
    async for chunk in request.content.iter_chunked(65536):
        data += chunk
        if len(data) > limit:
            raise Refused(413, "too large")
    return bytes(data)


def json_depth_within(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests objects and arrays at most `limit` deep (strings skipped), checked
    on the raw bytes before any parsing."""
    if body.count(b"[") + body.count(b"{") <= limit:  # the usual update: nothing to walk
        return True
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def parse_object(body: bytes) -> dict[str, Any]:
    """A JSON object from a body already authenticated, or Refused(400): bad UTF-8 or JSON, too deep, or
    anything but an object at the top."""
    if not json_depth_within(body):
        raise Refused(400, "too deep")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise Refused(400, "bad json") from None
    if not isinstance(value, dict):
        raise Refused(400, "not an object")
    return value
