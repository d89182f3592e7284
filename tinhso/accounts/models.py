from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.identity import mask_id


class AgencyKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("Ủy ban nhân dân tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    WARD_COMMITTEE = "ward_committee", _("Ủy ban nhân dân cấp xã")
    OTHER = "other", _("Cơ quan khác")


class Agency(models.Model):
    """Cơ quan: a node of the province's organisation tree, tied to a unit."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/UBND/STP/"): an assignment at an agency covers
    # every agency whose path starts with its own.
    path = models.CharField(max_length=400, db_index=True, editable=False)
    unit = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # The title of the agency's head as it heads a signature block (Decree 30/2020/NĐ-CP,
    # Appendix I): "GIÁM ĐỐC", "CHỦ TỊCH". A deputy signs "KT. <head_title>". The apology
    # and decline notices are signed by the head (Decree 118/2025/NĐ-CP).
    head_title = models.CharField(max_length=80, blank=True)
    # When its one-stop desk receives people, as the procedure pages show it
    # ("Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00"); data/desks.csv.
    opening_hours = models.CharField(max_length=200, blank=True)
    # After this time a dossier received today counts from the next working day.
    cut_off_time = models.TimeField(default=datetime.time(15, 0))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("các cơ quan")

    def __str__(self) -> str:
        return self.name

    def covers(self, other: Agency) -> bool:
        return other.path.startswith(self.path)


class AccountType(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")
    STAFF = "staff", _("Cán bộ, công chức")


class User(AbstractUser):
    """A person who signs in: a citizen, a business's representative, or an officer."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    account_type = models.CharField(
        max_length=10, choices=AccountType.choices, default=AccountType.CITIZEN
    )
    personal_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(
        _("giới tính"),
        max_length=6,
        blank=True,
        choices=[("male", _("Nam")), ("female", _("Nữ"))],
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    address = models.CharField(_("địa chỉ thường trú"), max_length=300, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, db_index=True)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=200, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Xác minh danh tính: a self-registered account only says who it is; an officer
    # at a one-stop desk checks the ID card before it files in that person's name.
    identity_verified_at = models.DateTimeField(_("xác minh danh tính lúc"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # first_name/last_name are unused: Vietnamese names are kept whole in full_name.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @property
    def masked_personal_id(self) -> str:
        return mask_id(self.personal_id)

    @property
    def is_identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    MONITORING = "monitoring", _("Giám sát, theo dõi")
    ADMINISTRATOR = "administrator", _("Quản trị")
    # Cán bộ quản lý cơ sở dữ liệu dân cư: the police's registry officers and those the
    # province names; reads the registry within their scope's wards, decides merges.
    REGISTRY_KEEPER = "registry_keeper", _("Cán bộ quản lý dữ liệu dân cư")
    # Giáo viên: teaches a class or a subject at the school (an agency) they hold it at.
    TEACHER = "teacher", _("Giáo viên")
    # Người hành nghề khám bệnh, chữa bệnh: held at a health facility (an agency).
    DOCTOR = "doctor", _("Bác sĩ")
    NURSE = "nurse", _("Điều dưỡng")
    PHARMACIST = "pharmacist", _("Dược sĩ")
    # Nhân viên trạm y tế, tiếp đón: checks patients in, records doses.
    HEALTH_STAFF = "health_staff", _("Nhân viên y tế")
    # Cán bộ tài chính, kế toán: reconciles the agency's bank statements, resolves the
    # credits that did not match, takes fees at the desk (payments).
    FINANCE_OFFICER = "finance_officer", _("Cán bộ tài chính, kế toán")


# Roles that act for the state: scoped to an agency, and need a second factor.
STAFF_ROLES = frozenset(
    {
        Role.ONE_STOP_OFFICER,
        Role.SPECIALIST,
        Role.LEADER,
        Role.MONITORING,
        Role.ADMINISTRATOR,
        Role.REGISTRY_KEEPER,
        Role.TEACHER,
        Role.DOCTOR,
        Role.NURSE,
        Role.PHARMACIST,
        Role.HEALTH_STAFF,
        Role.FINANCE_OFFICER,
    }
)

# Who works at a health facility (scoped to its agency).
HEALTH_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.PHARMACIST, Role.HEALTH_STAFF})

# Roles that see and act on dossiers: a registry keeper keeps the population
# registry and sees no dossier of their agency for it.
# Who works on dossiers: not the registry keepers, the teachers, the finance officers
# nor the health workers.
DOSSIER_ROLES = (
    STAFF_ROLES - {Role.REGISTRY_KEEPER, Role.TEACHER, Role.FINANCE_OFFICER} - HEALTH_ROLES
)


class RoleAssignment(models.Model):
    """A role a user holds, scoped to an agency (and what is below it) or to a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The officer's position in this agency as printed under a signature: "PHÓ GIÁM
    # ĐỐC", "CHỦ TỊCH" (the leaders who sign results; see document_layout).
    position_title = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_assignment_uniq"),
            models.CheckConstraint(
                condition=models.Q(role__in=["citizen", "business"])
                | models.Q(agency__isnull=False)
                | models.Q(unit__isnull=False),
                name="staff_role_has_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency.code if self.agency_id else (self.unit_id or "")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """Mã truy cập API. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EnrolmentLink(models.Model):
    """Đường dẫn kích hoạt xác thực hai lớp: issued by an administrator so that an
    officer enrols their first authenticator (knowing the password is not enough).
    One use, expiring; only a SHA-256 digest of its secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
