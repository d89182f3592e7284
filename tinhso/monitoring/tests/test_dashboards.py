import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tinhso.accounts.models import Role
from tinhso.core.errors import PermissionDenied
from tinhso.monitoring import dashboard
from tinhso.monitoring.goals import load_goals

pytestmark = pytest.mark.django_db


def _row(table, name):
    return next(r for r in table.rows if r[1] == name)


def test_an_agencys_rates_follow_its_dossiers_through_the_back_office(
    make_staff, second_factor_client, returned
):
    period = f"{timezone.localdate():%Y}"
    leader = make_staff(Role.LEADER, "SXD")
    page = second_factor_client(leader).get(
        "/lam-viec/dieu-hanh/", {"period": period, "unit": "SXD"}
    )
    assert page.status_code == 200
    board = page.context["board"]
    assert board.unit == "SXD"
    on_time = next(r for r in board.components.rows if "đúng hạn" in r[0])
    online = next(r for r in board.components.rows if "trực tuyến trên hồ sơ đã nộp" in r[0])
    assert (on_time[3], on_time[4], on_time[5]) == (Decimal("100.0"), 1, 1)
    assert (online[3], online[4], online[5]) == (Decimal("100.0"), 1, 1)
    ranked = _row(board.agencies, returned.agency.name)
    assert ranked[3] == 1  # one dossier counted in the ranking
    html = page.content.decode()
    assert 'data-chart="components"' in html and '<th scope="col">' in html


def test_a_leader_sees_their_agency_not_the_province(make_staff, second_factor_client):
    leader = make_staff(Role.LEADER, "SXD")
    client = second_factor_client(leader)
    assert client.get("/lam-viec/dieu-hanh/").context["board"].unit == "SXD"
    assert client.get("/lam-viec/dieu-hanh/", {"unit": "STP"}).status_code == 403
    with pytest.raises(PermissionDenied):
        dashboard.build(period="2026", unit="", viewer=leader)


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.ONE_STOP_OFFICER])
def test_officers_without_a_steering_role_are_refused(make_staff, second_factor_client, role):
    client = second_factor_client(make_staff(role, "SXD"))
    assert client.get("/lam-viec/dieu-hanh/").status_code == 403


def test_citizens_are_refused(client, citizen):
    client.force_login(citizen)
    assert client.get("/lam-viec/dieu-hanh/").status_code == 403


def test_the_province_board_ranks_agencies_and_wards_and_shows_late_steps(
    make_staff, second_factor_client, returned
):
    watcher = make_staff(Role.MONITORING, "UBND")
    board = second_factor_client(watcher).get("/lam-viec/dieu-hanh/").context["board"]
    assert board.unit == "" and [r[0] for r in board.agencies.rows] == list(
        range(1, len(board.agencies.rows) + 1)
    )
    assert board.late.columns and board.goals.key == "goals"


def test_exports_in_csv_and_xlsx(make_staff, second_factor_client, returned):
    client = second_factor_client(make_staff(Role.MONITORING, "UBND"))
    period = f"{timezone.localdate():%Y}"
    body = client.get(
        "/lam-viec/dieu-hanh/", {"period": period, "export": "agencies", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng" and rows[1][1] == returned.agency.name
    body = client.get(
        "/lam-viec/dieu-hanh/", {"period": period, "export": "trend", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(body.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Tháng" and len(values) == 13  # header + 12 months


def test_the_public_page_and_the_goals_page(client, returned):
    load_goals()
    page = client.get("/chi-so/")
    assert page.status_code == 200 and page.context["board"].late.rows == []  # no step detail
    goals = client.get("/chi-so/muc-tieu/").content.decode()
    assert "09-NQ/TU" in goals and "37/KH-UBND" in goals and "34/KH-UBND" in goals
    assert "7,1 % GRDP" in goals and "Báo Quảng Ninh" in goals and "16 mục tiêu" in goals


def test_a_bad_period_says_so_and_shows_the_default(client):
    page = client.get("/chi-so/", {"period": "2999"})
    assert page.status_code == 200 and page.context["error"]
    assert page.context["board"].period == dashboard.default_period()


def test_goal_bars_carry_a_dot_and_numbers_one_style(client):
    import re

    load_goals()
    goals = client.get("/chi-so/muc-tieu/").content.decode()
    values = re.findall(r'<progress value="([^"]*)"', goals)
    assert values and all(re.fullmatch(r"\d+(\.\d+)?(e-\d+)?", v) for v in values)
    assert any("." in v for v in values)  # a partial value, with a dot (not "0,8")
    assert "E+" not in goals  # Decimal('100.00').normalize() printed as 1E+2 before
    assert "100 %" in goals and "7,1 % GRDP" in goals


def test_the_index_period_is_picked_from_those_with_figures(client):
    page = client.get("/chi-so/").content.decode()
    select = page.split('<select id="id_period" name="period"', 1)[1].split("</select>", 1)[0]
    year = str(dashboard.default_period())
    assert f'<option value="{year}" selected>' in select and f"{year}-Q1" in select
    assert '<input id="id_period"' not in page
