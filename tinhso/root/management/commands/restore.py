from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục từ tệp sao lưu vào một cơ sở dữ liệu trống (kiểm tra SHA-256 trước). / "
        "Restore an archive made by `tinhso backup` into an empty database and the var "
        "directory; every member is checked against its SHA-256 first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a file made by `tinhso backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="erase a database that already holds data (the audit log included) first",
        )

    def handle(self, *args, archive, replace=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{archive}: no such file")
        verbose = options.get("verbosity", 1) > 1
        try:
            manifest = backup.restore_backup(
                path,
                replace=replace,
                progress=(lambda line: self.stdout.write(line)) if verbose else (lambda _: None),
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"restored {path} (made {manifest['created_at']} on {manifest['database']}): "
            f"{rows} rows, {len(manifest['files'])} files; run `tinhso audit_verify` to check "
            "the audit chain"
        )
