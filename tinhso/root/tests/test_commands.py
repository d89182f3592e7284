import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tinhso.accounts.auth import user_for_token
from tinhso.accounts.models import User
from tinhso.core.logging import MaskPersonalIdFilter

ROOT = Path(__file__).resolve().parents[3]


def _run(args, env_extra, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "TINHSO_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"TINHSO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tinhso.settings"})
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "tinhso.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], {"DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "-production-secret-from-the-environment-" + "y" * 20,
            "ALLOWED_HOSTS": "dichvucong.quangninh.gov.vn",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_bootstrap_twice_keeps_the_data_and_the_passwords():
    first = io.StringIO()
    call_command("bootstrap", "--demo", stdout=first)
    assert "demo account congdan" in first.getvalue()
    assert "otpauth://totp/" in first.getvalue()
    hashes = dict(User.objects.values_list("username", "password"))
    second = io.StringIO()
    call_command("bootstrap", "--demo", stdout=second)
    assert "already there" in second.getvalue()
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "(0 new rows)" in second.getvalue()
    congdan = User.objects.get(username="congdan")
    assert congdan.personal_id.startswith("022")
    from tinhso.accounts.models import RoleAssignment
    from tinhso.audit.models import AuditEvent

    leader = RoleAssignment.objects.get(user__username="lanhdao", role="leader")
    assert leader.position_title == "PHÓ GIÁM ĐỐC"  # signs "KT. GIÁM ĐỐC"
    assert AuditEvent.objects.filter(action="accounts.position_title_set").count() == 1


@pytest.mark.django_db
def test_issue_token_prints_one_usable_line(citizen):
    out = io.StringIO()
    call_command("issue_token", citizen.username, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert user_for_token(lines[0]) == citizen
    call_command("revoke_token", lines[0], stdout=io.StringIO())
    assert user_for_token(lines[0]) is None


def test_log_lines_never_carry_a_full_personal_id():
    record = logging.LogRecord(
        "tinhso", logging.INFO, __file__, 1, "looked up %s for %s", ("022190123456", "x"), None
    )
    MaskPersonalIdFilter().filter(record)
    assert record.getMessage() == "looked up 0221******56 for x"
