"""Evidence per dossier item: the producer chooses an item by button (a row of Mẫu 02's guidance table, which
the checklist items map to, or a criterion of their self-assessment's score sheet), then sends a photo or a
document. The file is fetched from the channel, checked (type by its first bytes; size against the platform's
and our limits and the producer's quota, settings `evidence_*`) and stored in the database (db/evidence.py). The list shows which items have evidence; a file can be replaced or removed. A file sent
outside an evidence step is answered and not stored.
"""

from __future__ import annotations

import logging

from bot.channels.limits import file_receive_limit
from bot.core.context import Context, Router
from bot.core.downloads import download
from bot.core.i18n import N_
from bot.core.messages import Kind
from bot.core.typed import payload_id, typed_number
from bot.forms import EVIDENCE_TOPICS, TOPIC_BY_KEY
from db.evidence import add_evidence, list_evidence, remove_evidence, usage
from handlers.producer.dossier_send import last_assessment
from handlers.producer.menu import back_to_menu_row, page_of, paging_row, show_menu

router = Router()
log = logging.getLogger(__name__)
FLOW = "evidence"
PAGE_SIZE = 8

# The types a dossier takes, known by their first bytes (a name or a MIME type can say anything).
_PK = b"PK\x03\x04"
TYPES = {"jpg": (b"\xff\xd8\xff", "image/jpeg"), "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
         "pdf": (b"%PDF-", "application/pdf"), "doc": (b"\xd0\xcf\x11\xe0", "application/msword")}
OFFICE = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def file_type(data: bytes, name: str) -> tuple[str, str] | None:
    """(extension, MIME type) of an accepted file, from its bytes (DOCX/XLSX: a ZIP named so); else None."""
    for ext, (magic, mime) in TYPES.items():
        if data.startswith(magic):
            return ext, mime
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(_PK) and ext in OFFICE:
        return ext, OFFICE[ext]
    return None


def size_text(ctx: Context, size: int) -> str:
    if size >= 1024 * 1024:
        return ctx.t("evidence.size_mb", size=ctx.t.number(round(size / (1024 * 1024), 1)))
    return ctx.t("evidence.size_kb", size=ctx.t.number(max(1, round(size / 1024))))


async def targets(ctx: Context) -> list[tuple[str, str]]:
    """Every item evidence can be filed under, as (target, Vietnamese title): the guidance table's rows, then
    the criteria of the last self-assessment's sheet."""
    rows = [(f"t:{topic.key}", topic.content) for topic in EVIDENCE_TOPICS]
    _, sheet = await last_assessment(ctx)
    if sheet is not None:
        rows += [(f"c:{c.code}", c.title) for p in sheet.parts for s in p.sections for c in s.criteria]
    return rows


def title_of(ctx: Context, target: str, title: str) -> str:
    """A topic (the form's own row, bot/forms/topics.py) or a criterion ("1.1. …") in the user's language: both
    are content texts, Vietnamese as the form prints them, English from content_forms.po / content_criteria.po."""
    return f"{target[2:]}. {ctx.t.content(title)}" if target.startswith("c:") else ctx.t.content(title)


async def show_list(ctx: Context, page: int = 0, first: str | None = None) -> None:
    """One page of items with how many files each has; buttons open an item."""
    items = await targets(ctx)
    files = await list_evidence(ctx.repos.session, ctx.user.id)
    count = {t: sum(1 for f in files if f.target == t) for t, _ in items}
    page, pages = page_of(len(items), page, PAGE_SIZE)
    ctx.go(FLOW, "list", page=page)
    used_files, used_bytes = len(files), sum(f.size for f in files)
    lines = [ctx.t(first)] if first else []
    lines.append(ctx.t("evidence.list_title", files=str(used_files), quota=str(ctx.settings.evidence_quota_files),
                       used=size_text(ctx, used_bytes), limit=size_text(ctx, ctx.settings.evidence_quota_bytes)))
    buttons = []
    for number, (target, title) in enumerate(items, start=1):
        if page * PAGE_SIZE < number <= (page + 1) * PAGE_SIZE:
            mark = f"✅ {count[target]}" if count[target] else "⬜"
            lines.append(f"{mark} {number}. {title_of(ctx, target, title)}")
            buttons.append(ctx.button("evidence.item_button", FLOW, "item", target, number=str(number),
                                      mark="✅" if count[target] else "⬜", item_number=number))
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows += [paging_row(ctx, page, pages, FLOW, "list"), [ctx.button("evidence.to_forms", "forms", "summary")], back_to_menu_row(ctx)]
    if pages > 1:
        lines.append(ctx.t("dossier.page", page=str(page + 1), pages=str(pages)))
    ctx.reply_text("\n".join(lines), buttons=rows)


async def find_target(ctx: Context, target: str) -> str | None:
    """The item's title, only when it is one of this producer's items (an old or forged button is not)."""
    return next((title for t, title in await targets(ctx) if t == target), None)


@router.on_button(FLOW, "open")
async def open_evidence(ctx: Context) -> None:
    """Dossier → Evidence: the list of items and which have files (consent needed to store any)."""
    if ctx.user.consent_at is None:
        agree = ctx.button("onboarding.consent_yes", "onboarding", "consent", "yes")
        ctx.reply("evidence.needs_consent", buttons=[[agree], back_to_menu_row(ctx)])
        return
    await show_list(ctx)


@router.on_button(FLOW, "list")
async def list_page(ctx: Context) -> None:
    """Another page of the list."""
    await show_list(ctx, typed_number(ctx.arg) or 0)


@router.on_button(FLOW, "item")
async def open_item(ctx: Context) -> None:
    """One item: what the form asks for it, its files (replace / remove each), and "send a file now"."""
    await show_item(ctx, ctx.arg)


async def show_item(ctx: Context, target: str, first: str | None = None) -> None:
    title = await find_target(ctx, target) if ctx.user.consent_at else None
    if title is None:
        show_menu(ctx, "menu.stale_button")
        return
    files = [f for f in await list_evidence(ctx.repos.session, ctx.user.id) if f.target == target]
    ctx.go(FLOW, "file", target=target, replace=None)
    lines = [ctx.t(first)] if first else []
    lines.append(f"📎 {title_of(ctx, target, title)}")
    topic = TOPIC_BY_KEY.get(target[2:]) if target.startswith("t:") else None
    if topic is not None:
        lines.append(ctx.t("evidence.requirement", requirement=topic.requirement))
    rows = []
    for number, info in enumerate(files, start=1):
        lines.append(f"{number}. {info.name} ({size_text(ctx, info.size)})")
        rows.append([ctx.button("evidence.replace", FLOW, "replace", info.id, number=str(number)),
                     ctx.button("evidence.remove", FLOW, "remove", info.id, number=str(number))])
    lines.append(ctx.t("evidence.send_now") if files else ctx.t("evidence.none_yet"))
    rows += [[ctx.button("evidence.back_to_list", FLOW, "list", 0)], back_to_menu_row(ctx)]
    ctx.reply_text("\n".join(lines), buttons=rows)


async def own_file(ctx: Context) -> tuple[int, str] | None:
    """(file id, its item) for a replace/remove button naming one of this producer's files."""
    file_id = payload_id(ctx.arg)
    files = await list_evidence(ctx.repos.session, ctx.user.id) if file_id else []
    found = next((f for f in files if f.id == file_id), None)
    return (found.id, found.target) if found else None


@router.on_button(FLOW, "replace")
async def ask_replacement(ctx: Context) -> None:
    """Replace: waits for the new file; the old one is removed only once the new one is stored."""
    found = await own_file(ctx)
    if found is None:
        show_menu(ctx, "menu.stale_button")
        return
    ctx.go(FLOW, "file", target=found[1], replace=found[0])
    ctx.reply("evidence.send_replacement", buttons=[[ctx.button("evidence.back_to_item", FLOW, "item", found[1])],
                                                    back_to_menu_row(ctx)])


@router.on_button(FLOW, "remove")
async def remove_file(ctx: Context) -> None:
    """Removes one file; the item again."""
    found = await own_file(ctx)
    if found is None:
        show_menu(ctx, "menu.stale_button")
        return
    await remove_evidence(ctx.repos.session, ctx.user.id, found[0])
    await show_item(ctx, found[1], N_("evidence.removed"))


@router.on_answer(FLOW, "file", takes_text=False)
async def receive_file(ctx: Context) -> None:
    """A file for the chosen item: checked and stored (replacing the one chosen for replacing); anything else
    gets the item again with a reminder to send a photo or document."""
    target = str(ctx.data.get("target", ""))
    if ctx.inbound.kind is not Kind.FILE:
        await show_item(ctx, target, N_("evidence.send_a_file"))
        return
    data = await fetched(ctx)
    if data is None:
        return
    kind = file_type(data, ctx.inbound.file.name if ctx.inbound.file else "")
    if kind is None:
        refuse(ctx, N_("evidence.wrong_type"))
        return
    replace = ctx.data.get("replace")
    files, used = await usage(ctx.repos.session, ctx.user.id)
    if replace is not None:
        old = next((f for f in await list_evidence(ctx.repos.session, ctx.user.id) if f.id == replace), None)
        files, used = (files - 1, used - old.size) if old else (files, used)
    if files + 1 > ctx.settings.evidence_quota_files or used + len(data) > ctx.settings.evidence_quota_bytes:
        refuse(ctx, N_("evidence.over_quota"), files=str(ctx.settings.evidence_quota_files),
               limit=size_text(ctx, ctx.settings.evidence_quota_bytes))
        return
    if await find_target(ctx, target) is None:
        show_menu(ctx, "menu.stale_button")
        return
    await add_evidence(ctx.repos.session, ctx.user.id, target, stored_name(ctx, kind[0]), kind[1], data, ctx.now)
    if replace is not None:
        await remove_evidence(ctx.repos.session, ctx.user.id, int(replace))
    await show_item(ctx, target, N_("evidence.replaced") if replace is not None else N_("evidence.stored"))


def stored_name(ctx: Context, ext: str) -> str:
    """The name as sent, with the extension its bytes have; a phone photo (no real name) is "anh-<time>.jpg"."""
    ref = ctx.inbound.file
    name = (ref.name if ref else "") or ""
    if not name or name == "photo.jpg":
        name = f"anh-{ctx.now.astimezone(ctx.t.tz):%Y%m%d-%H%M%S}.{ext}"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:100]}.{ext}"


async def fetched(ctx: Context) -> bytes | None:
    """The file's bytes when it is within the limits; None after saying why not (nothing stored)."""
    ref = ctx.inbound.file
    limit = file_receive_limit(ctx.inbound.channel, ctx.settings.evidence_max_file_bytes)
    too_big = {"limit": size_text(ctx, limit)}
    if ref is None or not ref.file_id:
        refuse(ctx, N_("evidence.unavailable"))
        return None
    if ref.size > limit:  # the platform told the size: no need to download it
        refuse(ctx, N_("evidence.too_big"), size=size_text(ctx, ref.size), **too_big)
        return None
    try:
        data = await download(ctx.inbound.channel, ref.file_id)
    except Exception:  # over the platform's download limit, or the platform unreachable
        log.warning("could not download a producer's evidence file on %s", ctx.inbound.channel, exc_info=True)
        data = None
    if data is None:
        refuse(ctx, N_("evidence.unavailable"))
        return None
    if len(data) > limit:
        refuse(ctx, N_("evidence.too_big"), size=size_text(ctx, len(data)), **too_big)
        return None
    return data


def refuse(ctx: Context, msgid: str, **values: str) -> None:
    """A refused file: why, and the way back to the item (the step still waits for a file)."""
    target = str(ctx.data.get("target", ""))
    ctx.reply(msgid, buttons=[[ctx.button("evidence.back_to_item", FLOW, "item", target)], back_to_menu_row(ctx)],
              **values)


@router.on_kind(Kind.FILE)
async def file_outside_step(ctx: Context) -> None:
    """A photo or document sent when no evidence item waits for one: nothing is stored; offers the evidence list."""
    ctx.reply("evidence.outside_step", buttons=[[ctx.button("evidence.choose_item", FLOW, "open")],
                                                back_to_menu_row(ctx)])
