import json
import time

from django.core.management.base import BaseCommand, CommandError

from tinhso.education.admission import AdmissionInputError, AdmissionRules, match
from tinhso.education.admission_csv import (
    AdmissionFileError,
    read_applicants,
    read_schools,
    write_result,
)


class Command(BaseCommand):
    help = (
        "Grade-10 admission by deferred acceptance: --schools S.csv (school_code,name,quota) "
        "--applicants A.csv (applicant_id,math,literature,english,priority,incentive,"
        "wish1,wish2,wish3) --output R.csv (applicant_id,school_code,wish_rank,score). "
        "--rules RULES.json replaces the default rules (weights, wish_penalties, …)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", required=True)
        parser.add_argument("--applicants", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--rules", help="the year's rules as JSON (default: the contract's)")

    def handle(self, *args, **o):
        started = time.perf_counter()
        try:
            rules = _rules(o["rules"])
            schools = read_schools(o["schools"])
            applicants = read_applicants(o["applicants"], schools, rules)
            result = match(schools, applicants, rules)
            write_result(o["output"], applicants, result)
        except (AdmissionFileError, AdmissionInputError) as exc:
            raise CommandError(str(exc)) from None
        admitted = sum(1 for p in result.placements.values() if p.admitted)
        self.stdout.write(
            f"admitted: {admitted} of {len(applicants)} in {time.perf_counter() - started:.2f} s"
        )
        for code, extra in sorted(result.overruns().items()):
            self.stdout.write(f"overrun: {code} +{extra} (tied for the last place)")


def _rules(path):
    if not path:
        return AdmissionRules()
    try:
        with open(path, encoding="utf-8") as f:
            return AdmissionRules.from_dict(json.load(f))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from None
