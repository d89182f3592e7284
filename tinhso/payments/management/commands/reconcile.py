from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.payments import services


class Command(BaseCommand):
    help = "Đối soát sao kê ngân hàng với các khoản phí, lệ phí (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", default=None, help="mẫu sao kê (mặc định: tự nhận)")

    def handle(self, *args, file, format, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: không có tệp")
        try:
            result = services.reconcile(
                actor=None, content=path.read_bytes(), source=path.name, format_name=format
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"matched: {result.matched}, queued: {result.queued}")
