"""What the province publishes: each dataset's metadata and the query that fills it.
Aggregates and reference data only, never a person's data: dossier statistics are
counts per agency, procedure and month."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tinhso.core.dates import add_months


@dataclass(frozen=True)
class DatasetDefinition:
    name: str
    title: str
    notes: str
    organization: str  # agency code
    frequency: str
    tags: list[str]
    fields: list[dict]
    rows: Callable[[], Iterable[dict]] = field(repr=False)


def _procedures():
    from tinhso.procedures.models import Procedure

    for p in (
        Procedure.objects.filter(is_active=True)
        .select_related("sector", "agency")
        .order_by("code")
        .iterator()
    ):
        yield {
            "ma_thu_tuc": p.code,
            "ten_thu_tuc": p.name,
            "linh_vuc": p.sector.name,
            "co_quan": p.agency.code if p.agency else "",
            "cap_thuc_hien": p.level,
            "muc_do_truc_tuyen": p.online_level,
            "thoi_han_ngay_lam_viec": p.processing_days,
            "le_phi_vnd": p.fee,
            "phien_ban": p.version,
        }


def _months_back(n: int) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return add_months(today, -(n - 1)).replace(day=1), today


def _dossier_statistics():
    from tinhso.dossiers.models import Channel, Dossier, Status, on_time_q, resolved_q

    first, last = _months_back(24)
    rows = (
        Dossier.objects.filter(submitted_at__date__gte=first, submitted_at__date__lte=last)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "agency__code", "procedure__code")
        .annotate(
            submitted=Count("pk"),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            resolved=Count("pk", filter=resolved_q()),
            on_time=Count("pk", filter=on_time_q()),
            refused=Count("pk", filter=Q(status=Status.REFUSED)),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        )
        .order_by("month", "agency__code", "procedure__code")
    )
    for r in rows:
        yield {
            "thang": f"{r['month']:%Y-%m}",
            "co_quan": r["agency__code"],
            "ma_thu_tuc": r["procedure__code"],
            "ho_so_nop": r["submitted"],
            "nop_truc_tuyen": r["online"],
            "da_giai_quyet": r["resolved"],
            "dung_han": r["on_time"],
            "tu_choi": r["refused"],
            "rut_ho_so": r["withdrawn"],
        }


def _units():
    from tinhso.geo.models import AdministrativeUnit

    province = settings.TINHSO_PROVINCE
    units = AdministrativeUnit.objects.filter(Q(code=province) | Q(parent_id=province)).order_by(
        "code"
    )
    for u in units:
        yield {
            "ma": u.code,
            "ten": u.name,
            "cap": u.level,
            "ma_cap_tren": u.parent_id or "",
            "hieu_luc_tu": f"{u.valid_from:%Y-%m-%d}" if u.valid_from else "",
            "hieu_luc_den": f"{u.valid_to:%Y-%m-%d}" if u.valid_to else "",
        }


def _index():
    from tinhso.monitoring import selectors

    first, last = _months_back(12)
    rows = selectors.index_by_agency_month(start=f"{first:%Y-%m}", end=f"{last:%Y-%m}")
    for r in rows:
        row = {"thang": r.period, "co_quan": r.agency, "diem": float(r.score)}
        for code, c in r.components.items():
            row[f"{code}_diem"] = None if c.points is None else float(c.points)
        yield row


def _index_fields():
    from tinhso.monitoring.models import IndicatorComponent

    base = [
        {"id": "thang", "type": "text", "label": "Tháng"},
        {"id": "co_quan", "type": "text", "label": "Mã cơ quan"},
        {"id": "diem", "type": "numeric", "label": "Điểm (trên 100)"},
    ]
    return base + [
        {"id": f"{c.code}_diem", "type": "numeric", "label": c.name}
        for c in IndicatorComponent.objects.order_by("group", "code")
    ]


def _goals():
    from tinhso.monitoring.goals import goals_progress

    for p in goals_progress():
        g = p.goal
        yield {
            "van_ban": g.programme.number,
            "ma": g.code,
            "loai": g.kind,
            "noi_dung": g.title,
            "co_quan_chu_tri": g.owner.code if g.owner else "",
            "don_vi_tinh": g.unit,
            "chi_tieu": None if g.target is None else float(g.target),
            "han": f"{g.due:%Y-%m-%d}" if g.due else "",
            "gia_tri_moi_nhat": None if p.latest is None else float(p.latest.value),
            "ngay_do": f"{p.latest.measured_on:%Y-%m-%d}" if p.latest else "",
            "trang_thai": p.status,
            "nguon": (p.latest.source if p.latest else g.source),
        }


def _procedures_dataset() -> DatasetDefinition:
    """The procedure catalogue."""
    return DatasetDefinition(
        name="danh-muc-thu-tuc-hanh-chinh",
        title="Danh mục thủ tục hành chính",
        notes="Các thủ tục hành chính đang áp dụng trên Cổng dịch vụ công của tỉnh: mã "
        "quốc gia, cơ quan giải quyết, thời hạn, lệ phí, mức độ trực tuyến.",
        organization="VPUB",
        frequency="daily",
        tags=["thu-tuc-hanh-chinh", "dich-vu-cong"],
        fields=[
            {"id": "ma_thu_tuc", "type": "text", "label": "Mã thủ tục"},
            {"id": "ten_thu_tuc", "type": "text", "label": "Tên thủ tục"},
            {"id": "linh_vuc", "type": "text", "label": "Lĩnh vực"},
            {"id": "co_quan", "type": "text", "label": "Cơ quan giải quyết"},
            {"id": "cap_thuc_hien", "type": "text", "label": "Cấp thực hiện"},
            {"id": "muc_do_truc_tuyen", "type": "text", "label": "Mức độ trực tuyến"},
            {
                "id": "thoi_han_ngay_lam_viec",
                "type": "int",
                "label": "Thời hạn (ngày làm việc)",
            },
            {"id": "le_phi_vnd", "type": "int", "label": "Lệ phí (đồng)"},
            {"id": "phien_ban", "type": "int", "label": "Phiên bản"},
        ],
        rows=_procedures,
    )


def _dossier_statistics_dataset() -> DatasetDefinition:
    """Dossier counts per month, agency and procedure."""
    return DatasetDefinition(
        name="thong-ke-ho-so-theo-thang",
        title="Thống kê hồ sơ thủ tục hành chính theo tháng",
        notes="Số hồ sơ nộp, nộp trực tuyến, đã giải quyết, đúng hạn, từ chối, rút theo "
        "tháng, cơ quan và thủ tục (24 tháng gần nhất). Chỉ số đếm, không có dữ liệu cá nhân.",
        organization="TTPVHCC",
        frequency="monthly",
        tags=["ho-so", "thong-ke", "dich-vu-cong"],
        fields=[
            {"id": "thang", "type": "text", "label": "Tháng"},
            {"id": "co_quan", "type": "text", "label": "Mã cơ quan"},
            {"id": "ma_thu_tuc", "type": "text", "label": "Mã thủ tục"},
            {"id": "ho_so_nop", "type": "int", "label": "Hồ sơ nộp"},
            {"id": "nop_truc_tuyen", "type": "int", "label": "Nộp trực tuyến"},
            {"id": "da_giai_quyet", "type": "int", "label": "Đã giải quyết"},
            {"id": "dung_han", "type": "int", "label": "Giải quyết đúng hạn"},
            {"id": "tu_choi", "type": "int", "label": "Từ chối"},
            {"id": "rut_ho_so", "type": "int", "label": "Rút hồ sơ"},
        ],
        rows=_dossier_statistics,
    )


def _units_dataset() -> DatasetDefinition:
    """The administrative units."""
    return DatasetDefinition(
        name="don-vi-hanh-chinh",
        title="Đơn vị hành chính của tỉnh",
        notes="Tỉnh và các phường, xã hiện hành (mô hình chính quyền hai cấp từ 1/7/2025), "
        "kèm các đơn vị cấp huyện cũ với ngày hết hiệu lực.",
        organization="SNV",
        frequency="yearly",
        tags=["don-vi-hanh-chinh", "dia-gioi"],
        fields=[
            {"id": "ma", "type": "text", "label": "Mã"},
            {"id": "ten", "type": "text", "label": "Tên"},
            {"id": "cap", "type": "text", "label": "Cấp"},
            {"id": "ma_cap_tren", "type": "text", "label": "Mã đơn vị cấp trên"},
            {"id": "hieu_luc_tu", "type": "text", "label": "Hiệu lực từ"},
            {"id": "hieu_luc_den", "type": "text", "label": "Hiệu lực đến"},
        ],
        rows=_units,
    )


def _index_dataset() -> DatasetDefinition:
    """The Decision 766 index per agency and month."""
    return DatasetDefinition(
        name="chi-so-phuc-vu-nguoi-dan-doanh-nghiep",
        title="Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        notes="Điểm của từng cơ quan theo tháng (12 tháng gần nhất) và điểm từng chỉ số "
        "thành phần, tính từ dữ liệu hồ sơ trên nền tảng.",
        organization="VPUB",
        frequency="monthly",
        tags=["chi-so", "766", "cai-cach-hanh-chinh"],
        fields=[],  # from the index definition (data)
        rows=_index,
    )


def _goals_dataset() -> DatasetDefinition:
    """Progress of the digital transformation goals."""
    return DatasetDefinition(
        name="tien-do-chuyen-doi-so",
        title="Tiến độ thực hiện Nghị quyết 09-NQ/TU và các kế hoạch chuyển đổi số",
        notes="Mục tiêu, chỉ tiêu, nhiệm vụ; giá trị đo mới nhất, trạng thái và nguồn số liệu.",
        organization="SKHCN",
        frequency="monthly",
        tags=["chuyen-doi-so", "nghi-quyet-09"],
        fields=[
            {"id": "van_ban", "type": "text", "label": "Văn bản"},
            {"id": "ma", "type": "text", "label": "Mã"},
            {"id": "loai", "type": "text", "label": "Loại"},
            {"id": "noi_dung", "type": "text", "label": "Nội dung"},
            {"id": "co_quan_chu_tri", "type": "text", "label": "Cơ quan chủ trì"},
            {"id": "don_vi_tinh", "type": "text", "label": "Đơn vị tính"},
            {"id": "chi_tieu", "type": "numeric", "label": "Chỉ tiêu"},
            {"id": "han", "type": "text", "label": "Hạn"},
            {"id": "gia_tri_moi_nhat", "type": "numeric", "label": "Giá trị mới nhất"},
            {"id": "ngay_do", "type": "text", "label": "Ngày đo"},
            {"id": "trang_thai", "type": "text", "label": "Trạng thái"},
            {"id": "nguon", "type": "text", "label": "Nguồn"},
        ],
        rows=_goals,
    )


def _health_checkins():
    from tinhso.health.selectors import checkins_per_facility_month

    for r in checkins_per_facility_month():
        yield {
            "thang": r["month"],
            "ma_co_so": r["facility_code"],
            "ten_co_so": r["facility_name"],
            "luot_tiep_don": r["checkins"],
            "tiep_don_bang_can_cuoc": r["chip_checkins"],
        }


def _health_checkins_dataset() -> DatasetDefinition:
    return DatasetDefinition(
        name="luot-kham-theo-co-so-y-te",
        title="Lượt tiếp đón khám bệnh theo cơ sở y tế và tháng",
        notes="Số lượt tiếp đón người bệnh tại mỗi cơ sở y tế theo tháng, trong đó số lượt "
        "tiếp đón bằng thẻ căn cước gắn chip. Chỉ số đếm, không có dữ liệu cá nhân.",
        organization="SYT",
        frequency="monthly",
        tags=["y-te", "kham-chua-benh", "thong-ke"],
        fields=[
            {"id": "thang", "type": "text", "label": "Tháng"},
            {"id": "ma_co_so", "type": "text", "label": "Mã cơ sở y tế"},
            {"id": "ten_co_so", "type": "text", "label": "Tên cơ sở y tế"},
            {"id": "luot_tiep_don", "type": "int", "label": "Lượt tiếp đón"},
            {"id": "tiep_don_bang_can_cuoc", "type": "int", "label": "Tiếp đón bằng thẻ căn cước"},
        ],
        rows=_health_checkins,
    )


def definitions() -> list[DatasetDefinition]:
    """Every dataset the province publishes, in the catalogue's order."""
    return [
        _procedures_dataset(),
        _dossier_statistics_dataset(),
        _units_dataset(),
        _index_dataset(),
        _goals_dataset(),
        _health_checkins_dataset(),
    ]


def fields_of(definition: DatasetDefinition) -> list[dict]:
    return definition.fields or _index_fields()
