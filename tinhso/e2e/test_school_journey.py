"""School in a real browser: the teacher enters a mark, the principal closes the term
and signs the school reports (seeing whose first), the parent follows her child and
opens the signed report's register entry; the Department runs grade-10 admission,
publishes it and settles an appeal, and anyone looks up a result."""

from __future__ import annotations

import datetime
import re

import pytest

from .test_back_office_journey import _sign_in

pytestmark = pytest.mark.e2e

SCHOOLS = "school_code,name,quota\nHL,THPT Hạ Long,1\nBC,THPT Bãi Cháy,2\n"
APPLICANTS = (
    "applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3\n"
    "QN001,9,8,8,0,0,HL,BC,\nQN002,8,8,8,0,0,HL,BC,\nQN003,6,6,6,0,0,HL,BC,\n"
)


def test_marks_reports_and_the_parents_view(server, browser):
    base, s = server
    pw, otp = s["passwords"], s["otp"]
    teacher = _sign_in(browser, base, "giaovien", pw["giaovien"], otp["giaovien"])
    teacher.goto(f"{base}/giao-duc/")
    maths_7a = teacher.locator("li", has_text="7A · Toán")
    maths_7a.get_by_role("link", name="Học kì I", exact=True).click()
    teacher.get_by_label("Phạm Ngọc Anh TX1").fill("9")
    teacher.get_by_role("button", name="Lưu điểm").click()
    teacher.wait_for_selector("text=Đã lưu 1 ô điểm")

    principal = _sign_in(browser, base, "hieutruong", pw["hieutruong"], otp["hieutruong"])
    principal.goto(f"{base}/giao-duc/")
    principal.get_by_role("button", name=re.compile("Chốt điểm Học kì I 20")).first.click()
    principal.wait_for_selector("text=Đã chốt điểm")
    principal.get_by_role("link", name=re.compile("Kết quả cả năm và học bạ Lớp 6A")).click()
    main = principal.locator("main")
    assert "Nguyễn Minh Khang" in main.inner_text()
    assert "Chữ ký số của bạn sẽ được đặt trên học bạ của 1 học sinh" in main.inner_text()
    principal.get_by_role("button", name="Ký học bạ các học sinh trên").click()
    principal.wait_for_selector("text=Đã ký 1 học bạ")

    parent = _sign_in(browser, base, "congdan", pw["congdan"])
    parent.goto(f"{base}/giao-duc/")
    parent.get_by_role("link", name="Nguyễn Minh Khang").click()
    text = parent.locator("main").inner_text()
    assert "Toán" in text and "Học bạ năm học" in text
    parent.get_by_role("link", name=re.compile("Học bạ năm học")).first.click()
    entry = parent.locator("main").inner_text()
    assert "Nguyễn M. K." in entry and "Mã băm SHA-256" in entry
    assert datetime.date.today().strftime("%d/%m/%Y") in entry


def test_admission_published_and_an_appeal(server, browser, tmp_path):
    base, s = server
    officer = _sign_in(
        browser, base, "tuyensinh", s["passwords"]["tuyensinh"], s["otp"]["tuyensinh"]
    )
    (tmp_path / "truong.csv").write_text(SCHOOLS, encoding="utf-8")
    (tmp_path / "thi-sinh.csv").write_text(APPLICANTS, encoding="utf-8")
    officer.goto(f"{base}/giao-duc/tuyen-sinh/")
    officer.get_by_label("Năm tuyển sinh").fill("2027")
    officer.get_by_label("Tệp trường và chỉ tiêu").set_input_files(str(tmp_path / "truong.csv"))
    officer.get_by_label("Tệp thí sinh").set_input_files(str(tmp_path / "thi-sinh.csv"))
    officer.get_by_role("button", name="Nạp dữ liệu").click()
    officer.wait_for_selector("text=Đã nạp dữ liệu tuyển sinh năm 2027")
    assert officer.get_by_role("button", name="Công bố kết quả").count() == 0  # not yet matched
    officer.get_by_role("button", name="Chạy xét tuyển").click()
    officer.get_by_role("button", name="Công bố kết quả").click()
    officer.wait_for_selector("text=Đã công bố kết quả")
    officer.get_by_label("Số báo danh").fill("QN002")
    officer.get_by_label("Điểm sau phúc khảo").fill("10")
    officer.get_by_label("Căn cứ (quyết định phúc khảo)").fill("Quyết định số 12/QĐ-SGDĐT")
    officer.get_by_role("button", name="Cập nhật và xét tuyển lại").click()
    officer.wait_for_selector("text=2 thí sinh thay đổi kết quả")

    visitor = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/giao-duc/tuyen-sinh/2027/")
    visitor.get_by_label("Tra cứu theo số báo danh").fill("QN001")
    visitor.get_by_role("button", name="Tra cứu").click()
    result = visitor.locator("main").inner_text()
    assert "trúng tuyển THPT Bãi Cháy" in result and "thấp hơn điểm chuẩn" in result
