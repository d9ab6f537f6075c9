"""The forms and the dossier ZIP, built from what the bot stored: the profile, the answers of the forms walk
(handlers/producer/dossier_forms.py), the eligibility check's product set, the last finished self-assessment
(Phần III) and the evidence files (handlers/producer/evidence.py). Sent as documents in the user's chat;
the forms stay Vietnamese (they are the decision's official forms), an English user is told so.

Where a platform cannot take the ZIP (a Zalo OA sends PDF/DOC/DOCX files only, at most 5 MB: UNCONFIRMED,
bot/channels/limits.py; a Telegram bot nothing over 50 MB), the ZIP is offered as a short-lived download link
from the bot's own HTTP server (bot/file_links.py); where no public address is configured for that server,
the forms go as separate files and the reply says the ZIP is on Telegram only.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from typing import Any

from bot import forms
from bot.channels.limits import file_send_limit, sends_zip
from bot.core.context import Context, Router
from bot.core.flows import SKIPPED
from bot.core.i18n import N_
from bot.core.messages import Attachment
from db.evidence import EvidenceInfo, evidence_bytes, list_evidence
from db.file_links import store_file
from handlers.producer import dossier_forms
from handlers.producer.menu import back_to_menu_row

router = Router()
log = logging.getLogger(__name__)
PROVINCE = "Đồng Tháp"
SAMPLES = 5
"""QĐ 26 Điều 6.1.d: "05 sản phẩm mẫu được gửi kèm theo hồ sơ (trừ nhóm sản phẩm Dịch vụ du lịch …)"."""
TOURISM_GROUP = "du-lich"
FORMS_ROOM = 16 * 1024 * 1024
"""Room for Mẫu 01–03 (DOCX + PDF, a few hundred kB each) and the ZIP's own headers, over the evidence quota."""


def _given(answers: dict[str, Any], qid: str) -> Any:
    value = answers.get(qid)
    return None if value in (None, SKIPPED) else value


def _founded(value: Any) -> datetime.date | None:
    """A founding date stored ISO; a year alone prints as 1 January of it is wrong, so it prints blank."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None


async def build_forms(ctx: Context, evidence: list[EvidenceInfo]) -> forms.DossierForms:
    """Mẫu 01 and Mẫu 02 from everything stored for this producer (nothing asked here)."""
    answers = await dossier_forms.known_answers(ctx)
    profile, content = ctx.profile, ctx.content
    given = lambda qid: _given(answers, qid)  # noqa: E731
    commune = content.communes.by_code.get(profile.commune_code) if profile and profile.commune_code else None
    types = {pt.code: pt.label for pt in content.programme.producer_types.items}
    address = given("address") or (f"{commune.name}, tỉnh {PROVINCE}" if commune else None)
    person = forms.Person(name=given("fix_rep") or given("rep_name"), title=given("rep_title"),
                          gender=forms.Gender(given("rep_gender")) if given("rep_gender") else None,
                          ethnicity=given("rep_ethnicity"))
    producer = forms.Producer(
        name=profile.org_name if profile else None, org_type=types.get(profile.producer_type) if profile else None,
        address=address, phone=profile.phone or None if profile else None, representative=person,
        founded_on=_founded(given("founded_on")), registration_number=given("registration_number"))
    assessment, sheet = await last_assessment(ctx)
    product_set_code = (assessment.product_set if assessment else None) or await eligibility_set(ctx)
    ref = forms.PRODUCT_SETS.get(product_set_code) if product_set_code else None
    product = forms.Product(name=profile.main_product if profile else None, description=given("product_description"),
                            standard=given("product_standard"), product_set=ref)
    local_today = ctx.now.astimezone(ctx.t.tz).date()
    signing = forms.Signing(place=commune.name if commune else None, on=local_today)
    kind = forms.RegistrationKind(given("kind")) if given("kind") else None
    tourism = profile is not None and profile.product_group == TOURISM_GROUP
    mau01 = forms.Mau01(producer=producer, product=product, province=PROVINCE, year=local_today.year, kind=kind,
                        sample_count=None if tourism else SAMPLES, signing=signing)
    return forms.DossierForms(mau01=mau01, mau02=forms.Mau02(
        producer=producer, product=product, certificates=certificates(answers), history=given("history"),
        organisation=given("organisation"), results=results(answers, local_today.year - 1),
        assessment=self_assessment(assessment, sheet, evidence), signing=signing,
        plans=forms.Plans(product_development=given("plan_product"), production=given("plan_production"),
                          market=given("plan_market"))))


def certificates(answers: dict[str, Any]) -> forms.Certificates:
    ticked = lambda qid: answers.get(qid) == "yes"  # noqa: E731
    return forms.Certificates(business_registration=ticked("cert_business"), quality_declared=ticked("cert_quality"),
                              food_safety_certificate=ticked("cert_food_safety"), trademark=ticked("cert_trademark"))


def results(answers: dict[str, Any], year: int) -> forms.BusinessResults:
    """Phần II; the figures typed are last year's (one row of the table)."""
    output, revenue, profit = (_given(answers, q) for q in ("year_output", "year_revenue", "year_profit"))
    years = (forms.YearResult(year, output, revenue, profit),) if any(v is not None for v in (output, revenue, profit)) else ()
    return forms.BusinessResults(raw_material_and_technology=_given(answers, "raw_material"),
                                 quality_changes=_given(answers, "quality_changes"),
                                 markets=_given(answers, "markets"), years=years)


async def last_assessment(ctx: Context) -> tuple[Any, Any]:
    """The newest finished self-assessment (not a knock-out) and its sheet, or (None, None)."""
    for assessment in await ctx.repos.assessments.finished_for_user(ctx.user.id):
        if assessment.status == "done":
            sheet = ctx.content.criteria.sheet(assessment.rule_set, assessment.product_set)
            if sheet is not None:
                return assessment, sheet
    return None, None


async def eligibility_set(ctx: Context) -> str | None:
    checked = await ctx.repos.eligibility.latest(ctx.user.id)
    return checked.product_set if checked else None


def self_assessment(assessment: Any, sheet: Any, evidence: list[EvidenceInfo]) -> forms.SelfAssessment:
    """Phần III from the self-assessment with the evidence files filed under its topics and criteria."""
    by_topic: dict[str, list[forms.EvidenceFile]] = {}
    by_code: dict[str, list[forms.EvidenceFile]] = {}
    for info in evidence:
        kind, _, key = info.target.partition(":")
        file = forms.EvidenceFile(str(info.id), info.name)
        if kind == "t" and key in forms.TOPIC_BY_KEY:
            by_topic.setdefault(key, []).append(file)
        elif kind == "c":
            by_code.setdefault(key, []).append(file)
    if assessment is None:
        return forms.SelfAssessment(topic_evidence=by_topic)
    return forms.self_assessment_from_sheet(sheet, assessment.answers, evidence=by_code, topic_evidence=by_topic)


def local_now(ctx: Context) -> datetime.datetime:
    return ctx.now.astimezone(ctx.t.tz).replace(tzinfo=None)


def english_note(ctx: Context) -> None:
    if ctx.user.locale == "en":
        ctx.reply("forms.vietnamese_forms")


@router.on_button("forms", "docs")
async def send_forms(ctx: Context) -> None:
    """Sends Mẫu 01 and Mẫu 02 as DOCX (to edit, print, sign) and PDF (to read)."""
    if ctx.user.consent_at is None:
        await dossier_forms.open_forms(ctx, "")
        return
    built = await build_forms(ctx, await list_evidence(ctx.repos.session, ctx.user.id))
    english_note(ctx)
    await attach_forms(ctx, built)
    ctx.reply("forms.sent_forms", buttons=next_rows(ctx))


async def attach_forms(ctx: Context, built: forms.DossierForms) -> None:
    at = local_now(ctx)
    org = built.mau02.producer.name
    product = built.mau02.product.name
    renders = (("Mau01", "docx", forms.render_mau01_docx, built.mau01), ("Mau01", "pdf", forms.render_mau01_pdf, built.mau01),
               ("Mau02", "docx", forms.render_mau02_docx, built.mau02), ("Mau02", "pdf", forms.render_mau02_pdf, built.mau02))
    for form, ext, render, value in renders:
        data = await asyncio.to_thread(render, value)  # a PDF of Mẫu 02 takes about a second: keep the loop free
        name = forms.file_name(form, org, product, at, ext)
        ctx.reply(f"forms.caption_{form.lower()}_{ext}", attachment=Attachment(name=name, data=data, is_image=False))


@router.on_button("forms", "zip")
async def send_bundle(ctx: Context) -> None:
    """Sends the dossier ZIP (Mẫu 01, Mẫu 02 as DOCX + PDF, the evidence in the appendix's order). Where the
    platform cannot carry it (a Zalo OA sends no ZIP; a Telegram bot no file over 50 MB), a short-lived
    download link to the bot's own server instead (bot/file_links.py), when OCOP_PUBLIC_URL (or the webhook
    URL) says where that server is reached; without one, the forms as separate files. Too big even for a
    link: says which files to shrink."""
    if ctx.user.consent_at is None:
        await dossier_forms.open_forms(ctx, "")
        return
    evidence = await list_evidence(ctx.repos.session, ctx.user.id)
    built = await build_forms(ctx, evidence)
    english_note(ctx)
    channel = ctx.inbound.channel
    links = ctx.settings.file_links_url
    direct = sends_zip(channel)
    if not direct and not links:
        await attach_forms(ctx, built)
        ctx.reply("forms.no_zip_here", files=str(len(evidence)), buttons=next_rows(ctx))
        return
    stored = {str(k): v for k, v in (await evidence_bytes(ctx.repos.session, ctx.user.id)).items()}
    at = local_now(ctx)
    send_limit = file_send_limit(channel)
    try:  # built once, up to what a link serves where there are links, else up to what the chat carries
        data = await asyncio.to_thread(forms.build_bundle, built, stored, at=at,
                                       max_bytes=max(link_max_bytes(ctx), send_limit) if links else send_limit)
    except forms.BundleTooLarge as exc:
        too_big(ctx, exc)
        return
    direct = direct and len(data) <= send_limit
    name = forms.bundle_name(built.mau02.producer.name, built.mau02.product.name, at)
    files = str(len(forms.appendix(built.mau02)))
    if direct:
        ctx.reply("forms.zip_caption", files=files, attachment=Attachment(name=name, data=data, is_image=False),
                  buttons=next_rows(ctx))
        return
    settings = ctx.settings
    token, expires = await store_file(ctx.repos.session, ctx.user.id, name, "application/zip", data, now=ctx.now,
                                      minutes=settings.file_link_minutes, locale=ctx.user.locale or settings.default_locale)
    size_mb = ctx.t.number(max(round(len(data) / (1024 * 1024), 1), 0.1))
    msgid = N_("forms.zip_link_big") if sends_zip(channel) else N_("forms.zip_link")  # over the chat's size, or no ZIP
    ctx.reply(msgid, files=files, size=size_mb, url=f"{links}/{token}", until=expires,
              fetches=settings.file_link_fetches, limit=ctx.t.number(send_limit // (1024 * 1024)),
              buttons=next_rows(ctx))


def link_max_bytes(ctx: Context) -> int:
    """The largest ZIP a link serves: every evidence file the quota allows, and room for the forms."""
    return ctx.settings.evidence_quota_bytes + FORMS_ROOM


def too_big(ctx: Context, exc: forms.BundleTooLarge) -> None:
    names = ", ".join(name.rsplit("/", 1)[-1] for name, _ in exc.largest) or "-"
    ctx.reply("forms.zip_too_big", limit=ctx.t.number(exc.limit // (1024 * 1024)), files=names,
              buttons=next_rows(ctx))


def next_rows(ctx: Context) -> list[list[Any]]:
    return [[ctx.button("forms.to_summary", "forms", "summary")], [ctx.button("forms.evidence", "evidence", "open")],
            back_to_menu_row(ctx)]


N_("forms.caption_mau01_docx"), N_("forms.caption_mau01_pdf"), N_("forms.caption_mau02_docx"), N_("forms.caption_mau02_pdf")
