"""Mẫu 03 for the commune officer: the officer chat tool sends the draft as DOCX and PDF; read back with
python-docx (and the PDF's text), the four points are there, prefilled from the producer's own answers
(the self-assessment's option on each point's criterion, the eligibility answers), with the producer's
name, commune and product in part I."""

from __future__ import annotations

import io

from docx import Document

from bot.app import App
from bot.forms.mau03 import POINTS
from db import dossier_status as rows
from tests.dossier_support import PRODUCT, dossier_of, now, officer_app, option_text, seed_producer  # noqa: F401
from tests.pdf_text import pdf_text
from tests.transcript import Chat


def docx_text(data: bytes) -> str:
    """Every paragraph of the DOCX, those in tables (the two-column heading) included, in order."""
    document = Document(io.BytesIO(data))
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


async def test_the_officer_gets_mau03_prefilled_with_the_four_points(officer_app: App) -> None:  # noqa: F811
    app = officer_app
    async with app.sessions() as session, session.begin():
        user = await seed_producer(session, app.content, "p1")
        await rows.ensure_drafts(session, now())
    dossier = await dossier_of(app.sessions, user.id)
    officer = Chat(app.engine, "off1")
    await officer.send("hi")
    replies = await officer.press(f"odossier:m03:{dossier.id}")
    files = [r.attachment for r in replies if r.attachment is not None]
    assert [f.name.rsplit(".", 1)[1] for f in files] == ["docx", "pdf"]
    assert files[0].name.startswith("Mau03_htx-p1_banh-phong-tom-sa-giang_")
    text = docx_text(files[0].data)
    for label, _guidance in POINTS:
        assert label.strip() in text
    assert "HTX p1" in text and PRODUCT in text and "ỦY BAN NHÂN DÂN PHƯỜNG SA ĐÉC" in text
    for code in ("1.1", "3.3", "2.1", "5.3"):  # each point prefilled from its criterion's chosen option
        assert option_text(app.content, code) in text, code
    raw = next(q for q in app.content.eligibility.questions if q.id == "raw_material")
    answered = next(str(o.label) for o in raw.options if o.code == "trong-tinh")  # the producer's answer (seed)
    assert answered == "Từ 50% trở lên lấy trong tỉnh" and answered in text  # the eligibility answer on raw material
    assert "Của cơ sở mình, hoặc đặc sản của địa phương" in text  # and on the idea's origin
    # the points come in the form's order, each with the producer's description under it
    at = [text.index(label.strip()) for label, _ in POINTS]
    assert at == sorted(at)
    assert text.index(option_text(app.content, "3.3")) > at[1]
    assert "ĐÁNH GIÁ MỘT SỐ NỘI DUNG" in pdf_text(files[1].data).upper()


async def test_mau03_for_a_producer_who_answered_nothing_prints_the_blanks(officer_app: App) -> None:  # noqa: F811
    from sqlalchemy import update

    from db.models import Profile
    from tests.pushes_support import add_producer

    app = officer_app
    async with app.sessions() as session, session.begin():
        user = await add_producer(session, "p2", channel="console")
        await session.execute(update(Profile).where(Profile.user_id == user.id).values(main_product="Mắm cá linh"))
        await rows.ensure_drafts(session, now())
    dossier = await dossier_of(app.sessions, user.id)
    officer = Chat(app.engine, "off1")
    await officer.send("hi")
    replies = await officer.press(f"odossier:m03:{dossier.id}")
    [docx] = [r.attachment for r in replies if r.attachment is not None and r.attachment.name.endswith(".docx")]
    text = docx_text(docx.data)
    assert "Mắm cá linh" in text and "1. Về sử dụng nguyên liệu địa phương" in text
    assert "…" in text or "...." in text  # dotted blanks for the officer to write on
