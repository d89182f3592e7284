"""Benchmark of the school year's end (issue 22: year results for 300,000 pupils "in
minutes"): pupils in classes of 40 with every mark of eight subjects (seven scored,
one by comment) in both terms and both terms' conduct reviews, bulk-inserted once; then
`results.class_year_results` over every class, timed, and the mark sheet page of one
class served by the test client.

    .venv/bin/python bench/school_year.py                       # 4,000 pupils (SQLite)
    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench_school \\
        .venv/bin/python bench/school_year.py --pupils 300000

Prints numbers; asserts nothing. A second run on the same database reuses the pupils.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TINHSO_TESTING"] = "1"
os.environ.setdefault("TINHSO_VAR_DIR", "/tmp/tinhso-bench-school")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
os.environ.setdefault("SECURE_HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from tinhso.education import results, services  # noqa: E402
from tinhso.education.models import (  # noqa: E402
    Assessment,
    ClassMembership,
    Mark,
    Pupil,
    SchoolClass,
    TermReview,
)

SUBJECTS = [("toan", 140), ("van", 140), ("anh", 105), ("khtn", 140), ("ls_dl", 105),
            ("gdcd", 35), ("cn", 35), ("gdtc", 70)]  # fmt: skip
CLASS_SIZE = 40


def build(n_pupils: int, seed: int) -> list[SchoolClass]:
    school = services.create_school(actor=None, code="BENCH", name="Trường bench", level="lower")
    year = services.open_school_year(actor=None, start_year=2025)
    terms = list(year.terms.all())
    subjects = [
        services.add_subject(
            actor=None, code=code, name=code, grade=8,
            assessment=Assessment.COMMENT if code == "gdtc" else Assessment.SCORE,
            periods_per_year=periods,
        )
        for code, periods in SUBJECTS
    ]  # fmt: skip
    rnd = random.Random(seed)
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(school=school, year=year, grade=8, name=f"8-{i:05d}")
        for i in range((n_pupils + CLASS_SIZE - 1) // CLASS_SIZE)
    )
    born = datetime.date(2011, 6, 1)
    for start in range(0, n_pupils, 5000):
        with transaction.atomic():
            chunk = Pupil.objects.bulk_create(
                Pupil(school=school, personal_id=f"0222110{i:05d}"[-12:], full_name=f"HS {i}",
                      date_of_birth=born, school_class=classes[i // CLASS_SIZE])
                for i in range(start, min(start + 5000, n_pupils))
            )  # fmt: skip
            ClassMembership.objects.bulk_create(
                ClassMembership(pupil=p, school_class_id=p.school_class_id) for p in chunk
            )
            marks, reviews = [], []
            for p in chunk:
                for term in terms:
                    reviews.append(
                        TermReview(pupil=p, term=term, conduct=rnd.choice(["tot", "kha", "dat"]))
                    )
                    for s in subjects:
                        if s.assessment == Assessment.COMMENT:
                            marks.append(
                                Mark(pupil=p, subject=s, term=term, kind="end", comment="dat")
                            )
                            continue
                        n = 4 if s.periods_per_year > 70 else 2
                        for k in range(1, n + 1):
                            marks.append(
                                Mark(
                                    pupil=p,
                                    subject=s,
                                    term=term,
                                    kind="regular",
                                    index=k,
                                    score=rnd.randint(40, 100) / 10,
                                )
                            )
                        marks.append(
                            Mark(
                                pupil=p,
                                subject=s,
                                term=term,
                                kind="mid",
                                score=rnd.randint(40, 100) / 10,
                            )
                        )
                        marks.append(
                            Mark(
                                pupil=p,
                                subject=s,
                                term=term,
                                kind="end",
                                score=rnd.randint(40, 100) / 10,
                            )
                        )
            Mark.objects.bulk_create(marks, batch_size=5000)
            TermReview.objects.bulk_create(reviews, batch_size=5000)
        print(f"  built {min(start + 5000, n_pupils):,} pupils", flush=True)
    return classes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("bootstrap", verbosity=0, stdout=quiet)
    classes = list(
        SchoolClass.objects.filter(school__agency__code="BENCH").select_related("year", "school")
    )
    have = Pupil.objects.filter(school__agency__code="BENCH").count()
    if have < args.pupils:
        if have:
            sys.exit(f"the database holds {have:,} bench pupils: use a fresh database")
        started = time.perf_counter()
        classes = build(args.pupils, args.seed)
        print(f"built {args.pupils:,} pupils, {Mark.objects.count():,} marks in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        classes = list(
            SchoolClass.objects.filter(school__agency__code="BENCH").select_related(
                "year", "school"
            )
        )
    started = time.perf_counter()
    per_class, done, complete = [], 0, 0
    for school_class in classes:
        t = time.perf_counter()
        rows = results.class_year_results(school_class)
        per_class.append(time.perf_counter() - t)
        done += len(rows)
        complete += sum(1 for r in rows if r.complete)
    total = time.perf_counter() - started
    print(f"year results: {done:,} pupils ({complete:,} complete) in {len(classes):,} classes: "
          f"{total:.1f} s, {done / total:,.0f} pupils/s; per class p50 "
          f"{statistics.median(per_class) * 1000:.0f} ms, max {max(per_class) * 1000:.0f} ms")  # fmt: skip
    print(f"300,000 pupils at this rate: {300_000 / (done / total) / 60:.1f} min")


if __name__ == "__main__":
    main()
