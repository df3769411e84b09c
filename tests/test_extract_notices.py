"""Auction notices as the national auction portal publishes them: type from the title
sentence, issuer from the "Tổ chức đấu giá tài sản:" line (self-written lines)."""

from ingest.extract import extract_text
from ingest.extract.doctype import classify
from ingest.extract.issuers import auction_organisation

NOTICE = (
    "Thông báo việc đấu giá đối với danh mục tài sản: quyền sử dụng đất của bà Hồ Thị Mận\n"
    "Người có tài sản: Chi cục Thi hành án dân sự huyện Gò Quao, tỉnh Kiên Giang\n"
    "Địa chỉ người có tài sản: ấp Hòa Bình\n"
    "Tổ chức đấu giá tài sản: Công ty đấu giá hợp danh Minh Khang.\n"
    "Địa chỉ tổ chức đấu giá tài sản: số 9 Trần Phú, thành phố Rạch Giá\n"
    "Tiền đặt trước: 52,000,000 VNĐ\n"
    "Thời gian tổ chức cuộc đấu giá: 21/10/2025 09:00\n"
)


def test_the_portal_title_sentence_makes_a_notice():
    assert classify(None, NOTICE.splitlines(), None, None) == "thong_bao"
    # the same words inside a news sentence do not
    story = ["Hôm qua, cơ quan thi hành án thông báo việc đấu giá căn nhà bị hoãn."]
    assert classify(None, story, None, None) == "other"


def test_the_auction_organisation_line_names_the_issuer():
    assert auction_organisation(NOTICE.splitlines()) == "Công ty đấu giá hợp danh Minh Khang"
    assert auction_organisation(
        ["Tổ chức hành nghề đấu giá tài sản: Trung tâm dịch vụ đấu giá tài sản tỉnh Hậu Giang"]
    ) == ("Trung tâm dịch vụ đấu giá tài sản tỉnh Hậu Giang")
    # the asset holder is not the publisher, and an empty line names nobody
    assert auction_organisation(["Người có tài sản: Chi cục Thi hành án dân sự huyện X"]) is None
    assert auction_organisation(["Tổ chức đấu giá tài sản:"]) is None


def test_an_auction_notice_is_read_whole():
    (doc,) = extract_text(NOTICE)
    assert doc.doc_type == "thong_bao"
    assert doc.issuer == "Công ty đấu giá hợp danh Minh Khang"
    assert doc.amounts_vnd == [52000000]
    assert [(d.date, d.kind) for d in doc.dates] == [("2025-10-21", "event")]
