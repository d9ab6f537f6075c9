"""The producer's product set, chosen once and kept on the profile (Profile.product_set): eligibility, the
dossier checklist and the self-assessment all read it, so nobody is asked twice; Settings → Profile changes it.

`facts` gives eligibility what it needs of the set's own score sheet (its topics, knock-outs, 3★ markers);
`own_sheet` is that sheet under the current rule set. Changing it: handlers/producer/profile_set.py.
"""

from __future__ import annotations

from bot.content.criteria import Sheet
from bot.content.eligibility import SetFacts
from bot.content.product_sets import ProductSet
from bot.core.context import Context


def own_set(ctx: Context) -> ProductSet | None:
    """The set kept on the profile, if it is still a known set."""
    code = ctx.profile.product_set if ctx.profile is not None else None
    return ctx.content.product_sets.by_code.get(code or "")


async def keep_set(ctx: Context, code: str) -> None:
    """Keep `code` (and its product group) on the profile; only with consent (nothing is stored without)."""
    product_set = ctx.content.product_sets.by_code.get(code)
    if product_set is None or ctx.user.consent_at is None:
        return
    ctx.profile = await ctx.repos.profiles.ensure(ctx.user.id)
    ctx.profile.product_set = product_set.code
    ctx.profile.product_group = product_set.group


def own_sheet(ctx: Context, code: str | None) -> Sheet | None:
    """The score sheet of set `code` under the current rule set."""
    criteria = ctx.content.criteria
    return criteria.sheet(criteria.current_rule_set.code, code) if code else None


def facts(ctx: Context, code: str | None) -> SetFacts | None:
    """What eligibility needs of the set's own sheet; None when the set (or its sheet) is not known."""
    sheet = own_sheet(ctx, code)
    return SetFacts.of(sheet) if sheet is not None else None


def set_label(ctx: Context, product_set: ProductSet) -> str:
    return ctx.t("pset.label", number=str(product_set.number), code=product_set.code,
                 name=ctx.t.content(product_set.name))
