"""The renderers: each form as DOCX bytes (to edit, print, sign, stamp and file) and as PDF bytes (to read).

Pure and synchronous; a PDF of Mẫu 02 takes about a second (font subsetting), a DOCX half that, so an async
caller runs these in a thread (`asyncio.to_thread`), as handlers/assessment_result.py does for today's PDF.
"""

from __future__ import annotations

from bot.forms import mau01, mau02, mau03
from bot.forms.docx_render import render_docx
from bot.forms.model import Mau01, Mau02, Mau03
from bot.forms.pdf_render import render_pdf


def render_mau01_docx(form: Mau01) -> bytes:
    return render_docx(mau01.build(form))


def render_mau01_pdf(form: Mau01) -> bytes:
    return render_pdf(mau01.build(form))


def render_mau02_docx(report: Mau02) -> bytes:
    return render_docx(mau02.build(report))


def render_mau02_pdf(report: Mau02) -> bytes:
    return render_pdf(mau02.build(report))


def render_mau03_docx(form: Mau03) -> bytes:
    return render_docx(mau03.build(form))


def render_mau03_pdf(form: Mau03) -> bytes:
    return render_pdf(mau03.build(form))
