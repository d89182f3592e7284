"""Demo accounts (CONTRACT.md): created once by `bootstrap --demo`, random
passwords printed once, TOTP secrets of officers printed as otpauth:// URIs."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction

from tinhso.accounts import identity, services
from tinhso.accounts.models import Agency, Role, RoleAssignment, User
from tinhso.core.identity import parse_personal_id
from tinhso.signing.services import issue_certificate

DEMO_AGENCY = "STP"  # Sở Tư pháp: handles the demo procedures
LEADER_TITLE = "PHÓ GIÁM ĐỐC"  # lanhdao is a deputy: signs "KT. GIÁM ĐỐC"


@dataclass
class DemoAccount:
    username: str
    role: str
    password: str | None  # None when the account already existed (password unchanged)
    otpauth_uri: str | None


def _password() -> str:
    return secrets.token_urlsafe(12)


def demo_personal_id(*, birth: datetime.date, sex: str, province: str = "022") -> str:
    """A structurally valid personal ID for a person born in the given province."""
    century_digit = (birth.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    while True:
        number = f"{province}{century_digit}{birth.year % 100:02d}{secrets.randbelow(10**6):06d}"
        parse_personal_id(number, birth_year=birth.year, sex=sex)
        if not User.objects.filter(personal_id=number).exists():
            return number


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    created: list[DemoAccount] = []
    if not User.objects.filter(username="congdan").exists():
        password = _password()
        birth = datetime.date(1990, 5, 12)
        services.register_citizen(
            username="congdan",
            password=password,
            full_name="Nguyễn Thị Hồng Nhung",
            personal_id=demo_personal_id(birth=birth, sex="female"),
            date_of_birth=birth,
            sex="female",
            email="congdan@example.vn",
            phone="0912345678",
        )
        created.append(DemoAccount("congdan", Role.CITIZEN, password, None))
    congdan = User.objects.get(username="congdan")
    if not congdan.is_identity_verified:  # as if checked at a desk: the demo files at once
        assert congdan.personal_id and congdan.date_of_birth  # registered with both above
        identity.verify_identity(
            actor=None, personal_id=congdan.personal_id, date_of_birth=congdan.date_of_birth
        )
    staff = [
        ("motcua", "Trần Văn Minh", Role.ONE_STOP_OFFICER, "TTPVHCC"),
        ("chuyenvien", "Phạm Thu Hà", Role.SPECIALIST, DEMO_AGENCY),
        ("lanhdao", "Lê Quang Huy", Role.LEADER, DEMO_AGENCY),
        ("quantri", "Đỗ Mạnh Cường", Role.ADMINISTRATOR, "UBND"),
        ("dancu", "Vũ Thị Lan", Role.REGISTRY_KEEPER, "CAT"),  # the police's registry officer
        ("ketoan", "Hoàng Thị Mai", Role.FINANCE_OFFICER, DEMO_AGENCY),  # statements, the queue
    ]
    for username, full_name, role, agency_code in staff:
        user, account = demo_staff(username, full_name, role, agency_code)
        if account is not None:
            if role == Role.LEADER:
                issue_certificate(actor=None, user=user)  # lanhdao signs results
            created.append(account)
    _give_leader_title()
    return created


def demo_staff(username, full_name, role, agency_code) -> tuple[User, DemoAccount | None]:
    """An officer with a random password and a confirmed authenticator, through the
    accounts services; the account printed once (None when it already existed)."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    password = _password()
    user = services.create_staff_user(
        actor=None,
        username=username,
        full_name=full_name,
        email=f"{username}@example.vn",
        role=role,
        agency=Agency.objects.get(code=agency_code),
        password=password,
    )
    device = services.create_confirmed_totp(user=user)
    return user, DemoAccount(username, role, password, device.config_url)


def _give_leader_title() -> None:
    """The demo leader's position, printed under their signature on results; set once
    (a second bootstrap finds it set and records nothing)."""
    assignment = RoleAssignment.objects.filter(
        user__username="lanhdao", role=Role.LEADER, agency__code=DEMO_AGENCY
    ).first()
    if assignment is not None and assignment.position_title != LEADER_TITLE:
        services.set_position_title(actor=None, assignment=assignment, position_title=LEADER_TITLE)
