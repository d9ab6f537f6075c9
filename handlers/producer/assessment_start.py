"""Starting a self-assessment: the entry screen, the product set (suggested from the eligibility check or the
main product) and the rule set (current by default; QĐ 148 for certificates issued under it).

Only product sets with a score sheet in content can be assessed; for the others the producer is told
plainly that the sheet is not available yet and offered the questions (FAQ) and the menu.
"""

from __future__ import annotations

from datetime import datetime

from bot.content.product_sets import ProductSet
from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Button
from db import dossier_status
from handlers.producer import product_set as own
from handlers.producer import profile
from handlers.producer.assessment import ask_first, sheet_of
from handlers.producer.certified_state import certified_state, holding_line
from handlers.producer.menu import MENU, back_to_menu_row

router = Router()


def local_date(ctx: Context, moment: datetime) -> str:
    """A stored UTC moment as the producer's local calendar day."""
    return ctx.t.date(moment.astimezone(ctx.t.tz).date())


@router.on_button("assessment", "open")
async def open_assessment(ctx: Context) -> None:
    """Shows the self-assessment entry: continue the unfinished one, start a new one, or see the history; for a
    certified product, first the certified state it starts from (an upgrade or a re-evaluation)."""
    if ctx.user.consent_at is None:  # answers are stored: only with consent
        profile.offer_consent(ctx)
        return
    ctx.clear_flow()
    unfinished = await ctx.repos.assessments.open_for_user(ctx.user.id)
    finished = await ctx.repos.assessments.finished_for_user(ctx.user.id, limit=1)
    sheet = sheet_of(ctx, unfinished) if unfinished else None
    rows = [[ctx.button("assessment.resume", "assessment", "resume", unfinished.id)]] if unfinished and sheet else []
    rows.append([ctx.button("assessment.new", "assessment", "new")])
    if finished:
        rows.append([ctx.button("assessment.history", "assessment", "hist")])
    rows.append(back_to_menu_row(ctx))
    state = await certified_state(ctx)
    lead = [holding_line(ctx, state)] if state else []
    if unfinished and sheet:
        text = ctx.t("assessment.intro_unfinished", answered=len(unfinished.answers), total=sheet.total_count,
                     set=unfinished.product_set, date=local_date(ctx, unfinished.updated_at))
    else:
        text = ctx.t("assessment.intro")
    ctx.reply_text("\n\n".join([*lead, text]), buttons=rows)


@router.on_button("assessment", "new")
async def new_assessment(ctx: Context) -> None:
    """Asks which product set to assess; an unfinished assessment is only dropped after a confirmation."""
    if ctx.user.consent_at is None:
        profile.offer_consent(ctx)
        return
    unfinished = await ctx.repos.assessments.open_for_user(ctx.user.id)
    if unfinished is not None and ctx.arg != "confirm":
        keep = ctx.button("assessment.resume", "assessment", "resume", unfinished.id)
        drop = ctx.button("assessment.discard_yes", "assessment", "new", "confirm")
        ctx.reply("assessment.discard_confirm", buttons=[[keep], [drop], back_to_menu_row(ctx)],
                  answered=len(unfinished.answers))
        return
    if unfinished is not None:
        await ctx.repos.assessments.discard(unfinished)
    kept = own.own_set(ctx)
    if kept is not None and has_sheet(ctx, kept.code):  # chosen once, kept on the profile: not asked again
        ctx.reply("assessment.set_from_profile", product_set=own.set_label(ctx, kept))
        await take_set(ctx, kept)
        return
    await ask_product_set(ctx)



async def suggested_sets(ctx: Context) -> list[ProductSet]:
    """The profile's set and the eligibility check's first, then the sets that fit the main product, then those
    that fit the certified dossier's product (a dossier keeps no product set, only the product's name)."""
    sets = ctx.content.product_sets
    found: list[ProductSet] = [kept] if (kept := own.own_set(ctx)) is not None else []
    checked = await ctx.repos.assessments.eligibility_product_set(ctx.user.id)
    if checked in sets.by_code and sets.by_code[checked] not in found:
        found.append(sets.by_code[checked])
    certified = await dossier_status.certified(ctx.repos.session, ctx.user.id)
    products = [ctx.profile.main_product if ctx.profile else None, certified.product if certified else None]
    for product in filter(None, products):
        found += [s for s in sets.find_sets(product) if s not in found]
    return found[:3]


def set_button(ctx: Context, product_set: ProductSet) -> Button:
    """A product set as a button; ✅ marks the sets that have a score sheet."""
    ready = "✅ " if has_sheet(ctx, product_set.code) else ""
    return Button(f"{ready}{product_set.code} · {ctx.t.content(product_set.name)}", f"assessment:set:{product_set.code}")


def has_sheet(ctx: Context, product_set: str) -> bool:
    return any(ctx.content.criteria.sheet(r.code, product_set) for r in ctx.content.criteria.rule_sets.rule_sets)


async def ask_product_set(ctx: Context) -> None:
    """Offers the suggested product sets and a way to browse all of them."""
    ctx.go("assessment", "product_set")
    suggested = await suggested_sets(ctx)
    rows = [[set_button(ctx, s)] for s in suggested]
    rows += [[ctx.button("assessment.browse_sets", "assessment", "groups")], back_to_menu_row(ctx)]
    product = ctx.profile.main_product if ctx.profile and ctx.profile.main_product else ""
    msgid = N_("assessment.ask_set_suggested") if suggested else N_("assessment.ask_set")
    ctx.reply(msgid, buttons=rows, product=product)


@router.on_button("assessment", "groups")
async def browse_groups(ctx: Context) -> None:
    """Lists the product groups; the choice lists that group's product sets."""
    rows = [[Button(ctx.t.content(g.label), f"assessment:group:{g.code}")] for g in ctx.content.programme.product_groups.items]
    ctx.reply("assessment.choose_group", buttons=rows + [back_to_menu_row(ctx)])


@router.on_button("assessment", "group")
async def browse_sets(ctx: Context) -> None:
    """Lists the product sets of one group (✅ = a score sheet is available)."""
    sets = ctx.content.product_sets.in_group(ctx.arg)
    if not sets:
        await browse_groups(ctx)
        return
    rows = [[set_button(ctx, s)] for s in sets]
    rows += [[ctx.button("assessment.browse_sets", "assessment", "groups")], back_to_menu_row(ctx)]
    ctx.reply("assessment.choose_set", buttons=rows)


@router.on_button("assessment", "set")
async def choose_product_set(ctx: Context) -> None:
    """Takes the product set; asks the rule set when more than one sheet exists, else starts at once."""
    product_set = ctx.content.product_sets.by_code.get(ctx.arg)
    if product_set is None:
        await ask_product_set(ctx)
        return
    await own.keep_set(ctx, product_set.code)
    await take_set(ctx, product_set)


async def take_set(ctx: Context, product_set: ProductSet) -> None:
    """Starts on the set's sheet; asks the rule set when more than one sheet exists."""
    criteria = ctx.content.criteria
    rule_sets = [r for r in criteria.rule_sets.rule_sets if criteria.sheet(r.code, product_set.code)]
    if not rule_sets:
        sheet_not_available(ctx, product_set)
    elif len(rule_sets) == 1:
        await start(ctx, rule_sets[0].code, product_set.code)
    else:
        labels = {"current": N_("assessment.rules_current"), "previous": N_("assessment.rules_previous")}
        rows = [[ctx.button(labels[r.status], "assessment", "rules", product_set.code, r.code, decision=r.decision,
                            year=str(r.date.year))] for r in rule_sets]  # str: Babel would print "2.023"
        ctx.reply("assessment.ask_rules", buttons=rows + [back_to_menu_row(ctx)], set=product_set.code)


def sheet_not_available(ctx: Context, product_set: ProductSet) -> None:
    """Says plainly that this set's sheet is not in the assistant yet; offers the questions and the menu."""
    ready = sorted({s.product_set for s in ctx.content.criteria.sheets})
    faq = next((e.payload for e in MENU if e.label == "menu.questions"), "menu:open")
    rows = [[ctx.button("assessment.ask_questions", *faq.split(":"))],
            [ctx.button("assessment.browse_sets", "assessment", "groups")], back_to_menu_row(ctx)]
    ctx.reply("assessment.sheet_missing", buttons=rows, set=product_set.code,
              name=ctx.t.content(product_set.name), ready=", ".join(ready))


@router.on_button("assessment", "rules")
async def choose_rule_set(ctx: Context) -> None:
    """Starts the assessment under the chosen rule set (only a pair that has a sheet)."""
    product_set, _, rule_set = ctx.arg.partition(":")
    if ctx.content.criteria.sheet(rule_set, product_set) is None:
        await ask_product_set(ctx)
        return
    await start(ctx, rule_set, product_set)


async def start(ctx: Context, rule_set: str, product_set: str) -> None:
    """Creates the Assessment row (in_progress), says what the sheet is worth, and asks the first criterion."""
    if await ctx.repos.assessments.open_for_user(ctx.user.id) is not None:
        await new_assessment(ctx)  # a second start (double tap, old button) never makes two open ones
        return
    assessment = await ctx.repos.assessments.start(ctx.user.id, rule_set, product_set, ctx.now)
    sheet = sheet_of(ctx, assessment)
    last = next((a for a in await ctx.repos.assessments.finished_for_user(ctx.user.id, limit=10)
                 if a.status == "done" and (a.rule_set, a.product_set) == (rule_set, product_set)), None)
    ctx.go("assessment", None, last_answers=dict(last.answers) if last else {})  # "as last time" on each question
    rules = ctx.content.criteria.rule_set(rule_set)
    assert sheet is not None and rules is not None
    ctx.reply("assessment.started", count=sheet.total_count, set=product_set,
              name=ctx.t.content(sheet.title), rules=ctx.t.content(rules.title))
    if last is not None:
        ctx.reply("assessment.from_last", date=local_date(ctx, last.finished_at or last.updated_at))
    if not sheet.is_confirmed:
        warnings = {"current": N_("assessment.unconfirmed_current"), "previous": N_("assessment.unconfirmed_previous")}
        ctx.reply(warnings[rules.status])
    await ask_first(ctx, assessment)
