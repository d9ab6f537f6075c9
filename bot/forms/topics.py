"""The evidence guidance table of Mẫu 02 Phần III: the rows "Nội dung | Yêu cầu" of the table in
/work/shared/reference/qd26-2026-copy.txt lines 4492–4506, in the order the copy prints them. `checklist_ids` are
the dossier checklist items (content/documents.yaml) whose uploads belong under a topic, so the chat flow can file
an upload made from the checklist. Plain data: the report model (model.py) and the numbering (evidence.py) read it;
the chat's evidence screens show `content` translated (TOPIC_LABELS).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceTopic:
    key: str
    content: str
    """"Nội dung" as the copy prints it."""
    requirement: str
    """"Yêu cầu" as the copy prints it (its " / " line breaks as new lines)."""
    checklist_ids: tuple[str, ...]


EVIDENCE_TOPICS: tuple[EvidenceTopic, ...] = (
    EvidenceTopic("dang-ky-kinh-doanh", "Giấy đăng ký kinh doanh",
                  "Bản sao chứng minh hoạt động kinh doanh hợp pháp (đối với các đơn vị/cá nhân có đăng ký kinh "
                  "doanh)", ("dang-ky-kinh-doanh",)),
    EvidenceTopic("co-so-du-dieu-kien", "Giấy chứng nhận cơ sở đủ điều kiện sản xuất",
                  "Bản sao (đối với sản phẩm cần phải có giấy chứng nhận theo quy định hiện hành)",
                  ("chung-nhan-attp",)),
    EvidenceTopic("nguon-nguyen-lieu", "Nguồn gốc nguyên liệu, vùng nguyên liệu, liên kết chuỗi",
                  "Bản sao tài liệu: Giấy xác nhận an toàn thực phẩm đối với vùng nguyên liệu, hợp đồng mua "
                  "bán/hợp đồng nguyên tắc, thỏa thuận liên kết, thanh lý hợp đồng, hóa đơn chứng từ hợp lệ... "
                  "chứng minh nguồn gốc nguyên liệu, liên kết chuỗi.", ("nguon-nguyen-lieu",)),
    EvidenceTopic("moi-truong", "Bảo vệ môi trường, sử dụng công nghệ theo hướng bền vững",
                  "Bản sao hồ sơ, thủ tục về môi trường theo quy định; hình ảnh minh chứng về thực hiện giải pháp "
                  "bảo vệ môi trường; hình ảnh, mô tả công nghệ sử dụng theo hướng bền vững.",
                  ("ho-so-moi-truong",)),
    EvidenceTopic("lao-dong-dia-phuong", "Sử dụng lao động địa phương",
                  "Danh sách lao động đóng bảo hiểm có xác nhận của chủ thể, bao gồm cả nơi thường trú.",
                  ("danh-sach-lao-dong",)),
    EvidenceTopic("tang-truong", "Tăng trưởng sản xuất kinh doanh",
                  "- Bản sao Tài liệu minh chứng kết quả phân loại hợp tác xã hoặc báo cáo tài chính 2 năm gần "
                  "nhất.\n- Bản sao Báo cáo tài chính của chủ thể 2 năm gần nhất.",
                  ("xep-loai-htx", "bao-cao-tai-chinh")),
    EvidenceTopic("so-huu-tri-tue", "Sở hữu trí tuệ",
                  "Minh chứng thể hiện Đơn đăng ký nhãn hiệu đã được cơ quan có thẩm quyền chấp nhận hoặc công "
                  "bố.\nBản sao Giấy chứng nhận đăng ký nhãn hiệu; văn bằng ghi nhận quyền sử dụng chỉ dẫn địa "
                  "lý, nhãn hiệu tập thể, nhãn hiệu chứng nhận; Bằng sáng chế, Bằng độc quyền kiểu dáng công "
                  "nghiệp,...", ("so-huu-tri-tue",)),
    EvidenceTopic("phat-trien-thi-truong", "Phát triển thị trường, hoạt động quảng bá, xúc tiến thương mại",
                  "Bản sao tài liệu: Hợp đồng, cam kết, ký gửi, đặt hàng, biên nhận, hóa đơn, chứng từ để minh "
                  "chứng xác nhận về phân phối sản phẩm, xuất khẩu sản phẩm, hoạt động xúc tiến thương mại...",
                  ("hop-dong-ban-hang",)),
    EvidenceTopic("quang-ba", "Quảng bá sản phẩm", "Tài liệu minh chứng về website, hoạt động quảng bá.",
                  ("quang-ba",)),
    EvidenceTopic("cau-chuyen-san-pham", "Câu chuyện về sản phẩm",
                  "Bản sao tờ rơi, hình ảnh, phim, ghi âm... minh chứng về câu chuyện của sản phẩm",
                  ("cau-chuyen-san-pham",)),
    EvidenceTopic("cong-bo-chat-luong", "Công bố chất lượng sản phẩm",
                  "Bản sao tài liệu, chứng minh chất lượng sản phẩm được công bố", ("cong-bo-chat-luong",)),
    EvidenceTopic("kiem-nghiem",
                  "Phiếu kết quả kiểm nghiệm chỉ tiêu chất lượng, an toàn thực phẩm theo tiêu chuẩn công bố",
                  "Bản sao tài liệu chứng minh đạt tiêu chuẩn chất lượng, an toàn thực phẩm.",
                  ("phieu-kiem-nghiem",)),
    # The copy ends this one with a stray comma ("…nguồn gốc,"), left out here.
    EvidenceTopic("ma-vach-truy-xuat", "Mã số mã vạch, tem truy xuất nguồn gốc",
                  "Bản sao tài liệu, chứng minh mã, tem, sở hữu thương hiệu...", ("ma-vach-truy-xuat",)),
    EvidenceTopic("quan-ly-chat-luong", "Hệ thống quản lý chất lượng tiên tiến, kiểm soát chất lượng",
                  "Bản sao tài liệu: chứng nhận Hệ thống quản lý chất lượng tiên tiến, chứng minh hệ thống quản lý "
                  "đạt tiêu chuẩn", ("he-thong-quan-ly-chat-luong",)),
    EvidenceTopic("giai-thuong",
                  "Giải thưởng của sản phẩm, bình chọn của các tổ chức uy tín trong nước và quốc tế...",
                  "Bản sao tài liệu, minh chứng về các thành tích, giải thưởng, bình chọn...", ("giai-thuong",)),
)

TOPIC_BY_KEY: dict[str, EvidenceTopic] = {t.key: t for t in EVIDENCE_TOPICS}
TOPIC_LABELS: tuple[str, ...] = tuple(t.content for t in EVIDENCE_TOPICS)
"""The rows' names as the chat shows them: content texts (Vietnamese, the msgid), English in the content
catalogs (content/locale/en/LC_MESSAGES/content_forms.po); the forms print them as they are."""
