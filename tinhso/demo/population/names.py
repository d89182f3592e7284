# ruff: noqa: SIM905  (word lists as text)
"""The words synthetic people are made of: surnames in their real proportions
(Nguyễn about 38%), middle and given names by sex, the provinces of birth, the
phone prefixes and the province's wards."""

from __future__ import annotations

# (surname, weight in %): Nguyễn ~38%, then the usual order.
SURNAMES = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0),
    ("Huỳnh", 1.1), ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.4), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Đào", 0.5), ("Trịnh", 0.5), ("Mai", 0.4), ("Cao", 0.4), ("Lâm", 0.3), ("Lương", 0.4),
    ("Hà", 0.4), ("Tạ", 0.3), ("Chu", 0.2), ("Trương", 0.4), ("Lưu", 0.2), ("Tống", 0.2),
    ("Lại", 0.2), ("Nông", 0.2), ("Doãn", 0.1), ("Vương", 0.2), ("Triệu", 0.2),
    ("Khổng", 0.05), ("Quách", 0.1), ("Kiều", 0.1), ("Thái", 0.1), ("Tăng", 0.1),
]  # fmt: skip
MIDDLE_MALE = [
    ("Văn", 38), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Thanh", 5),
    ("Xuân", 4), ("Ngọc", 3), ("Đình", 5), ("Công", 4), ("Mạnh", 2), ("Tiến", 2),
    ("Trung", 2), ("Hoàng", 2), ("Anh", 2), ("Gia", 2), ("Bảo", 1), ("Duy", 2),
    ("Trọng", 2), ("Thế", 2),
]  # fmt: skip
MIDDLE_FEMALE = [
    ("Thị", 52), ("Ngọc", 6), ("Thu", 5), ("Thanh", 5), ("Minh", 3), ("Phương", 3),
    ("Hồng", 3), ("Kim", 3), ("Thùy", 3), ("Mai", 2), ("Bích", 2), ("Hải", 2),
    ("Diệu", 1), ("Khánh", 2), ("Bảo", 2), ("Quỳnh", 2), ("Tuyết", 1), ("Lan", 1),
]  # fmt: skip
# Given names, the common ones first; drawn with weights falling along the list
# (`ranked`), so the first name is about 2% of a sex and the last about 0.3%: real
# Vietnamese given names are many, a few of them frequent. (With few names drawn
# evenly, strangers sharing a name and a birth date would be several times too common.)
GIVEN_MALE = (
    "Anh Bảo Bình Cường Chiến Công Dũng Duy Dương Đạt Đông Đức Giang Hải Hào Hiếu Hiệp "
    "Hòa Hoàng Huy Hùng Hưng Khang Khánh Khoa Kiên Lâm Linh Long Lộc Lợi Luân Mạnh Minh "
    "Nam Nghĩa Nguyên Nhân Phát Phong Phúc Phương Quân Quang Quốc Sang Sơn Tài Tâm Thành "
    "Thắng Thiện Thịnh Toàn Trí Trung Trường Tuấn Tùng Vinh Việt Vũ Xuân Hậu Lực Kiệt "
    "Tiến Thái Triều Vượng Chung Giáp Dược Rạng Sỹ Sinh Lương Nhật Hiển Trọng Tú "
    "An Ân Bách Bằng Biên Bính Cảnh Chánh Châu Chính Chương Danh Dân Doanh Du Đại Đan "
    "Đạo Điền Điệp Định Đoàn Đồng Hà Hán Hạnh Hảo Hiền Hinh Hoài Hoan Hoàn Học Hồng Huân "
    "Hướng Hữu Khải Khanh Khiêm Khôi Khương Kỳ Lạc Lai Lân Lập Lễ Liêm Luận Lưu Năng "
    "Nghị Ngọc Nhất Ninh Pháp Phi Phú Phụng Phước Quảng Quý Quyết Quỳnh Sáng Tân Tấn "
    "Thạch Thảo Thọ Thông Thuận Thức Thường Tiệp Tín Tịnh Toản Triết Trúc Tường Tuyên "
    "Uy Vĩnh Vương Yên Thuật Huấn Khiết Khoát Lãm Lượng Mẫn Ngạn Quế Sâm Tạo Thạc Thiều "
    "Thuyên Tính Tôn Trác Tráng Tuệ Tuyển Vỹ Vịnh Xương Đương Hoạt Kha Khuyến Nhuận "
    "Phùng Sửu Thân Tuyến Ước"
).split()
GIVEN_FEMALE = (
    "Anh Ánh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương "
    "Huyền Lan Liên Linh Loan Ly Mai Minh My Nga Ngân Ngọc Nhung Nhi Oanh Phương Phượng "
    "Quyên Quỳnh Tâm Thảo Thanh Thoa Thu Thủy Thư Trang Trâm Uyên Vân Vy Xuân Yến Hậu "
    "Khuê Lụa Nương Sen Tuyết Dịu Giao Gấm Ngà Lựu Nhàn Diệu Rạng Dương Tươi Sương "
    "An Bình Cầm Châm Chinh Cúc Dao Diễm Doan Điệp Đào Hạ Hải Hân Hòa Hoài Hường Khanh "
    "Khánh Kiều Kim Lam Lành Lê Liễu Lý Mận Miên Mỹ Nghi Nguyệt Nhiên Như Phấn Phụng Phúc "
    "Quế Sa Thắm Thêu Thơ Thơm Thúy Thùy Thương Tiên Trà Trinh Trúc Tuyền Vi Yên Hiên "
    "Nhạn Phi Thi Thục Thuận Trân Tú Tường Uyển Vui Xinh Ái Bội Cẩm Đan Hảo Kha Lạc Lâm "
    "Lệ Mơ Mừng Na Nết Nhã Nhân Nhu Quý Sinh Son Thái Thiện Thoại Thuần Tình Tố Tuệ Ý "
    "Chúc Đoan Gia Hiệp Huê Khải Lài Lơ Mến Nhài Nhị Phước Quyền Sáu Tám Thanh Thìn "
    "Thường Tịnh Trầm Vàng Viên Xoan Yêu"
).split()


def ranked(names: list[str]) -> tuple[list[str], list[float]]:
    """The names once each, in order, with weights falling along the list."""
    names = list(dict.fromkeys(names))
    return names, [1 / (rank + 25) for rank in range(len(names))]


# Provinces of birth registration (Circular 07/2016): most people here were born here.
BIRTH_PROVINCES = ["022"] * 14 + ["001", "031", "030", "033", "034", "036", "037", "024", "019"]
PHONE_PREFIXES = ("09", "03", "08", "07", "05")


def province_wards() -> list[tuple[str, str]]:
    """The province's wards, from `vietnam-provinces` (codes as `geo` stores them)."""
    try:
        from vietnam_provinces import Ward

        wards = [
            (f"{int(w.code):05d}", w.name) for w in Ward.iter_all() if int(w.province_code) == 22
        ]
    except Exception:  # the package is a dependency; keep the generator usable without it
        wards = []
    return sorted(wards) or [(f"{7000 + i:05d}", f"Phường {i}") for i in range(54)]
