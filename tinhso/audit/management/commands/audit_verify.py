from django.core.management.base import BaseCommand, CommandError

from tinhso.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký hệ thống; mã thoát khác 0 nếu có sự kiện bị sửa hoặc xóa."
    )

    def handle(self, *args, **options):
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
        self.stdout.write(
            f"audit chain OK: {report.checked} events, head #{report.head_seq} {report.head_hash}"
        )
