from django.core.management.base import BaseCommand, CommandError

from tinhso.audit.services import make_anchor, verify_chain


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký hệ thống (mọi luồng, mọi mốc neo); mã thoát khác 0 "
        "nếu có sự kiện bị sửa hoặc xóa. Khi chuỗi nguyên vẹn, ghi một mốc neo mới."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-anchor", action="store_true", help="only check, do not record an anchor"
        )

    def handle(self, *args, no_anchor=False, **options):
        def progress(n):
            if self.stdout.isatty():
                self.stdout.write(f"\r{n} events checked", ending="")

        report = verify_chain(progress=progress)
        if self.stdout.isatty():
            self.stdout.write("")
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(
                f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.checked} events"
            )
        anchor = ""
        if not no_anchor:  # the heads just checked, for the next check to hold them to
            made = make_anchor(report.heads)
            anchor = f"; anchor #{made.seq} {made.hash}" if made else ""
        self.stdout.write(
            f"audit chain OK: {report.checked} events in {report.streams} stream(s), "
            f"newest #{report.head_seq}, {report.anchors} anchor(s) held{anchor}"
        )
