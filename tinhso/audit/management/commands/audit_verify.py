from django.core.management.base import BaseCommand, CommandError

from tinhso.audit.models import AuditAnchor
from tinhso.audit.services import make_anchor
from tinhso.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký hệ thống (mọi luồng, mọi mốc neo); mã thoát khác 0 "
        "nếu có sự kiện bị sửa hoặc xóa. Khi chuỗi nguyên vẹn, ghi một mốc neo mới."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-anchor", action="store_true", help="only check, do not record an anchor"
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help=(
                "an anchor's hash printed by an earlier run and kept outside the database: "
                "it must still be in the log (anchors cut at their end, with the streams "
                "they recorded, are found only so)"
            ),
        )

    def handle(self, *args, no_anchor=False, anchor=(), **options):
        def progress(n):
            if self.stdout.isatty():
                self.stdout.write(f"\r{n} events checked", ending="")

        report = verify_chain(progress=progress)
        if self.stdout.isatty():
            self.stdout.write("")
        # Each anchor held is checked by verify_chain (its heads still in their streams).
        held = set(AuditAnchor.objects.filter(hash__in=anchor).values_list("hash", flat=True))
        for missing in sorted(set(anchor) - held):
            report.ok = False
            report.problems.append(
                f"the anchor {missing} kept outside is not in the log: "
                "the anchors were cut, and what they recorded may be gone"
            )
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(
                f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.checked} events"
            )
        made_anchor = ""
        if not no_anchor:  # the heads just checked, for the next check to hold them to
            made = make_anchor(report.heads)
            made_anchor = f"; anchor #{made.seq} {made.hash}" if made else ""
        self.stdout.write(
            f"audit chain OK: {report.checked} events in {report.streams} stream(s), "
            f"newest #{report.head_seq}, {report.anchors} anchor(s) held{made_anchor}"
        )
