"""Benchmark of grade-10 admission: 20,000 applicants × 3 wishes × 120 schools (issue 22:
under 5 s), through the real command (`tinhso admission`: read, match, write).

    .venv/bin/python bench/admission.py                  # 20,000 × 120, seed 1
    .venv/bin/python bench/admission.py --applicants 100000 --schools 300

Scores are drawn on the exam's 0.25 grid; schools have a popularity so that some are
over-subscribed; quotas add up to about 80 % of the applicants. Prints numbers; asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(folder: Path, n_applicants: int, n_schools: int, seed: int) -> None:
    rnd = random.Random(seed)
    codes = [f"T{i:03d}" for i in range(n_schools)]
    weights = [rnd.paretovariate(1.5) for _ in codes]
    total_quota = int(n_applicants * 0.8)
    share = [w / sum(weights) for w in weights]
    with open(folder / "schools.csv", "w", encoding="utf-8") as f:
        f.write("school_code,name,quota\n")
        for code, s in zip(codes, share, strict=True):
            f.write(f"{code},Trường {code},{max(20, int(total_quota * s))}\n")

    def score():
        return min(40, max(0, round(rnd.gauss(26, 6)))) / 4

    with open(folder / "applicants.csv", "w", encoding="utf-8") as f:
        f.write("applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3\n")
        for i in range(n_applicants):
            wishes = []
            while len(wishes) < 3:
                code = rnd.choices(codes, weights)[0]
                if code not in wishes:
                    wishes.append(code)
            priority = rnd.choice(["0", "0", "0", "0.5", "1", "1.5"])
            incentive = rnd.choice(["0", "0", "0", "0.5", "1"])
            f.write(
                f"QN{i:06d},{score()},{score()},{score()},{priority},{incentive},{','.join(wishes)}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=20_000)
    parser.add_argument("--schools", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    o = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, o.applicants, o.schools, o.seed)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tinhso.settings"}
        env.pop("DATABASE_URL", None)
        cmd = [
            sys.executable,
            str(ROOT / "manage.py"),
            "admission",
            "--schools",
            str(folder / "schools.csv"),
            "--applicants",
            str(folder / "applicants.csv"),
            "--output",
            str(folder / "result.csv"),
        ]
        started = time.perf_counter()
        out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        print(out.stdout.strip())
        lines = out.stdout.splitlines()
        print(
            f"{o.applicants} applicants × 3 wishes × {o.schools} schools: "
            f"{wall:.2f} s wall for the whole command (Django start-up included); "
            f"{lines[0].rsplit(' in ', 1)[-1]} inside it (read, match, write)"
        )


if __name__ == "__main__":
    main()
