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
        content = path.read_bytes()
        progress = self._progress() if self.stderr.isatty() else None
        try:
            result = services.reconcile(
                actor=None, content=content, source=path.name, format_name=format, step=progress
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if progress is not None:
            self.stderr.write("")
        self.stdout.write(result.summary())

    def _progress(self):
        """A count on the terminal as credits are imported (stdout keeps the summary)."""
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if done % 50 == 0:
                self.stderr.write(f"\r{done} …", ending="")
                self.stderr.flush()

        return step
