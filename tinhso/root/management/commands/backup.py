from pathlib import Path

from django.core.management.base import BaseCommand

from tinhso.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu và tệp (giấy tờ, kết quả, khóa PKI) vào một tệp "
        "tar.gz có kèm mã SHA-256. / Back up every table and the var directory's files "
        "into one portable archive (tar.gz, NDJSON rows, SHA-256 manifest)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="a file (….tar.gz) or a directory; default var/backups/tinhso-DATE.tar.gz",
        )

    def handle(self, *args, output=None, **options):
        target = backup.default_output()
        if output:
            given = Path(output)
            target = given / target.name if given.is_dir() or output.endswith("/") else given
        verbose = options.get("verbosity", 1) > 1
        manifest = backup.create_backup(
            target, progress=(lambda line: self.stdout.write(line)) if verbose else (lambda _: None)
        )
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"{target}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files"
        )
