"""The verdict of an eligibility check: judged by content.eligibility.evaluate, stored with consent, and
explained finding by finding in plain words with the legal basis and the next step."""

from __future__ import annotations

from bot.content.eligibility import EligibilityResult, Rule, evaluate
from bot.core.context import Context
from bot.core.i18n import N_
from handlers.producer import product_set as own
from handlers.producer.journey_text import basis_line, reply_in_parts
from handlers.producer.menu import back_to_menu_row

VERDICT = {
    "eligible": N_("eligibility.verdict_eligible"),
    "eligible_after_steps": N_("eligibility.verdict_after_steps"),
    "not_eligible": N_("eligibility.verdict_not_eligible"),
}
HEADING = {
    "blocker": N_("eligibility.heading_blockers"),
    "step": N_("eligibility.heading_steps"),
    "ok": N_("eligibility.heading_notes"),
}


async def finish(ctx: Context, flow: str) -> None:
    """Judges the answers, stores the check (with consent only), shows the verdict; ends the flow."""
    data = ctx.data
    answers = dict(data.get("answers") or {})
    result = evaluate(ctx.content.eligibility, answers, data.get("group"), own.facts(ctx, data.get("set")))
    stored = ctx.user.consent_at is not None
    if stored:
        await ctx.repos.eligibility.save(ctx.user.id, data.get("set"), answers, result.verdict, ctx.now)
        if data.get("set"):
            await own.keep_set(ctx, data["set"])
    ctx.clear_flow()
    show_result(ctx, result, data.get("set"), stored)


def show_result(ctx: Context, result: EligibilityResult, set_code: str | None, stored: bool) -> None:
    product_set = ctx.content.product_sets.by_code.get(set_code or "")
    name = ctx.t.content(product_set.name) if product_set else ""
    parts = [ctx.t(VERDICT[result.verdict], product_set=name)]
    for level in ("blocker", "step", "ok"):
        findings = [f for f in result.findings if f.level == level]
        if findings:
            parts.append(ctx.t(HEADING[level]))
            parts.extend(finding_text(ctx, f, set_code) for f in findings)
    parts.append(ctx.t(N_("eligibility.stored") if stored else N_("eligibility.not_stored_result")))
    rows = [
        [ctx.button("eligibility.to_dossier", "dossier", "open")],
        [ctx.button("eligibility.again", "eligibility", "restart")],
        back_to_menu_row(ctx),
    ]
    reply_in_parts(ctx, parts, rows)


def finding_text(ctx: Context, rule: Rule, set_code: str | None = None) -> str:
    """One finding: the reason, what to do next, its legal basis, and the item of the producer's own sheet
    it stands on (never set #7's)."""
    lines = [f"• {ctx.t.content(rule.reason)}"]
    if rule.next_step:
        lines.append(ctx.t("eligibility.next_step", step=ctx.t.content(rule.next_step)))
    lines.append(basis_line(ctx, rule))
    item = sheet_item(ctx, rule, set_code)
    if item is not None:
        lines.append(item)
    return "\n".join(lines)


def sheet_item(ctx: Context, rule: Rule, set_code: str | None) -> str | None:
    """"Bảng điểm bộ số 6, tiêu chí 1.1 «Nguồn nguyên liệu» (dòng 1080–1241)": the producer's own sheet item of
    the rule's topics; None without topics or sheet."""
    sheet = own.own_sheet(ctx, set_code)
    if sheet is None or not rule.topics:
        return None
    criterion = next((c for c in sheet.criteria() if c.topic in rule.topics), None)
    if criterion is None:
        return None
    lines = f"{sheet.lines[0]}–{sheet.lines[1]}" if sheet.lines else "—"
    return ctx.t("eligibility.own_sheet_item", number=str(sheet.number), code=criterion.code,
                 title=ctx.t.content(criterion.title), lines=lines)
