"""Words for an applicant's result: each wish, the score they competed with there, the
school's cut-off and what happened."""

from __future__ import annotations

from django.utils.translation import gettext as _

OUTCOMES = {
    "admitted": "Trúng tuyển",
    "below_cutoff": "Không trúng tuyển: điểm thấp hơn điểm chuẩn",
    "lost_tiebreak": "Không trúng tuyển: bằng điểm chuẩn nhưng thua ở tiêu chí phụ (Toán, Ngữ văn, Tiếng Anh)",
    "not_considered": "Không xét: đã trúng tuyển nguyện vọng trước",
}


def explain(applicant, schools) -> list[dict]:
    lines = []
    for wish in applicant.explanation:
        school = schools.get(wish["school"])
        lines.append(
            {
                "rank": wish["rank"],
                "school": school.name if school else wish["school"],
                "score": wish["score"],
                "cutoff": wish["cutoff"] or "—",
                "outcome": _(OUTCOMES.get(wish["outcome"], wish["outcome"])),
            }
        )
    return lines
