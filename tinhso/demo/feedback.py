"""Demo citizen feedback (CONTRACT.md): `phuong`, an officer of the ward committee of
Phường Hạ Long, and a few reports around it, some answered, all published on the map.
Through the services; idempotent (nothing is made when a demo report exists)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.feedback import services as feedback
from tinhso.feedback.models import Report

from .accounts import DemoAccount, demo_staff

WARD = "06688"  # Phường Hạ Long, Quảng Ninh
COMMITTEE = f"UBND{WARD}"
# category, description, (lat, lon), address, days ago, answer ("" = still open)
REPORTS = [
    ("chieu-sang", "Ba cột đèn trên đường Bến Đoan không sáng từ tối thứ Hai.",
     (20.95165, 107.08042), "Đường Bến Đoan", 12, "Đã thay bóng và bộ điều khiển của ba cột đèn."),
    ("rac-thai", "Rác tồn đọng ở điểm tập kết đầu ngõ 45 Lê Thánh Tông.",
     (20.95271, 107.08575), "Ngõ 45 Lê Thánh Tông", 9, "Công ty môi trường đã thu gom; bổ sung một lượt thu buổi trưa."),
    ("duong-giao-thong", "Ổ gà lớn trước chợ Hạ Long 1, xe máy dễ ngã khi trời mưa.",
     (20.95352, 107.08254), "Chợ Hạ Long 1", 7, "Đã vá mặt đường ngày hôm qua."),
    ("trat-tu-cong-cong", "Quán bày bàn ghế chiếm hết vỉa hè đường Hạ Long buổi tối.",
     (20.95048, 107.07620), "Đường Hạ Long", 5, "Tổ trật tự đô thị đã nhắc nhở, lập biên bản cam kết."),
    ("chieu-sang", "Đèn công viên Bến Đoan nhấp nháy cả đêm.",
     (20.95120, 107.07890), "Công viên Bến Đoan", 2, ""),
    ("cap-thoat-nuoc", "Cống thoát nước tắc, nước tràn lên đường khi mưa to.",
     (20.95410, 107.08400), "Phố Cao Thắng", 1, ""),
    ("xay-dung-trai-phep", "Nhà đang cơi nới thêm tầng, không thấy biển giấy phép.",
     (20.95500, 107.08010), "Tổ 3, khu 5", 0, ""),
]  # fmt: skip


def create_demo_feedback() -> list[DemoAccount]:
    feedback.load_feedback_reference()
    officer, account = demo_staff("phuong", "Đặng Thị Phương", Role.SPECIALIST, COMMITTEE)
    if Report.objects.exists():
        return [account] if account else []
    citizen = User.objects.filter(username="congdan").first()
    now = timezone.now()
    for category, text, (lat, lon), address, days_ago, answer in REPORTS:
        report = feedback.submit_report(
            reporter=citizen, category_code=category, description=text, latitude=lat,
            longitude=lon, address=address, ward_code=WARD,
            now=now - datetime.timedelta(days=days_ago),
        )  # fmt: skip
        if report.agency.code != COMMITTEE:
            continue  # a department's: it answers in its own time
        if answer:
            feedback.answer_report(actor=officer, report=report, answer=answer)
        feedback.publish_report(actor=officer, report=report, boxes={})
    return [account] if account else []
