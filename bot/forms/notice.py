"""The notice that the forms were transcribed from an unconfirmed copy of the decision.

Printed at the foot of every PDF page (the PDF is for reading). Not in the DOCX body: the DOCX is what the
producer prints, signs, stamps and files, and a line doubting the form would be filed with it; the DOCX keeps
the notice in its document properties (File > Properties: comments), where an officer checking a file can find it.
"""

SOURCE = "QĐ 26/2026/QĐ-TTg, Phụ lục III (bản sao)"

PDF_NOTICE = (
    "Mẫu chép từ bản sao QĐ 26/2026/QĐ-TTg, Phụ lục III, chưa đối chiếu với bản chính thức. "
    "Bản PDF để xem; bản Word (DOCX) để sửa, in, ký và nộp."
)

DOCX_COMMENT = (
    "Soạn bởi Trợ lý OCOP Đồng Tháp. Mẫu chép từ bản sao QĐ 26/2026/QĐ-TTg, Phụ lục III, chưa đối chiếu "
    "với văn bản đăng trên Cổng thông tin điện tử Chính phủ; hãy kiểm tra với cán bộ UBND cấp xã trước khi nộp."
)
