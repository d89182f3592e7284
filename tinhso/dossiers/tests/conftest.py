"""What the dossiers' tests share."""

import pytest

from tinhso.accounts.models import Role


@pytest.fixture
def people(make_staff, officer, specialist, leader, applicant, province_admin):
    from tinhso.signing.services import issue_certificate

    other_leader = make_staff(Role.LEADER, "STP")
    issue_certificate(actor=None, user=other_leader)
    return {
        "applicant": applicant,
        "officer": officer,
        "SXD": {"specialist": specialist, "leader": leader},
        "STP": {"specialist": make_staff(Role.SPECIALIST, "STP"), "leader": other_leader},
        # both sides at once: a desk and processing agencies (the overlap counted once)
        "admin": province_admin,
    }
