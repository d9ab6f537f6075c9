"""Dossier checklist ("Hồ sơ cần chuẩn bị"): choose the kind of dossier, see the checklist of
content.documents for the producer's type and group with what is ready, open an item, mark it
"have it" / "not yet" (stored in DossierItem, with consent), and give the expiry date of papers that
expire (stored in UserDate; handlers/producer/dossier_dates.py).

Every payload carries the kind and the item id, and both are checked against the producer's own
checklist, so an old or forged button changes nothing.
"""

from __future__ import annotations

from bot.content.documents import KINDS, Item, checklist
from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import NO, YES, Button
from bot.core.typed import typed_number
from bot.domain.certified import likely_first
from bot.forms import topic_for_checklist_item
from handlers.producer import certified_state as certified
from handlers.producer import dossier_dates
from handlers.producer import product_set as own
from handlers.producer.journey_text import basis_line
from handlers.producer.menu import back_to_menu_row, page_of, paging_row, show_menu

router = Router()

FLOW = "dossier"
PAGE_SIZE = 8
MARKABLE = ("forms", "gates", "evidence", "samples")
"""The submission step is advice on where and how to file, not a paper to have."""

KIND_LABEL = {
    "lan-dau": N_("dossier.kind_first"),
    "nang-hang": N_("dossier.kind_upgrade"),
    "danh-gia-lai": N_("dossier.kind_reevaluation"),
}
SUGGESTED = N_("dossier.kind_suggested")
"""The kind a certified product's next dossier is (or most likely is), marked: "👉 {label}"."""
SECTION_LABEL = {
    "forms": N_("dossier.section_forms"),
    "gates": N_("dossier.section_gates"),
    "evidence": N_("dossier.section_evidence"),
    "samples": N_("dossier.section_samples"),
    "submission": N_("dossier.section_submission"),
}


def items_for(ctx: Context, kind: str) -> list[Item]:
    """The producer's checklist for `kind`, filtered by the profile's type, group and own product set's
    score sheet (if known)."""
    profile = ctx.profile
    facts = own.facts(ctx, profile.product_set if profile else None)
    return checklist(ctx.content.documents, kind, profile.producer_type if profile else None,
                     profile.product_group if profile else None, facts.topics if facts else None)


def own_codes(ctx: Context, item: Item) -> list[str]:
    """The criterion codes the item supports on the producer's OWN sheet: the set #7 codes of `supports`
    mapped through their topics (criteria/questions.yaml); the set #7 codes when the set is not known."""
    sheet = own.own_sheet(ctx, ctx.profile.product_set if ctx.profile else None)
    reference = own.own_sheet(ctx, "I.3.c")
    if sheet is None or reference is None or sheet is reference:
        return list(item.supports)
    topics = [c.topic for code in item.supports if (c := reference.criterion(code)) is not None and c.topic]
    return [c.code for c in sheet.criteria() if c.topic in topics]


def rejection_lines(ctx: Context) -> list[str]:
    """"Hồ sơ bị loại khi …" of the producer's own sheet, as warnings (not 0-point answers)."""
    sheet = own.own_sheet(ctx, ctx.profile.product_set if ctx.profile else None)
    if sheet is None or sheet.rejected_when is None:
        return []
    return [ctx.t("dossier.rejected_when", number=str(sheet.number)),
            *(f"⚠️ {ctx.t.content(rule.text)}" for rule in sheet.rejected_when.rules)]


def find_item(ctx: Context, kind: str, item_id: str) -> Item | None:
    """The item, only if it belongs to this producer's `kind` checklist."""
    if kind not in KINDS:
        return None
    return next((item for item in items_for(ctx, kind) if item.id == item_id), None)


class Marks(dict[str, bool]):
    """The producer's marks by item id, with the items only pre-filled from the eligibility check (☑️)."""

    prefilled: frozenset[str] = frozenset()


async def marks_of(ctx: Context, kind: str, items: list[Item]) -> Marks:
    """Stored marks (with consent), and "have it" for unmarked items the last eligibility check answered."""
    if not ctx.user.consent_at:
        return Marks()
    marks = Marks(await ctx.repos.dossier.marks(ctx.user.id, kind))
    check = await ctx.repos.eligibility.latest(ctx.user.id)
    answers = check.answers if check is not None else {}
    prefilled = {item.id for item in items if item.id not in marks and item.prefilled_by is not None
                 and answers.get(item.prefilled_by.question) in item.prefilled_by.answers}
    marks.update({item_id: True for item_id in prefilled})
    marks.prefilled = frozenset(prefilled)
    return marks


def icon(item: Item, marks: dict[str, bool]) -> str:
    if item.section not in MARKABLE:
        return "📮"
    if item.id in getattr(marks, "prefilled", ()):
        return "☑️"
    mark = marks.get(item.id)
    if mark is None:
        return "⬜"
    return "✅" if mark else "❌"


async def show_list(ctx: Context, kind: str, page: int = 0, only_missing: bool = False) -> None:
    """One page of the checklist (or of the missing items) with "N/M ready", item buttons and paging."""
    items = items_for(ctx, kind)
    marks = await marks_of(ctx, kind, items)
    markable = [item for item in items if item.section in MARKABLE]
    ready = sum(1 for item in markable if marks.get(item.id))
    numbered = list(enumerate(items, start=1))
    if only_missing:
        numbered = [(n, item) for n, item in numbered if item.section in MARKABLE and not marks.get(item.id)]
    page, pages = page_of(len(numbered), page, PAGE_SIZE)
    shown = numbered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ctx.go(FLOW, "list", kind=kind)
    title = N_("dossier.missing_title") if only_missing else N_("dossier.list_title")
    lines = [ctx.t(title, kind=ctx.t(KIND_LABEL[kind]), ready=str(ready), total=str(len(markable)))]
    product_set = own.own_set(ctx)
    if product_set is not None:
        lines.append(ctx.t("dossier.for_set", product_set=own.set_label(ctx, product_set)))
    if page == 0 and not only_missing:
        lines += rejection_lines(ctx)
    if only_missing and not numbered:
        lines.append(ctx.t("dossier.nothing_missing"))
    section = ""
    for number, item in shown:
        if item.section != section:
            section = item.section
            lines.append(f"\n{ctx.t(SECTION_LABEL[section])}")
        lines.append(item_line(ctx, number, item, marks))
    if marks.prefilled:
        lines.append("\n" + ctx.t("dossier.prefilled_legend"))
    if pages > 1:
        lines.append("\n" + ctx.t("dossier.page", page=str(page + 1), pages=str(pages)))
    if not ctx.user.consent_at:
        lines.append("\n" + ctx.t("dossier.not_stored"))
    ctx.reply_text("\n".join(lines), buttons=list_buttons(ctx, kind, shown, marks, page, pages, only_missing))


def item_line(ctx: Context, number: int, item: Item, marks: dict[str, bool]) -> str:
    line = f"{icon(item, marks)} {number}. {ctx.t.content(item.title)}"
    codes = own_codes(ctx, item)
    if codes:
        line += " " + ctx.t("dossier.supports_short", codes=", ".join(codes))
    return line


def list_buttons(
    ctx: Context, kind: str, shown: list[tuple[int, Item]], marks: dict[str, bool], page: int, pages: int,
    only_missing: bool,
) -> list[list[Button]]:
    item_buttons = [Button(f"{icon(item, marks)} {number}", f"{FLOW}:item:{kind}:{item.id}", number=number)
                    for number, item in shown]  # typing "9" opens item 9 on whatever page it is
    rows = [item_buttons[i : i + 4] for i in range(0, len(item_buttons), 4)]
    action = "miss" if only_missing else "list"
    rows.append(paging_row(ctx, page, pages, FLOW, action, kind))
    switch = ctx.button("dossier.show_all", FLOW, "list", kind, 0) if only_missing else ctx.button(
        "dossier.show_missing", FLOW, "miss", kind, 0)
    rows.append([switch, ctx.button("dossier.other_kind", FLOW, "open")])
    rows.append(back_to_menu_row(ctx))
    return rows


def parse_list_arg(arg: str) -> tuple[str, int] | None:
    kind, _, page = arg.partition(":")
    if kind not in KINDS:
        return None
    return kind, typed_number(page) or 0


@router.on_button(FLOW, "open")
async def open_dossier(ctx: Context) -> None:
    """Menu → "Dossier to prepare": asks which kind of dossier (first time, upgrade, re-evaluation); for a
    certified product the kind the certified state tells (or the likely one) comes first, marked, with why."""
    ctx.go(FLOW, "kind")
    state = await certified.certified_state(ctx)
    kinds = likely_first(KINDS, state.kind.kind if state else None)
    rows = [[ctx.button(SUGGESTED if state and i == 0 else KIND_LABEL[kind], FLOW, "list", kind, 0,
                        label=ctx.t(KIND_LABEL[kind]))] for i, kind in enumerate(kinds)]
    status = [ctx.button("dossiers.open_status", "dossier_status", "show")]  # handlers/producer/dossier_status.py
    files = [[ctx.button("dossier.fill_forms", "forms", "open")], [ctx.button("dossier.evidence", "evidence", "open")]]
    text = ctx.t("dossier.choose_kind")
    ctx.reply_text(f"{certified.kind_note(ctx, state)}\n\n{text}" if state else text,
                   buttons=[*rows, status, *files, back_to_menu_row(ctx)])


@router.on_button(FLOW, "list")
async def list_items(ctx: Context) -> None:
    """Shows one page of the checklist of the chosen kind."""
    parsed = parse_list_arg(ctx.arg)
    if parsed is None:
        show_menu(ctx, "menu.stale_button")
        return
    await show_list(ctx, *parsed)


@router.on_button(FLOW, "miss")
async def list_missing(ctx: Context) -> None:
    """"Still missing": only the items not marked as ready."""
    parsed = parse_list_arg(ctx.arg)
    if parsed is None:
        show_menu(ctx, "menu.stale_button")
        return
    await show_list(ctx, *parsed, only_missing=True)


@router.on_button(FLOW, "item")
async def open_item(ctx: Context) -> None:
    """Shows one item: what it is, where to get it, pitfalls, the criteria it supports; asks have it / not yet."""
    kind, _, item_id = ctx.arg.partition(":")
    item = find_item(ctx, kind, item_id)
    if item is None:
        show_menu(ctx, "menu.stale_button")
        return
    marks = await marks_of(ctx, kind, [item])
    ctx.go(FLOW, "item", kind=kind, item=item.id)
    parts = [f"{icon(item, marks)} {ctx.t.content(item.title)}", ctx.t.content(item.explanation)]
    note = item.note_for(kind)
    if note:
        parts.append(ctx.t.content(note))
    set_note = item.set_notes.get(ctx.profile.product_set or "") if ctx.profile else None
    if set_note:
        parts.append(ctx.t.content(set_note))
    codes = own_codes(ctx, item)
    if codes:
        msgid = N_("dossier.supports_own") if own.own_sheet(ctx, ctx.profile.product_set if ctx.profile else None) \
            else N_("dossier.supports")
        parts.append(ctx.t(msgid, codes=", ".join(codes)))
    if item.id in marks.prefilled:
        parts.append(ctx.t("dossier.prefilled_item"))
    expiry = await dossier_dates.stored_date_line(ctx, item)
    if expiry:
        parts.append(expiry)
    parts.append(basis_line(ctx, item))
    rows: list[list[Button]] = []
    if item.section in MARKABLE:
        rows.append([ctx.button("dossier.have_it", FLOW, "has", kind, item.id, means=YES),
                     ctx.button("dossier.not_yet", FLOW, "no", kind, item.id, means=NO)])
    topic = topic_for_checklist_item(item.id)
    if topic is not None:  # its papers can be sent as evidence (handlers/producer/evidence.py)
        rows.append([ctx.button("dossier.send_evidence", "evidence", "item", f"t:{topic.key}")])
    rows.append([ctx.button("dossier.back_to_list", FLOW, "list", kind, 0)])
    ctx.reply_text("\n\n".join(parts), buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button(FLOW, "has")
async def mark_have_it(ctx: Context) -> None:
    """Stores "have it"; asks the expiry date for papers that expire, else shows the list again."""
    item = await markable_item(ctx)
    if item is None:
        return
    kind = ctx.arg.partition(":")[0]
    await ctx.repos.dossier.mark(ctx.user.id, kind, item.id, True)
    if item.expires:
        dossier_dates.ask_date(ctx, kind, item)
    else:
        ctx.reply("dossier.saved_have")
        await show_list(ctx, kind)


@router.on_button(FLOW, "no")
async def mark_not_yet(ctx: Context) -> None:
    """Stores "not yet"; shows the list again."""
    item = await markable_item(ctx)
    if item is None:
        return
    kind = ctx.arg.partition(":")[0]
    await ctx.repos.dossier.mark(ctx.user.id, kind, item.id, False)
    ctx.reply("dossier.saved_not_yet")
    await show_list(ctx, kind)


async def markable_item(ctx: Context) -> Item | None:
    """The item a have-it/not-yet button names, if it is in this producer's checklist and consent allows storing."""
    kind, _, item_id = ctx.arg.partition(":")
    item = find_item(ctx, kind, item_id)
    if item is None or item.section not in MARKABLE:
        show_menu(ctx, "menu.stale_button")
        return None
    if ctx.user.consent_at is None:
        agree = ctx.button("onboarding.consent_yes", "onboarding", "consent", "yes")
        ctx.reply("dossier.needs_consent", buttons=[[agree], [ctx.button("dossier.back_to_list", FLOW, "list", kind, 0)],
                                                     back_to_menu_row(ctx)])
        return None
    return item


@router.on_answer(FLOW, "date")
async def type_date(ctx: Context) -> None:
    """Stores a typed expiry (or OCOP decision) date in UserDate; a bad date gets a polite error, nothing saved."""
    item = find_item(ctx, str(ctx.data.get("kind")), str(ctx.data.get("item")))
    if item is None or ctx.user.consent_at is None:
        show_menu(ctx, "menu.stale_button")
        return
    if await dossier_dates.save_typed_date(ctx, item):
        await show_list(ctx, str(ctx.data.get("kind")))


@router.on_button(FLOW, "skip")
async def skip_date(ctx: Context) -> None:
    """"Skip": no date stored; the list again."""
    kind = ctx.arg if ctx.arg in KINDS else str(ctx.data.get("kind"))
    if ctx.state.step != "date" or kind not in KINDS:
        show_menu(ctx, "menu.stale_button")
        return
    ctx.reply("dossier.date_skipped")
    await show_list(ctx, kind)
