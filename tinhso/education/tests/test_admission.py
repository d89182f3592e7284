"""The admission rules on hand-made cases, and the `tinhso admission` command."""

from __future__ import annotations

import csv
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from tinhso.education.admission import (
    AdmissionInputError,
    AdmissionRules,
    Applicant,
    School,
    WishOutcome,
    match,
    moves,
)


def A(aid, m, lit, eng, *wishes, priority="0", incentive="0"):
    return Applicant(aid, D(m), D(lit), D(eng), D(priority), D(incentive), tuple(wishes))


def test_the_score_is_the_three_subjects_with_priority_and_incentive():
    a = A("1", "8.25", "7", "6.5", "X", priority="1", incentive="0.5")
    assert AdmissionRules().score(a) == D("23.25")
    weighted = AdmissionRules.from_dict({"weights": {"math": 2, "literature": 2, "english": 1}})
    assert weighted.score(a) == D("38.5")


def test_ties_are_broken_by_maths_then_literature_then_english():
    schools = [School("X", "X", 1)]
    # same total 21: the higher Maths wins; with equal Maths, the higher Literature
    result = match(
        schools, [A("1", "7", "8", "6", "X"), A("2", "8", "7", "6", "X")], AdmissionRules()
    )
    assert result.placements["2"].school_code == "X"
    assert result.placements["1"].school_code is None
    assert result.placements["1"].wishes[0].outcome == WishOutcome.LOST_TIEBREAK
    result = match(
        schools, [A("1", "8", "6", "7", "X"), A("2", "8", "7", "6", "X")], AdmissionRules()
    )
    assert result.assignment() == {"1": (None, None), "2": ("X", 1)}


def test_applicants_still_tied_for_the_last_place_are_all_admitted_and_reported():
    schools = [School("X", "X", 2)]
    applicants = [
        A("1", "9", "9", "9", "X"),
        A("2", "8", "7", "6", "X"),
        A("3", "8", "7", "6", "X"),
    ]
    applicants.append(A("4", "8", "7", "5.75", "X"))
    result = match(schools, applicants, AdmissionRules())
    assert result.schools["X"].admitted == ("1", "2", "3")
    assert result.overruns() == {"X": 1}
    assert result.schools["X"].cutoff == D(21)
    assert result.placements["4"].wishes[0].outcome == WishOutcome.BELOW_CUTOFF


def test_an_applicant_moves_down_the_wishes_and_displaces_a_weaker_one():
    schools = [School("X", "X", 1), School("Y", "Y", 1)]
    applicants = [
        A("1", "9", "9", "9", "X", "Y"),
        A("2", "8", "8", "8", "X", "Y"),
        A("3", "5", "5", "5", "Y"),
    ]
    result = match(schools, applicants, AdmissionRules())
    assert result.assignment() == {"1": ("X", 1), "2": ("Y", 2), "3": (None, None)}
    explained = result.placements["2"].wishes
    assert explained[0].outcome == WishOutcome.BELOW_CUTOFF
    assert explained[0].cutoff == D(27)
    assert explained[1].outcome == WishOutcome.ADMITTED


def test_a_wish_penalty_lets_first_wishes_come_first():
    schools = [School("X", "X", 1), School("Y", "Y", 1)]
    # 2 is half a point better but lists X second; with a penalty of 1 on wish 2, 1 wins X
    applicants = [
        A("1", "8", "8", "8", "X"),
        A("2", "8.5", "8", "8", "Y", "X"),
        A("3", "9", "9", "9", "Y"),
    ]
    plain = match(schools, applicants, AdmissionRules())
    assert plain.placements["2"].school_code == "X"
    penalised = match(schools, applicants, AdmissionRules(wish_penalties=(D(0), D(1))))
    assert penalised.placements["1"].school_code == "X"
    assert penalised.placements["2"].school_code is None
    assert penalised.placements["2"].wishes[1].score == D("23.5")


def test_an_appeal_that_raises_a_score_reports_who_moved():
    schools = [School("X", "X", 1), School("Y", "Y", 1)]
    before = [A("1", "8", "8", "8", "X", "Y"), A("2", "7", "7", "7", "X", "Y")]
    after = [A("1", "8", "8", "8", "X", "Y"), A("2", "9", "7", "9", "X", "Y")]
    moved = moves(match(schools, before, AdmissionRules()), match(schools, after, AdmissionRules()))
    assert [(m.applicant_id, m.before, m.after) for m in moved] == [
        ("1", ("X", 1), ("Y", 2)),
        ("2", ("Y", 2), ("X", 1)),
    ]


def test_inconsistent_input_is_refused():
    with pytest.raises(AdmissionInputError):
        match([School("X", "X", 1)], [A("1", "1", "1", "1", "Z")], AdmissionRules())
    with pytest.raises(AdmissionInputError):
        match([School("X", "X", 1)], [A("1", "1", "1", "1", "X", "X")], AdmissionRules())


# -- the command ---------------------------------------------------------------------

SCHOOLS = "school_code,name,quota\nA,THPT Hòn Gai,1\nB,THPT Bãi Cháy,2\n"
HEADER = "applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3\n"


def _run(tmp_path, applicants, schools=SCHOOLS, rules=None):
    (tmp_path / "s.csv").write_text(schools, encoding="utf-8")
    (tmp_path / "a.csv").write_text(HEADER + applicants, encoding="utf-8")
    args = ["--schools", tmp_path / "s.csv", "--applicants", tmp_path / "a.csv"]
    if rules is not None:
        (tmp_path / "rules.json").write_text(json.dumps(rules))
        args += ["--rules", tmp_path / "rules.json"]
    call_command("admission", *map(str, args), "--output", str(tmp_path / "r.csv"))
    with open(tmp_path / "r.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_command_writes_one_row_per_applicant_in_the_input_order(tmp_path):
    rows = _run(
        tmp_path,
        "10,8,7,6,0,0,A,B,\n"
        "11,8,7,6,0,0,A,,\n"
        "12,9,9,9,0.5,,B,A,\n"
        "13,1,1,1,,,A,,\n"
        "14,0.25,0,0,,,B,,\n",
    )
    assert [list(r.values()) for r in rows] == [
        ["10", "A", "1", "21.00"],
        ["11", "A", "1", "21.00"],  # tied with 10 on every criterion: both in
        ["12", "B", "1", "27.50"],
        ["13", "", "", "3.00"],
        ["14", "B", "1", "0.25"],
    ]
    assert list(rows[0]) == ["applicant_id", "school_code", "wish_rank", "score"]


def test_the_command_takes_the_years_rules(tmp_path):
    rows = _run(tmp_path, "1,8,8,8,,,A,,\n2,9,8,8,,,B,A,\n", rules={"wish_penalties": [0, 2]})
    assert rows[0]["school_code"] == "A"
    assert rows[1]["school_code"] == "B"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1,8,7.3,6,0,0,A,,", "a.csv, dòng 3: literature “7.3” không theo bước 0,25"),
        ("1,8,7,6,0,0,Z,,", "a.csv, dòng 3: nguyện vọng 1 có mã trường không có: Z"),
        ("1,11,7,6,0,0,A,,", "a.csv, dòng 3: math “11” nằm ngoài thang điểm"),
        ("1,tám,7,6,0,0,A,,", "a.csv, dòng 3: math “tám” không phải là số"),
        ("1,8,7,6,0,0,A,,B", "a.csv, dòng 3: nguyện vọng 2 bị bỏ trống"),
        ("1,8,7,6,0,0,A,A,", "a.csv, dòng 3: một trường được đăng ký hai lần"),
        ("0,8,7,6,0,0,A,,", "a.csv, dòng 3: số báo danh 0 bị lặp"),
        ("1,8,7,6,0.1,0,A,,", "a.csv, dòng 3: priority “0.1” không theo bước 0,25"),
        ("1,8,7,6,0,0,,,", "a.csv, dòng 3: chưa có nguyện vọng 1"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, line, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, "0,5,5,5,0,0,B,,\n" + line + "\n")
    assert not (tmp_path / "r.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".admission")] == []


@pytest.mark.parametrize(
    ("schools", "message"),
    [
        ("school_code,name\nA,x\n", "s.csv, dòng 1: thiếu cột quota"),
        ("school_code,name,quota\nA,x,1\nA,y,2\n", "s.csv, dòng 3: mã trường A bị lặp"),
        ("school_code,name,quota\nA,x,-1\n", "s.csv, dòng 2: chỉ tiêu “-1”"),
    ],
)
def test_a_bad_schools_file_is_refused(tmp_path, schools, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, "1,8,7,6,0,0,A,,\n", schools=schools)
    assert not (tmp_path / "r.csv").exists()
