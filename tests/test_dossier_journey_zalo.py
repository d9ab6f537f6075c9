"""Issue 12's "done when" on Zalo, end to end over the real aiohttp webhook with real signatures and the
stand-in OA API: a producer follows the OA, answers the profile, self-assesses on their own sheet, fills
Mẫu 01 and Mẫu 02 in chat, sends a photo as evidence and downloads the dossier ZIP by the link the bot
sends (a Zalo OA sends no ZIP), holding Mẫu 01, Mẫu 02 with all four parts, and the photo."""

# ruff: noqa: F811 - `api` is a fixture imported from tests/zalo_driver.py, then taken as a parameter
from __future__ import annotations

import io
import re
import zipfile

import aiohttp

from tests.assessment_helpers import SET, all_top
from tests.broadcast_files import photo
from tests.conftest import Database
from tests.fakes.zalo_api import FakeZaloApi
from tests.test_evidence_zalo import USER, send_image
from tests.test_forms_render import docx_line, docx_text, in_order
from tests.zalo_driver import ZaloUser, api, running_zalo, zalo_settings  # noqa: F401 - fixture

LINK = re.compile(r"http://127\.0\.0\.1:\d+/files/\S+")


async def test_from_follow_to_the_dossier_zip_on_zalo(database: Database, api: FakeZaloApi) -> None:
    bot = await running_zalo(database, api, zalo_settings(database, api, public_url="http://bot.test"))
    try:
        user = ZaloUser(bot, api, USER)
        await user.answer_profile_until_phone()
        await user.send("0912 345 678")
        await user.choose_product_set("Thực phẩm", SET)

        # the self-assessment on the producer's own sheet, every answer a button
        await user.press("Menu chính")
        await user.press("Tự đánh giá")
        await user.press("Làm bài mới")
        if "bộ tiêu chí hiện hành" in user.text:  # which rule set: the current one
            await user.press("QĐ 26")
        sheet = bot.app.content.criteria.sheet("qd26-2026", SET)
        assert await user.answer_assessment(all_top(sheet)) == [c.code for c in sheet.criteria()]
        assert f"{sheet.max}/100" in user.text

        # Mẫu 01 and Mẫu 02 in chat: only what the bot does not know yet
        await user.press("Menu chính")
        await user.press("Hồ sơ")
        await user.press("Điền Mẫu 01, 02")
        assert "người đại diện theo pháp luật" in user.text
        await user.send("Trần Thị Mai")
        await user.send("Giám đốc")
        await user.press("Nữ")
        await user.press("Kinh")
        await user.send("Số 12 đường Lê Lợi, phường Cao Lãnh")
        await user.send("2016")  # a year alone is kept; the form leaves the day blank
        await user.send("bo qua")  # the registration number, skipped by typing
        await user.press("lần đầu")
        await user.send("Xoài cát Hòa Lộc sấy dẻo, túi 200 g")
        await user.send("TCCS 02:2023/HTXSV")
        for choice in ("✅ Có", "✅ Có", "✅ Có", "Chưa có"):  # registration, quality, food safety, trademark
            await user.press(choice)
        await user.send("Thành lập năm 2016 từ tổ hợp tác xoài.")
        await user.send("Hội đồng quản trị 3 người, 40 thành viên.")
        assert "Phần II" in user.text
        await user.send("Xoài của thành viên, sấy lạnh.")
        await user.send("Bao bì mới 2025.")
        await user.send("Cửa hàng đặc sản, sàn thương mại điện tử.")
        await user.send("8 tấn")
        await user.send("900 triệu")
        await user.send("150 triệu")
        assert "Phần IV" in user.text
        await user.send("Thêm xoài sấy muối ớt.")
        await user.send("Máy sấy thứ hai.")
        await user.send("Siêu thị ở TP.HCM.")
        assert "câu đã trả lời" in user.text  # the summary

        # a photo of the business registration as evidence
        await user.press("Menu chính")
        await user.press("Hồ sơ")
        await user.press("Gửi tài liệu minh chứng")
        await user.send("1")
        await send_image(user, api, photo())
        assert "Đã lưu tệp" in user.text

        # the ZIP, by link
        await user.send("forms:zip")
        [url] = LINK.findall(user.text)
        async with aiohttp.ClientSession() as client, client.get(url) as response:
            assert response.status == 200
            archive = zipfile.ZipFile(io.BytesIO(await response.read()))
        names = archive.namelist()
        assert sorted(n.rsplit(".", 1)[1] for n in names if n.startswith(("Mau01", "Mau02"))) == ["docx", "docx", "pdf", "pdf"]
        assert [n for n in names if n.startswith("Tai-lieu-minh-chung/01_")]
        mau02 = docx_text(archive.read(next(n for n in names if n.startswith("Mau02") and n.endswith(".docx"))))
        assert in_order(mau02, "Phần I", "HTX Sen Vàng", "Trần Thị Mai", "Phần II", "Xoài của thành viên",
                        "Phần III", "TỔNG CỘNG", "Phần IV", "Thêm xoài sấy muối ớt", "PHỤ LỤC")
        mau01_name = next(n for n in names if n.startswith("Mau01") and n.endswith(".docx"))
        assert "Xoài sấy dẻo" in docx_text(archive.read(mau01_name))
        assert docx_line(archive.read(mau01_name), "4. Lần đăng ký đánh giá: ").startswith(
            "4. Lần đăng ký đánh giá: Lần đầu ☒   Nâng hạng: □")
    finally:
        await bot.stop()
