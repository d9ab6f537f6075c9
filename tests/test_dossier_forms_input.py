"""The forms walk's typed answers and the evidence type check take any input without raising: a bad date or
amount is refused (None), never half-read; a file is known by its bytes, not by the name it was sent with."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from handlers.producer.dossier_forms import date_answer, money_answer
from handlers.producer.evidence import file_type

RUN = SimpleNamespace(ctx=SimpleNamespace(now=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)))


def test_dates_and_amounts_as_producers_type_them() -> None:
    assert date_answer(RUN, "15/03/2015") == "2015-03-15" and date_answer(RUN, " 1-2-2020 ") == "2020-02-01"
    assert date_answer(RUN, "2015") == "2015"
    assert [date_answer(RUN, t) for t in ("31/02/2015", "15/03/2099", "1899", "hôm qua", "")] == [None] * 5
    assert money_answer(RUN, "1.250.000.000") == 1_250_000_000 and money_answer(RUN, "1 250 000") == 1_250_000
    assert money_answer(RUN, "300 triệu") == 300_000_000 and money_answer(RUN, "450tr") == 450_000_000
    assert [money_answer(RUN, t) for t in ("hai tỷ", "1.25", "12,5 triệu", "-5", "")] == [None] * 5


@given(st.text(max_size=60))
def test_no_typed_text_breaks_the_parsers(text: str) -> None:
    day, amount = date_answer(RUN, text), money_answer(RUN, text)
    assert day is None or isinstance(day, str)
    assert amount is None or (isinstance(amount, int) and amount >= 0)


def test_files_are_known_by_their_bytes() -> None:
    assert file_type(b"\xff\xd8\xff\xe0rest", "x.pdf") == ("jpg", "image/jpeg")
    assert file_type(b"%PDF-1.7", "scan") == ("pdf", "application/pdf")
    assert file_type(b"PK\x03\x04...", "hop-dong.DOCX")[0] == "docx"
    assert file_type(b"PK\x03\x04...", "archive.zip") is None  # a ZIP is not a dossier document
    assert file_type(b"MZ\x90\x00", "giay-phep.pdf") is None  # a program named like a PDF


@given(st.binary(max_size=64), st.text(max_size=30))
def test_no_file_breaks_the_type_check(data: bytes, name: str) -> None:
    assert file_type(data, name) is None or file_type(data, name)[0] in ("jpg", "png", "pdf", "doc", "docx", "xlsx")
