from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.population import importing
from tinhso.population.models import ImportBatch


class Command(BaseCommand):
    help = "Import a population CSV (streamed, validated row by row); --resume ID continues one."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")
        parser.add_argument("--resume", type=int, help="the import batch to continue")

    def handle(self, *args, path=None, resume=None, **options):
        if resume:
            batch = ImportBatch.objects.filter(pk=resume).first()
            if batch is None:
                raise CommandError(f"no import batch {resume}")
        elif path:
            try:
                batch = importing.start_import(actor=None, path=path, run=False)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
        else:
            raise CommandError("give a CSV file, or --resume ID")
        self.stderr.write(f"import batch {batch.pk} (resume with --resume {batch.pk})")
        batch = importing.run_import(
            batch, progress=lambda b: self.stderr.write(_bar(b), ending="")
        )
        self.stderr.write("")
        if batch.state == ImportBatch.State.FAILED:
            raise CommandError(batch.message)
        self.stdout.write(
            f"{batch.rows_ok} rows imported, {batch.rows_bad} refused "
            f"(report: {batch.error_report})"
        )


def _bar(batch) -> str:
    share = batch.byte_offset / batch.file_size if batch.file_size else 1
    filled = int(40 * share)
    return (
        f"\r[{'#' * filled}{'.' * (40 - filled)}] {100 * share:5.1f}% "
        f"line {batch.lines_done} ok {batch.rows_ok} bad {batch.rows_bad}"
    )
